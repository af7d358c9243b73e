/**
 * fast-check generators for the planner's property tests: pairs of configurations over small,
 * overlapping name pools (so entities collide across kinds, drift, go missing and turn foreign),
 * values written in every spelling the router accepts, and drift applied to a booted router model.
 */
import fc from 'fast-check';
import {
  ENTITY_FACTS,
  ENTITY_KINDS,
  type AttributeFacts,
  type AttributeValue,
  type DesiredEntity,
  type EntityKind,
} from '../../schemas/index.js';
import { sanitise } from './sanitise.js';

/** Names per kind; `shared` and `auto-mesh*` appear in several kinds on purpose. */
export const NAME_POOLS: Readonly<Record<EntityKind, readonly string[]>> = {
  router: ['router'],
  site: ['site', 's1'],
  network: ['network'],
  policy: ['policy'],
  log: ['ROUTER', 'ROUTER_CORE', 'DEFAULT', 'TCP_ADAPTOR'],
  sslProfile: ['p1', 'p2', 'shared', 'auto-mesh-p'],
  proxyProfile: ['x1', 'shared'],
  vhost: ['v1', 'v2', 'shared'],
  address: ['a1', 'a2', 'a3'],
  autoLink: ['al1', 'a1'],
  listener: ['l1', 'l2', 'mgmt', 'shared'],
  connector: ['c1', 'auto-mesh-connector/1', 'shared'],
  tcpListener: ['t1', 't2', 'shared'],
  tcpConnector: ['tc1', 'tc2', 'mgmt'],
  listenerAddress: ['la1', 'la2', 'la3'],
};

const STRINGS: Record<string, readonly string[]> = {
  enable: ['info+', 'debug', 'trace+', 'warning+', 'error+,critical', 'none'],
  hostname: ['h1', 'h2', 'h3'],
  prefix: ['q', 'r'],
  pattern: ['q.*', 'r.#'],
  address: ['svc-a', 'svc-b'],
  host: ['', '127.0.0.1', 'example.com'],
  id: ['r-1', 'r-2'],
};

function valueOf(name: string, facts: AttributeFacts): fc.Arbitrary<AttributeValue> {
  if (facts.references) return fc.constantFrom(...NAME_POOLS[facts.references]);
  const withDefault = <T extends AttributeValue>(values: readonly T[]) =>
    fc.constantFrom<AttributeValue>(...values, ...(facts.default === undefined ? [] : [facts.default]));
  switch (facts.kind) {
    case 'integer':
      return withDefault([0, 1, 7]);
    case 'boolean':
      return fc.boolean();
    case 'port':
      return withDefault(['5672', '9000']);
    case 'enum':
      return fc.constantFrom(...(facts.values ?? []));
    case 'path':
      return fc.constantFrom('/p/a', '/p/b');
    case 'map':
    case 'properties':
      return fc.constantFrom<AttributeValue>({}, { k: 'v' }, { k: 'w', n: 1 });
    case 'string':
      return withDefault(STRINGS[name] ?? ['x', 'y']);
  }
}

function attributesOf(kind: EntityKind): fc.Arbitrary<Record<string, AttributeValue>> {
  const model: Record<string, fc.Arbitrary<AttributeValue>> = {};
  const required: string[] = [];
  for (const [name, facts] of Object.entries(ENTITY_FACTS[kind].attributes)) {
    if (facts.access === 'read' || (kind === 'log' && name === 'module')) continue;
    model[name] = valueOf(name, facts);
    if (facts.required) required.push(name);
  }
  return fc.record(model, { requiredKeys: required });
}

/** Another spelling of the same value, as a config file may write it. */
function respell(facts: AttributeFacts, value: AttributeValue, pick: number): AttributeValue {
  if (facts.kind === 'integer' && typeof value === 'number' && pick % 2 === 0) return String(value);
  if (facts.kind === 'boolean' && typeof value === 'boolean') {
    const words = value ? ['yes', 'true', 'YES', 'On'] : ['no', 'false', 'No', 'off'];
    return words[pick % words.length] ?? value;
  }
  if (facts.kind === 'port' && typeof value === 'string' && /^\d+$/.test(value) && pick % 2 === 0) return Number(value);
  if (typeof value === 'string' && value.includes('debug') && pick % 2 === 0) return value.replaceAll('debug', 'trace');
  return value;
}

/** The same configuration with values respelled and defaults written out or left out. */
function rewrite(kind: EntityKind, attributes: Record<string, AttributeValue>, pick: number): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  let n = pick;
  for (const [name, facts] of Object.entries(ENTITY_FACTS[kind].attributes)) {
    n = (n * 1103515245 + 12345) % 2147483648;
    const value = attributes[name];
    const isDefault = value !== undefined && facts.default !== undefined && JSON.stringify(value) === JSON.stringify(facts.default);
    if (value === undefined) {
      if (facts.default !== undefined && n % 3 === 0 && facts.access !== 'read' && kind !== 'log') out[name] = facts.default;
    } else if (!(isDefault && n % 3 === 1 && !facts.required)) {
      out[name] = respell(facts, value, n >> 4);
    }
  }
  return out;
}

export interface EntitySpec {
  readonly kind: EntityKind;
  readonly name: string;
  readonly before: Record<string, AttributeValue>;
  readonly after: Record<string, AttributeValue>;
  /** 0: only before, 1: only after, 2: both. */
  readonly presence: 0 | 1 | 2;
  /** When on both sides: after is before respelled (`same`), before with one attribute changed (`tweak`), or unrelated. */
  readonly mode: 'same' | 'tweak' | 'other';
  readonly pick: number;
}

function specOf(kind: EntityKind): fc.Arbitrary<EntitySpec> {
  return fc.record({
    kind: fc.constant(kind),
    name: fc.constantFrom(...NAME_POOLS[kind]),
    before: attributesOf(kind),
    after: attributesOf(kind),
    presence: fc.constantFrom<0 | 1 | 2>(0, 1, 2, 2, 2),
    mode: fc.constantFrom<EntitySpec['mode']>('same', 'same', 'tweak', 'tweak', 'other'),
    pick: fc.nat(),
  });
}

/**
 * `before` with one configurable attribute taken from `after` (or removed when `after` lacks it);
 * half the time a create-only one, so profiles get replaced under their users.
 */
function tweak(s: EntitySpec): Record<string, AttributeValue> {
  const attributes = Object.entries(ENTITY_FACTS[s.kind].attributes).filter(([n, a]) => a.access !== 'read' && n !== 'module');
  const createOnly = attributes.filter(([, a]) => a.access === 'create');
  const pool = s.pick % 2 === 0 && createOnly.length > 0 ? createOnly : attributes;
  const name = pool[(s.pick >> 1) % Math.max(pool.length, 1)]?.[0];
  const out = { ...s.before };
  if (name === undefined) return out;
  const value = s.after[name];
  if (value === undefined) delete out[name];
  else out[name] = value;
  return out;
}

function build(specs: readonly EntitySpec[], side: 'before' | 'after'): DesiredEntity[] {
  const out: DesiredEntity[] = [];
  for (const s of specs) {
    if ((side === 'before' && s.presence === 1) || (side === 'after' && s.presence === 0)) continue;
    let attributes =
      side === 'before' || s.mode === 'other'
        ? s[side]
        : s.mode === 'same'
          ? rewrite(s.kind, s.before, s.pick)
          : tweak(s);
    if (s.kind === 'log') attributes = { ...attributes, module: s.name };
    out.push({ kind: s.kind, name: s.kind === 'log' ? `log/${s.name}` : s.name, attributes });
  }
  return out;
}

/** Kinds weighted towards the ones with references, where ordering matters most. */
const KIND_WEIGHTS: Partial<Record<EntityKind, number>> = { sslProfile: 3, tcpListener: 3, listenerAddress: 3, listener: 2, connector: 2 };
const kindArbitrary = fc.oneof(...ENTITY_KINDS.map((k) => ({ arbitrary: fc.constant(k), weight: KIND_WEIGHTS[k] ?? 1 })));

export interface Scenario {
  /** What the router booted from. */
  readonly before: DesiredEntity[];
  /** What is desired now. */
  readonly after: DesiredEntity[];
}

function scenarioOf(kinds: fc.Arbitrary<EntityKind>, maxLength: number): fc.Arbitrary<Scenario> {
  return fc
    .array(kinds.chain(specOf), { maxLength })
    .map((specs) => ({ before: sanitise(build(specs, 'before')), after: sanitise(build(specs, 'after')) }));
}

/** Two valid configurations over the same name pools, every kind. */
export const scenario: fc.Arbitrary<Scenario> = scenarioOf(kindArbitrary, 36);

/** Dense configurations of profiles and their users only: long reference chains, many replaces. */
export const chainScenario: fc.Arbitrary<Scenario> = scenarioOf(
  fc.constantFrom<EntityKind>('sslProfile', 'proxyProfile', 'listener', 'connector', 'tcpListener', 'tcpConnector', 'listenerAddress'),
  20,
);

/** Something done to the router behind the controller's back. */
export type Drift =
  | { readonly op: 'update'; readonly kind: EntityKind; readonly name: string; readonly attributes: Record<string, AttributeValue> }
  | { readonly op: 'delete'; readonly kind: EntityKind; readonly name: string };

const updatableKinds = ENTITY_KINDS.filter((k) => ENTITY_FACTS[k].operations.includes('UPDATE'));

export const drift: fc.Arbitrary<Drift[]> = fc.array(
  fc.oneof(
    fc.constantFrom(...updatableKinds).chain((kind) =>
      fc.record({
        op: fc.constant('update' as const),
        kind: fc.constant(kind),
        name: fc.constantFrom(...NAME_POOLS[kind].map((n) => (kind === 'log' ? `log/${n}` : kind === 'network' ? 'network/0' : n))),
        attributes: attributesOf(kind).map((a) =>
          Object.fromEntries(Object.entries(a).filter(([n]) => ENTITY_FACTS[kind].attributes[n]?.access === 'update')),
        ),
      }),
    ),
    fc.constantFrom<EntityKind>('sslProfile', 'proxyProfile', 'tcpListener', 'listener', 'listenerAddress').chain((kind) =>
      fc.record({ op: fc.constant('delete' as const), kind: fc.constant(kind), name: fc.constantFrom(...NAME_POOLS[kind]) }),
    ),
  ),
  { maxLength: 4 },
);

/** Protected names and ignore globs drawn from the pools. */
export const ownership = fc.record({
  protectedNames: fc.subarray(['mgmt', 'p2', 't1', 'log/ROUTER'], { maxLength: 2 }),
  ignore: fc.subarray(['auto-mesh*', 'l?', 'x*'], { maxLength: 2 }),
});
