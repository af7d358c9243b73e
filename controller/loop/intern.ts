/**
 * Interning of desired entities: a newly loaded state whose entity is exactly the previous state's
 * (same kind, name, attributes, key order included) gets the previous object back. Every cache
 * keyed by entity identity (ledger fingerprints, the planner's desired ids) then hits for the entities a
 * change left alone, and the fresh copies die young. Entities are never changed once loaded, so a
 * reused object is indistinguishable from the fresh one.
 */
import type { DesiredEntity, DesiredState } from '../../schemas/index.js';

/**
 * `next` with every entity that has the kind, name and attributes (see {@link sameJson}) of one of
 * `previous` replaced by that object; each previous object is used at most once. Returns `next`
 * itself when nothing is reused.
 */
export function internEntities(previous: DesiredState | undefined, next: DesiredState): DesiredState {
  if (!previous || previous.entities.length === 0) return next;
  const old = previous.entities;
  const used = new Uint8Array(old.length);
  let byId: Map<string, number> | undefined;
  const sameId = (j: number, e: DesiredEntity) => old[j]?.kind === e.kind && old[j]?.name === e.name;
  let reused = 0;
  const entities = next.entities.map((entity, i) => {
    // Entities come in canonical order: after a small change most sit at the same position or one off.
    let j = sameId(i, entity) ? i : sameId(i - 1, entity) ? i - 1 : sameId(i + 1, entity) ? i + 1 : -1;
    if (j < 0) {
      byId ??= new Map(old.map((o, k) => [`${o.kind}/${o.name}`, k]));
      j = byId.get(`${entity.kind}/${entity.name}`) ?? -1;
    }
    const candidate = old[j];
    if (candidate === undefined || used[j] === 1 || candidate === entity || !sameJson(candidate.attributes, entity.attributes)) return entity;
    used[j] = 1;
    reused++;
    return candidate;
  });
  return reused === 0 ? next : { ...next, entities };
}

/**
 * Deep equality that no reader can tell apart: the same own keys in the same order, primitives by
 * `Object.is` (so `0` and `-0` differ), arrays and plain objects recursively; any other object only
 * equals itself.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || !isPlain(a) || !isPlain(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
