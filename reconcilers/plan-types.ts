/**
 * The planner's contract: what it reads (desired state, QUERY rows, options) and what it returns
 * (ordered operations, restart-only changes, warnings). The apply step runs a plan phase by phase.
 */
import type { EntityKind } from '../schemas/index.js';
import type { CanonicalValue } from './normalise.js';

/** One QUERY row, zipped against the reply's attribute names (absent values are `null`). */
export type ActualRow = Readonly<Record<string, unknown>>;

/**
 * What the router reports, by kind. A kind that is absent was not queried: the planner then
 * assumes the router holds exactly the desired entities of that kind and plans nothing for it
 * (no create, no update, no delete, no restart).
 */
export type ActualState = Partial<Record<EntityKind, readonly ActualRow[]>>;

/** Options of {@link plan}; every field is optional and defaults to "nothing". */
export interface PlanOptions {
  /**
   * Exact names the planner never touches (no create, update or delete, and no replace of what
   * they reference), e.g. the controller's own management listener. Default: none.
   */
  readonly protectedNames?: readonly string[];
  /**
   * Name globs (`*` any run of characters, `?` one character, everything else literal) the planner
   * never touches, e.g. `auto-mesh*`. Default: none.
   */
  readonly ignore?: readonly string[];
  /**
   * `kind/name` of desired entities to delete and create again although the router holds them as
   * desired (reason `rebind`): a listener the router stored but could not bind. Default: none.
   */
  readonly recreate?: ReadonlySet<string>;
}

export type OperationKind = 'create' | 'update' | 'delete';

/**
 * Why an operation is planned:
 * - `missing`: desired, not on the router (create);
 * - `drift`: on the router with different updatable attributes (update);
 * - `replace`: a create-only attribute differs (delete, then create of the same name);
 * - `dependant`: an entity it references is replaced, or was missing on the router, so it must be
 *   created again to follow it (delete, then create);
 * - `foreign`: on the router, not desired (delete);
 * - `rebind`: equal on both sides, but the caller asked for it again (`PlanOptions.recreate`).
 */
export type OperationReason = 'missing' | 'drift' | 'replace' | 'dependant' | 'foreign' | 'rebind';

export interface EntityRef {
  readonly kind: EntityKind;
  readonly name: string;
}

/** An attribute change for display; `null` is "absent". */
export interface AttributeChange {
  readonly attribute: string;
  readonly from: CanonicalValue | null;
  readonly to: CanonicalValue | null;
}

export interface PlannedOperation {
  /** Unique within a plan: `<op> <kind>/<name>`. */
  readonly id: string;
  readonly op: OperationKind;
  readonly kind: EntityKind;
  /** Long management type to send. */
  readonly longType: string;
  /** Name to send (for singletons and logs: the name the router reported). */
  readonly name: string;
  /**
   * Name of the desired entity this operation serves, where it differs from `name` (a log or a
   * singleton the router names otherwise): what status and refusals are kept under.
   */
  readonly subject?: string;
  /**
   * Body to send. CREATE: the configured attributes in the router's form (no defaults, no
   * read-only attributes, no name). UPDATE: only the changed attributes, `null` clears one.
   * DELETE: empty.
   */
  readonly attributes: Readonly<Record<string, CanonicalValue | null>>;
  /** What changes, for display (CREATE: every configured attribute; DELETE: none). */
  readonly changes: readonly AttributeChange[];
  readonly reason: OperationReason;
  /** Entities this CREATE names in its attributes (they exist when it runs). */
  readonly references: readonly EntityRef[];
  /**
   * Ids of earlier operations that must have succeeded for this one to be safe or to succeed:
   * the apply step skips an operation when one of these failed or was skipped.
   */
  readonly dependsOn: readonly string[];
  /**
   * Operations of one phase do not depend on each other and may run concurrently; phase n+1
   * starts when phase n is done. Phases are numbered from 0 without gaps.
   */
  readonly phase: number;
}

/** A difference only a router restart from a regenerated boot file can apply. */
export interface RestartChange {
  readonly kind: EntityKind;
  /** Desired name of the entity. */
  readonly name: string;
  readonly attribute: string;
  readonly from: CanonicalValue | null;
  readonly to: CanonicalValue | null;
}

export type PlanWarningCode =
  /** A desired entity has a protected or ignored name and differs from the router (left alone). */
  | 'untouchable'
  /** A create was skipped because an entity it references will not exist. */
  | 'unresolved-reference'
  /** A create was skipped because its name (or unique key) is held by an entity that stays. */
  | 'name-taken'
  /** A foreign entity was kept because an entity that stays references it. */
  | 'kept-referenced'
  /** A replace was skipped because a protected or ignored entity depends on the entity. */
  | 'replace-blocked'
  /** The desired entity cannot be created or updated on a live router (log module or singleton missing). */
  | 'not-on-router'
  /** Two QUERY rows share a key; the first one is used. */
  | 'duplicate-row';

export interface PlanWarning {
  readonly code: PlanWarningCode;
  readonly kind: EntityKind;
  readonly name: string;
  readonly message: string;
}

export interface Plan {
  /** Sorted by phase, then canonical kind order (deletes: reverse), then name. */
  readonly operations: readonly PlannedOperation[];
  readonly restart: readonly RestartChange[];
  readonly warnings: readonly PlanWarning[];
}
