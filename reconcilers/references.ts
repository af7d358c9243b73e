/**
 * Facts the planner derives from the schema about how entities relate: which entities an entity
 * names, how deep a kind sits in the reference graph, and which names and keys the router keeps
 * unique.
 */
import { ENTITY_FACTS, ENTITY_KINDS, LOG_MODULES, type EntityKind } from '../schemas/index.js';
import type { CanonicalAttributes } from './normalise.js';
import type { EntityRef } from './plan-types.js';

/** The reference attributes of each kind and the kind each names, in declaration order. */
const REFERENCE_ATTRIBUTES: ReadonlyMap<EntityKind, readonly { readonly name: string; readonly target: EntityKind }[]> = new Map(
  ENTITY_KINDS.map((k) => [
    k,
    Object.entries(ENTITY_FACTS[k].attributes).flatMap(([name, facts]) => (facts.references !== undefined ? [{ name, target: facts.references }] : [])),
  ]),
);

/** Entities an entity names through its reference attributes, in declaration order (shared and frozen for a frozen map: see {@link remember}). */
export function referencesOf(kind: EntityKind, attributes: CanonicalAttributes): readonly EntityRef[] {
  const hit = referencesMemo.get(attributes);
  if (hit !== undefined && hit.kind === kind) return hit.value;
  const refs: EntityRef[] = [];
  for (const { name, target } of REFERENCE_ATTRIBUTES.get(kind) ?? []) {
    const value = attributes[name];
    if (typeof value === 'string') refs.push({ kind: target, name: value });
  }
  return remember(referencesMemo, attributes, kind, '', refs);
}

/*
 * Per attribute map memos. The canonical forms the planner reads are frozen (`normalise.ts`) and
 * asked about more than once in a pass (indexing, then resolving references), so what is derived
 * from one is computed once; any other map (not frozen: it may still change) every time.
 */
interface Memo<T> {
  readonly kind: EntityKind;
  readonly name: string;
  readonly value: readonly T[];
}
const referencesMemo = new WeakMap<object, Memo<EntityRef>>();
const uniqueKeysMemo = new WeakMap<object, Memo<string>>();

/** `value`, frozen and remembered for `attributes` when those are frozen; as it is otherwise. */
function remember<T>(memo: WeakMap<object, Memo<T>>, attributes: CanonicalAttributes, kind: EntityKind, name: string, value: T[]): readonly T[] {
  if (!Object.isFrozen(attributes)) return value;
  for (const v of value) if (typeof v === 'object' && v !== null) Object.freeze(v);
  memo.set(attributes, { kind, name, value: Object.freeze(value) });
  return value;
}

function depthOf(kind: EntityKind, seen: readonly EntityKind[] = []): number {
  if (seen.includes(kind)) throw new Error(`reference cycle through ${kind}`);
  const targets = Object.values(ENTITY_FACTS[kind].attributes).flatMap((a) => (a.references ? [a.references] : []));
  return targets.reduce((max, target) => Math.max(max, 1 + depthOf(target, [...seen, kind])), 0);
}

/**
 * Whether the router accepts `kind` referencing an entity in the given form: a listenerAddress
 * needs a tcpListener with a multiAddressStrategy other than `none` (§2 of the management notes).
 */
export function acceptsTarget(kind: EntityKind, target: CanonicalAttributes): boolean {
  if (kind === 'listenerAddress') return (target['multiAddressStrategy'] ?? 'none') !== 'none';
  return true;
}

/** 0 for kinds that reference nothing, 1 + the deepest referenced kind otherwise. */
export const REFERENCE_DEPTH = Object.fromEntries(ENTITY_KINDS.map((k) => [k, depthOf(k)])) as Readonly<
  Record<EntityKind, number>
>;

/** Position of a kind in the canonical order. */
export const KIND_ORDER = Object.fromEntries(ENTITY_KINDS.map((k, i) => [k, i])) as Readonly<Record<EntityKind, number>>;

/** `<kind>/<name>`: how the planner names an entity in references and indexes. */
export function refId(ref: EntityRef): string {
  return `${ref.kind}/${ref.name}`;
}

/**
 * Names are unique across every python-managed type; the C agent's types (address, autoLink)
 * share a namespace of their own.
 */
export function namespaceOf(kind: EntityKind): string {
  return ENTITY_FACTS[kind].agent;
}

/**
 * Names the router already holds in the python namespace without reporting them in any QUERY the
 * planner reads: the management node (`self`) and one `logStats` entity per log module (named
 * after the module; a real router answered an UPDATE of log `DEFAULT` with that entity).
 */
export const RESERVED_PYTHON_NAMES: ReadonlySet<string> = new Set(['self', ...LOG_MODULES]);

/**
 * Keys the router refuses to hold twice: the name in its namespace, a vhost's identity
 * (`vhost/<hostname>`), an address's prefix or pattern.
 */
export function uniqueKeysOf(kind: EntityKind, name: string, attributes: CanonicalAttributes): readonly string[] {
  const hit = uniqueKeysMemo.get(attributes);
  if (hit !== undefined && hit.kind === kind && hit.name === name) return hit.value;
  const keys = [`name:${namespaceOf(kind)}:${name}`];
  const hostname = attributes['hostname'];
  if (kind === 'vhost' && typeof hostname === 'string') keys.push(`identity:vhost/${hostname}`);
  if (kind === 'address') {
    for (const attr of ['prefix', 'pattern']) {
      const value = attributes[attr];
      if (typeof value === 'string') keys.push(`address-${attr}:${value}`);
    }
  }
  return remember(uniqueKeysMemo, attributes, kind, name, keys);
}

/** Whether the router changes this attribute of a live entity by UPDATE. */
export function isUpdatable(kind: EntityKind, attribute: string): boolean {
  const facts = ENTITY_FACTS[kind];
  const attr = facts.attributes[attribute];
  return facts.operations.includes('UPDATE') && attr?.access === 'update' && attr.restartOnly !== true;
}

/** Types whose entities the planner creates and deletes (everything else is update-only or restart-only). */
export function isCreatable(kind: EntityKind): boolean {
  const ops = ENTITY_FACTS[kind].operations;
  return ops.includes('CREATE') && ops.includes('DELETE');
}
