/**
 * Pairs desired entities with QUERY rows by key (see `entityKey`), one entry per entity the
 * planner may act on. Restart-only types (router, site, policy) get no entries; kinds that were
 * not queried get none either.
 */
import { ENTITY_FACTS, ENTITY_KINDS, type DesiredEntity, type DesiredState, type EntityKind } from '../schemas/index.js';
import { globToRegExp } from './glob.js';
import { normaliseActual, normaliseDesired, type NormalisedEntity } from './normalise.js';
import type { ActualState, AttributeChange, OperationReason, PlanOptions, PlanWarning } from './plan-types.js';
import { KIND_ORDER, uniqueKeysOf } from './references.js';

export type Decision = 'keep' | 'create' | 'update' | 'replace' | 'delete' | 'skip';

/** One entity the planner may act on, and what it decided so far. */
export interface Entry {
  /** `<kind>/<key>`. */
  readonly id: string;
  readonly kind: EntityKind;
  readonly key: string;
  readonly desired: NormalisedEntity | undefined;
  readonly actual: NormalisedEntity | undefined;
  /** Protected or ignored: never acted on. */
  readonly untouchable: boolean;
  decision: Decision;
  reason: OperationReason | undefined;
  /** Attribute differences (update, replace). */
  changes: readonly AttributeChange[];
  /** Kept as the router has it because it cannot be created again (its desired form cannot be created). */
  frozen: boolean;
}

export interface PlanIndex {
  /** Sorted by canonical kind order, then key. */
  readonly entries: readonly Entry[];
  readonly byId: ReadonlyMap<string, Entry>;
  readonly queried: ReadonlySet<EntityKind>;
  /** `<kind>/<name>` of every desired entity, of every kind. */
  readonly desiredIds: ReadonlySet<string>;
  /** Unique keys held by rows the planner never acts on (restart-only types). */
  readonly heldKeys: ReadonlySet<string>;
  /** Every desired entity, normalised (all kinds). */
  readonly desired: readonly NormalisedEntity[];
  readonly isUntouchable: (name: string) => boolean;
  /** `<kind>/<name>` of desired entities to delete and create again although equal (`PlanOptions.recreate`). */
  readonly recreate: ReadonlySet<string>;
  readonly warnings: PlanWarning[];
}

/** Types with live operations; router, site and policy only change by restart. */
export const MANAGED_KINDS: readonly EntityKind[] = ENTITY_KINDS.filter((k) => !ENTITY_FACTS[k].restartOnly);

/*
 * Ids of desired entities (`<kind>/<name>`), one string per object: an unchanged entity keeps its
 * object from one revision to the next (controller/loop/intern.ts), and a string hashed once keeps
 * its hash, so the set below neither allocates nor hashes them again.
 */
const desiredEntityIds = new WeakMap<DesiredEntity, string>();

const idOf = (n: NormalisedEntity): string => `${n.kind}/${n.key}`;

function desiredIdOf(e: DesiredEntity): string {
  let id = desiredEntityIds.get(e);
  if (id === undefined) {
    id = `${e.kind}/${e.name}`;
    desiredEntityIds.set(e, id);
  }
  return id;
}

/** The network entity of a desired state that has none. */
const EMPTY_NETWORK: DesiredEntity = Object.freeze({ kind: 'network', name: 'network', attributes: Object.freeze({}) });

export function buildIndex(desired: DesiredState, actual: ActualState, options: PlanOptions): PlanIndex {
  const protectedNames = new Set(options.protectedNames ?? []);
  const ignored = (options.ignore ?? []).map(globToRegExp);
  // a plain loop: called for every entity, more than once, and a closure per call is garbage
  const isUntouchable = (name: string) => {
    if (protectedNames.has(name)) return true;
    for (const pattern of ignored) if (pattern.test(name)) return true;
    return false;
  };
  const untouchable = (name: string | undefined) => name !== undefined && isUntouchable(name);
  const queried = new Set(ENTITY_KINDS.filter((k) => actual[k] !== undefined));
  const warnings: PlanWarning[] = [];
  const desiredIds = new Set(desired.entities.map(desiredIdOf));

  const desiredByKey = new Map<string, NormalisedEntity>();
  const desiredAll = desired.entities.map(normaliseDesired);
  for (const n of desiredAll) {
    const id = idOf(n);
    if (!desiredByKey.has(id)) desiredByKey.set(id, n);
  }
  // The router always has a network entity; a desired state without one wants it empty.
  if (!desiredByKey.has('network/network')) {
    desiredByKey.set('network/network', normaliseDesired(EMPTY_NETWORK));
  }

  const actualByKey = new Map<string, NormalisedEntity>();
  const heldKeys = new Set<string>();
  for (const kind of ENTITY_KINDS) {
    for (const row of actual[kind] ?? []) {
      const n = normaliseActual(kind, row);
      if (!n) continue;
      if (ENTITY_FACTS[kind].restartOnly) {
        for (const key of uniqueKeysOf(kind, n.name, n.configured)) heldKeys.add(key);
        continue;
      }
      const id = idOf(n);
      if (actualByKey.has(id)) {
        warnings.push({ code: 'duplicate-row', kind, name: n.name, message: `the router reported ${id} twice; using the first row` });
        continue;
      }
      actualByKey.set(id, n);
    }
  }

  // `<kind>/<key>` ids by kind, desired first (the order does not matter: entries are sorted below).
  const idsByKind = new Map<EntityKind, Set<string>>();
  const addId = (n: NormalisedEntity, id: string) => {
    const ids = idsByKind.get(n.kind);
    if (ids) ids.add(id);
    else idsByKind.set(n.kind, new Set([id]));
  };
  desiredByKey.forEach(addId);
  actualByKey.forEach(addId);

  const entries: Entry[] = [];
  for (const kind of MANAGED_KINDS) {
    if (!queried.has(kind)) continue;
    for (const id of idsByKind.get(kind) ?? []) {
      const d = desiredByKey.get(id);
      const a = actualByKey.get(id);
      entries.push({
        id,
        kind,
        key: id.slice(kind.length + 1),
        desired: d,
        actual: a,
        untouchable: untouchable(d?.name) || untouchable(a?.name),
        decision: 'keep',
        reason: undefined,
        changes: [],
        frozen: false,
      });
    }
  }
  entries.sort((x, y) => KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || compareText(x.key, y.key));
  return {
    entries,
    byId: new Map(entries.map((e) => [e.id, e])),
    queried,
    desiredIds,
    heldKeys,
    desired: desiredAll,
    isUntouchable,
    recreate: options.recreate ?? new Set(),
    warnings,
  };
}

/** Code-point order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
