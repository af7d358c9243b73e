/**
 * One canonical form for both sides of the diff: a desired entity (as written in a config file)
 * and a QUERY row (as the router reports it) normalise to the same attribute map when the router
 * would hold the same configuration. The rules follow what skrouterd 3.5.1 does when it stores an
 * entity (python schema validation and the log adaptor):
 *
 * - only configuration attributes count: read-only/volatile attributes (`access: 'read'`),
 *   `identity`, `type`, `name` and attributes the type does not declare are dropped;
 * - a `null` column is an absent attribute;
 * - integers are numbers (`"10"` → 10), booleans are booleans (`yes/on/true` → true,
 *   `no/off/false` → false, any case), ports and other strings are strings (5672 → `"5672"`),
 *   an enum given as its index is its tag;
 * - log levels: every `trace` in `enable` is `debug` (the router rewrites it when it loads a log
 *   entity);
 * - defaults: `full` fills every absent attribute that has a default, so "left out" and "written
 *   as the default" compare equal.
 *
 * How absent attributes compare is the planner's business (see `plan-decide.ts`): the canonical form
 * only says what is set.
 */
import type { AttributeFacts, DesiredEntity, EntityKind } from '../schemas/index.js';
import { ENTITY_FACTS, ENTITY_KINDS } from '../schemas/index.js';

/** A value in the router's form. Maps (`openProperties`, vhost `groups`) are kept as given. */
export type CanonicalValue = string | number | boolean | { readonly [key: string]: unknown };
export type CanonicalAttributes = Readonly<Record<string, CanonicalValue>>;

export interface NormalisedEntity {
  readonly kind: EntityKind;
  /** The name as written (desired) or as the router reports it (actual). */
  readonly name: string;
  /** What desired and actual are matched by: see {@link entityKey}. */
  readonly key: string;
  /** Attributes that are set, in canonical form, without defaults. */
  readonly configured: CanonicalAttributes;
  /** `configured` plus the default of every absent attribute that has one. */
  readonly full: CanonicalAttributes;
}

const TRUE_WORDS = new Set(['yes', 'true', 'on']);
const FALSE_WORDS = new Set(['no', 'false', 'off']);
const INTEGER_TEXT = /^\s*[-+]?\d+\s*$/;

/**
 * Turns one attribute value into the router's form, or `undefined` when it is absent.
 * A value that cannot be coerced is returned unchanged, so it still differs from anything valid.
 */
export function coerceValue(facts: AttributeFacts, value: unknown): CanonicalValue | undefined {
  if (value === null || value === undefined) return undefined;
  switch (facts.kind) {
    case 'integer':
      if (typeof value === 'string' && INTEGER_TEXT.test(value)) return Number.parseInt(value, 10);
      break;
    case 'boolean':
      if (typeof value === 'string') {
        const word = value.toLowerCase();
        if (TRUE_WORDS.has(word)) return true;
        if (FALSE_WORDS.has(word)) return false;
      }
      if (typeof value === 'number') return value !== 0;
      break;
    case 'enum':
      if (typeof value === 'number' && facts.values?.[value] !== undefined) return facts.values[value];
      break;
    case 'port':
    case 'string':
    case 'path':
      if (typeof value === 'number') return String(value);
      break;
    case 'map':
    case 'properties':
      break;
  }
  return value as CanonicalValue;
}

/** Attributes the controller configures and compares for a kind, in declaration order. */
export function comparedAttributes(kind: EntityKind): readonly string[] {
  return COMPARED[kind];
}

function attributesCompared(kind: EntityKind): readonly string[] {
  return (
    Object.entries(ENTITY_FACTS[kind].attributes)
      // a log entity is keyed by its module, which therefore never "changes"
      .filter(([name, a]) => a.access !== 'read' && !(kind === 'log' && name === 'module'))
      .map(([name]) => name)
  );
}

const COMPARED = Object.fromEntries(ENTITY_KINDS.map((k) => [k, attributesCompared(k)])) as Record<
  EntityKind,
  readonly string[]
>;

function canonicalAttributes(kind: EntityKind, input: Readonly<Record<string, unknown>>): CanonicalAttributes {
  const facts = ENTITY_FACTS[kind];
  const out: Record<string, CanonicalValue> = {};
  for (const name of comparedAttributes(kind)) {
    const attribute = facts.attributes[name];
    if (!attribute) continue;
    let value = coerceValue(attribute, input[name]);
    if (value === undefined) continue;
    if (kind === 'log' && name === 'enable' && typeof value === 'string') value = value.replaceAll('trace', 'debug');
    out[name] = value;
  }
  return out;
}

/** `configured` plus defaults, in canonical form. */
export function withDefaults(kind: EntityKind, configured: CanonicalAttributes): CanonicalAttributes {
  const facts = ENTITY_FACTS[kind];
  const out: Record<string, CanonicalValue> = { ...configured };
  for (const name of comparedAttributes(kind)) {
    const attribute = facts.attributes[name];
    if (out[name] !== undefined || attribute?.default === undefined) continue;
    const value = coerceValue(attribute, attribute.default);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The module a log entity is for: its `module` attribute, else the `log/<MODULE>` name. */
function logModule(name: string, attributes: Readonly<Record<string, unknown>>): string {
  const module = attributes['module'];
  if (typeof module === 'string' && module !== '') return module;
  return name.startsWith('log/') ? name.slice('log/'.length) : name;
}

/**
 * The matching key of an entity: `log/<MODULE>` for logs (the router names them so whatever the
 * file said), the kind for singletons (the router names them after their identity), the name
 * otherwise.
 */
export function entityKey(kind: EntityKind, name: string, attributes: Readonly<Record<string, unknown>>): string {
  if (kind === 'log') return `log/${logModule(name, attributes)}`;
  if (ENTITY_FACTS[kind].singleton) return kind;
  return name;
}

function normalise(kind: EntityKind, name: string, input: Readonly<Record<string, unknown>>): NormalisedEntity {
  const configured = Object.freeze(canonicalAttributes(kind, input));
  return Object.freeze({ kind, name, key: entityKey(kind, name, input), configured, full: Object.freeze(withDefaults(kind, configured)) });
}

/*
 * Results are frozen (the entity and its two attribute maps; map values such as `openProperties`
 * are the input's own objects): the planner and the references module share them, and remember
 * what they derive from a frozen map (`references.ts`). They are not memoized across passes: a
 * memo by entity object kept a second normalised copy of the desired state and of the router's
 * rows alive (+9 MB at 10,000 entities), for about 2 ms a pass at 1,000.
 */

/** A desired entity in canonical form (frozen). */
export function normaliseDesired(entity: DesiredEntity): NormalisedEntity {
  return normalise(entity.kind, entity.name, entity.attributes);
}

/** A QUERY row (zipped against the reply's attribute names); undefined when it has no name. Frozen. */
export function normaliseActual(kind: EntityKind, row: Readonly<Record<string, unknown>>): NormalisedEntity | undefined {
  const name = row['name'];
  return typeof name !== 'string' || name === '' ? undefined : normalise(kind, name, row);
}

/** JSON with sorted keys, so maps compare by content and not by key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Equality of two canonical values (absent is `undefined`). */
export function sameValue(a: CanonicalValue | undefined, b: CanonicalValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (typeof a === 'object' && typeof b === 'object') return stableJson(a) === stableJson(b);
  return false;
}
