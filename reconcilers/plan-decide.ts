/**
 * First pass of the planner: for each entry on its own, is it missing, foreign, equal, drifted
 * (updatable) or changed in a create-only attribute (replace)?
 *
 * How absent attributes compare:
 * - `log`: only the attributes the desired entity sets are compared. A module's unset levels
 *   inherit from DEFAULT and the router fills DEFAULT's own (`info+`, timestamps, stderr), so
 *   "unset in desired" means "whatever the router has".
 * - `network`: only `networkId` is live; absent in desired and set on the router is drift
 *   (cleared with `null`). `tenantId` is a restart change (see `plan-restart.ts`).
 * - every other type: after defaults on both sides, an attribute set on the router but absent in
 *   desired is drift, like any other difference.
 */
import type { CanonicalAttributes, NormalisedEntity } from './normalise.js';
import { comparedAttributes, sameValue } from './normalise.js';
import type { Entry, PlanIndex } from './plan-index.js';
import type { AttributeChange, OperationReason } from './plan-types.js';
import { isCreatable, isUpdatable } from './references.js';
import type { EntityKind } from '../schemas/index.js';

/** Differences between desired and actual over `attributes` (default: every compared attribute). */
export function diffAttributes(
  kind: EntityKind,
  desired: CanonicalAttributes,
  actual: CanonicalAttributes,
  attributes: readonly string[] = comparedAttributes(kind),
): AttributeChange[] {
  const changes: AttributeChange[] = [];
  for (const attribute of attributes) {
    const to = desired[attribute];
    const from = actual[attribute];
    if (!sameValue(to, from)) changes.push({ attribute, from: from ?? null, to: to ?? null });
  }
  return changes;
}

/** What the planner compares for an entity present on both sides: which attributes, and each side's values. */
export interface ComparedScope {
  readonly attributes: readonly string[];
  readonly desired: CanonicalAttributes;
  readonly actual: CanonicalAttributes;
}

/** The comparison of one entity, shared with the document model (`document.ts`) so the plan and the patch agree. */
export function comparedScope(kind: EntityKind, desired: NormalisedEntity, actual: NormalisedEntity): ComparedScope {
  if (kind === 'log') {
    const set = comparedAttributes(kind).filter((a) => desired.configured[a] !== undefined);
    return { attributes: set, desired: desired.configured, actual: actual.full };
  }
  if (!isCreatable(kind)) {
    const live = comparedAttributes(kind).filter((a) => isUpdatable(kind, a));
    return { attributes: live, desired: desired.full, actual: actual.full };
  }
  return { attributes: comparedAttributes(kind), desired: desired.full, actual: actual.full };
}

/** The differences that matter for an entry present on both sides. */
export function entryChanges(entry: Entry): AttributeChange[] {
  const { kind, desired, actual } = entry;
  if (!desired || !actual) return [];
  const scope = comparedScope(kind, desired, actual);
  return diffAttributes(kind, scope.desired, scope.actual, scope.attributes);
}

/** Sets each entry's first decision; warnings go to the index. */
export function decide(index: PlanIndex): void {
  for (const entry of index.entries) {
    const { kind, desired, actual } = entry;
    const changes = entryChanges(entry);
    if (entry.untouchable) {
      if (desired && (!actual || changes.length > 0)) {
        index.warnings.push({
          code: 'untouchable',
          kind,
          name: desired.name,
          message: `${kind} '${desired.name}' is protected or ignored; it ${actual ? 'differs from' : 'is missing on'} the router and is left alone`,
        });
      }
      continue;
    }
    if (!isCreatable(kind)) {
      if (desired && !actual && (kind !== 'network' || Object.keys(desired.configured).length > 0)) {
        index.warnings.push({
          code: 'not-on-router',
          kind,
          name: desired.name,
          message: `the router reports no ${entry.key}; ${kind} entities cannot be created live`,
        });
      }
      if (changes.length > 0) setDecision(entry, 'update', changes);
      continue;
    }
    if (desired && !actual) setDecision(entry, 'create', []);
    else if (!desired && actual) setDecision(entry, 'delete', []);
    else if (changes.length > 0) {
      const live = changes.every((c) => isUpdatable(kind, c.attribute));
      setDecision(entry, live ? 'update' : 'replace', changes);
    }
    if (desired && actual && entry.decision !== 'replace' && index.recreate.has(`${kind}/${desired.name}`)) {
      setDecision(entry, 'replace', changes);
      entry.reason = 'rebind';
    }
  }
}

const REASONS = { create: 'missing', update: 'drift', replace: 'replace', delete: 'foreign' } as const satisfies Record<
  string,
  OperationReason
>;

function setDecision(entry: Entry, decision: keyof typeof REASONS, changes: AttributeChange[]): void {
  entry.decision = decision;
  entry.changes = changes;
  entry.reason = REASONS[decision];
}
