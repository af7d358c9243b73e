/**
 * Second pass of the planner: make the first decisions safe together, so that at no point does an
 * operation name an entity that does not exist, and nothing that stays is left referencing a
 * deleted entity.
 *
 * 1. A foreign entity that something staying references is kept (warning `kept-referenced`).
 * 2. A create whose name or unique key is held by an entity that stays, or whose references will
 *    not exist, is dropped; a replace in that position keeps the old entity (warnings
 *    `name-taken`, `unresolved-reference`). Repeated until stable, since a dropped create can
 *    strand the creates that reference it.
 * 3. An entity whose referenced profile or listener is missing on the router, and is about to be
 *    created, is created again after it (reason `dependant`): the router only links users to a
 *    profile when they are created.
 * 4. Replacing an entity replaces everything that references it, transitively (reason
 *    `dependant`); if one of those cannot be created again (protected, ignored, not desired,
 *    or frozen by step 2) the replace is dropped instead (warning `replace-blocked`).
 */
import type { EntityRef } from './plan-types.js';
import type { Entry, PlanIndex } from './plan-index.js';
import type { CanonicalAttributes, NormalisedEntity } from './normalise.js';
import { RESERVED_PYTHON_NAMES, REFERENCE_DEPTH, acceptsTarget, referencesOf, refId, uniqueKeysOf } from './references.js';

export function resolve(index: PlanIndex): void {
  // Steps 1 and 2 only ever keep more and create less, so they settle; a replace dropped by step 4
  // keeps more again, so everything is redone until nothing is dropped (each round freezes one
  // more entry, which bounds the loop).
  for (;;) {
    if (keepReferencedForeign(index) || dropImpossibleCreates(index)) continue;
    const upgraded = followMissingTargets(index);
    if (!cascadeReplaces(index, upgraded)) return;
    for (const [entry, before] of upgraded) {
      if (entry.frozen) continue;
      entry.decision = before.decision;
      entry.reason = before.reason;
    }
  }
}

type Upgrades = Map<Entry, Pick<Entry, 'decision' | 'reason'>>;

function upgrade(entry: Entry, upgraded: Upgrades): void {
  if (!upgraded.has(entry)) upgraded.set(entry, { decision: entry.decision, reason: entry.reason });
  entry.decision = 'replace';
  entry.reason = 'dependant';
}

export function desiredRefs(entry: Entry): readonly EntityRef[] {
  return entry.desired ? referencesOf(entry.kind, entry.desired.configured) : [];
}

export function actualRefs(entry: Entry): readonly EntityRef[] {
  return entry.actual ? referencesOf(entry.kind, entry.actual.configured) : [];
}

/** Still on the router, as it is, once the plan has run (replaced entries are not). */
function stays(entry: Entry): boolean {
  return entry.actual !== undefined && entry.decision !== 'delete' && entry.decision !== 'replace';
}

function keepReferencedForeign(index: PlanIndex): boolean {
  let any = false;
  for (let changed = true; changed; ) {
    changed = false;
    // the first referrer of each id; described only for the few entries kept (a string per reference is garbage)
    const referrers = new Map<string, NormalisedEntity | Entry>();
    const note = (ref: EntityRef, by: NormalisedEntity | Entry) => {
      const id = refId(ref);
      if (!referrers.has(id)) referrers.set(id, by);
    };
    for (const d of index.desired) {
      if (index.isUntouchable(d.name)) continue;
      for (const ref of referencesOf(d.kind, d.configured)) note(ref, d);
    }
    for (const e of index.entries) {
      if (stays(e)) for (const ref of actualRefs(e)) note(ref, e);
    }
    for (const e of index.entries) {
      const referrer = e.decision === 'delete' ? referrers.get(e.id) : undefined;
      if (referrer === undefined) continue;
      const by = 'decision' in referrer ? `${referrer.kind} '${referrer.actual?.name ?? referrer.key}'` : `desired ${referrer.kind} '${referrer.name}'`;
      e.decision = 'keep';
      e.reason = undefined;
      e.frozen = true;
      changed = true;
      any = true;
      index.warnings.push({
        code: 'kept-referenced',
        kind: e.kind,
        name: e.key,
        message: `${e.kind} '${e.key}' is not desired but is kept: ${by} references it`,
      });
    }
  }
  return any;
}

/**
 * The form an entity will have by the time creates run (after the deletes and updates), or
 * undefined when it will not exist.
 */
function futureForm(index: PlanIndex, ref: EntityRef): CanonicalAttributes | undefined {
  if (!index.queried.has(ref.kind)) return index.desired.find((d) => d.kind === ref.kind && d.name === ref.name)?.full;
  const e = index.byId.get(refId(ref));
  if (!e) return undefined;
  if (e.decision === 'create' || e.decision === 'replace') return e.desired?.full;
  if (e.untouchable || e.decision !== 'delete') return e.actual?.full;
  return undefined;
}

/** The first reference of an entry's desired form that will not be there (or not in a usable form). */
function unresolved(index: PlanIndex, entry: Entry): EntityRef | undefined {
  return desiredRefs(entry).find((r) => {
    const form = futureForm(index, r);
    return form === undefined || !acceptsTarget(entry.kind, form);
  });
}

function dropImpossibleCreates(index: PlanIndex): boolean {
  let any = false;
  for (let changed = true; changed; ) {
    changed = false;
    const held = new Set(index.heldKeys);
    for (const name of RESERVED_PYTHON_NAMES) held.add(`name:python:${name}`);
    for (const e of index.entries) {
      if (e.actual && (stays(e) || e.untouchable)) {
        for (const key of uniqueKeysOf(e.kind, e.actual.name, e.actual.configured)) held.add(key);
      }
    }
    for (const e of index.entries) {
      if ((e.decision !== 'create' && e.decision !== 'replace') || !e.desired) continue;
      const keys = uniqueKeysOf(e.kind, e.desired.name, e.desired.configured);
      const taken = keys.find((k) => held.has(k));
      const missing = unresolved(index, e);
      if (taken === undefined && missing === undefined) {
        for (const key of keys) held.add(key);
        continue;
      }
      const what = `${e.kind} '${e.desired.name}'`;
      const outcome = e.decision === 'create' ? 'is not created' : 'keeps its current form';
      index.warnings.push(
        taken !== undefined
          ? { code: 'name-taken', kind: e.kind, name: e.desired.name, message: `${what} ${outcome}: ${taken} is held by another entity that stays` }
          : {
              code: 'unresolved-reference',
              kind: e.kind,
              name: e.desired.name,
              message: `${what} ${outcome}: it references ${missing?.kind ?? ''} '${missing?.name ?? ''}', which will not exist`,
            },
      );
      e.frozen = e.decision === 'replace';
      e.decision = e.decision === 'create' ? 'skip' : 'keep';
      e.reason = undefined;
      e.changes = [];
      changed = true;
      any = true;
    }
  }
  return any;
}

function followMissingTargets(index: PlanIndex): Upgrades {
  const upgraded: Upgrades = new Map();
  for (const e of index.entries) {
    if ((e.decision !== 'keep' && e.decision !== 'update') || e.untouchable || e.frozen || !e.desired) continue;
    const absentNow = actualRefs(e).some((r) => {
      const target = index.byId.get(refId(r));
      return index.queried.has(r.kind) && !target?.actual && target?.decision === 'create';
    });
    if (absentNow && unresolved(index, e) === undefined) upgrade(e, upgraded);
  }
  return upgraded;
}

/** Appends to the list under `key`, creating it. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Entities on the router that reference `target` (through their reported attributes). */
function referrersOf(index: PlanIndex): Map<string, Entry[]> {
  const map = new Map<string, Entry[]>();
  for (const e of index.entries) for (const ref of actualRefs(e)) pushTo(map, refId(ref), e);
  return map;
}

/** Returns whether a replace was dropped (then the caller starts over). */
function cascadeReplaces(index: PlanIndex, upgraded: Upgrades): boolean {
  const referrers = referrersOf(index);
  const closure = (root: Entry): Entry[] => {
    const seen = new Set<string>([root.id]);
    const out: Entry[] = [];
    const queue = [root];
    for (let next = queue.shift(); next; next = queue.shift()) {
      for (const d of referrers.get(next.id) ?? []) {
        if (seen.has(d.id) || d.decision === 'delete') continue;
        seen.add(d.id);
        out.push(d);
        queue.push(d);
      }
    }
    return out;
  };
  let blocked = false;
  const byDepth = [...index.entries].sort((a, b) => REFERENCE_DEPTH[a.kind] - REFERENCE_DEPTH[b.kind]);
  for (const root of byDepth) {
    if (root.decision !== 'replace') continue;
    const dependants = closure(root);
    const blocker = dependants.find((d) => d.untouchable || d.frozen || !d.desired || unresolved(index, d) !== undefined);
    if (blocker) {
      blocked = true;
      root.decision = 'keep';
      root.reason = undefined;
      root.changes = [];
      root.frozen = true;
      index.warnings.push({
        code: 'replace-blocked',
        kind: root.kind,
        name: root.key,
        message: `${root.kind} '${root.key}' needs a replace, but ${blocker.kind} '${blocker.actual?.name ?? blocker.key}' depends on it and cannot be created again; left as it is`,
      });
      continue;
    }
    for (const d of dependants) if (d.decision !== 'replace') upgrade(d, upgraded);
  }
  return blocked;
}
