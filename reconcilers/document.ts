/**
 * One JSON document of router state, for desired and actual alike, so that a plan, a revision
 * and a drift can all be read as an RFC 6902 JSON Patch between two documents (see `patch.ts`):
 *
 * ```
 * { "<kind>": { "<key>": { "<attribute>": <canonical value>, ... }, ... }, ... }
 * ```
 *
 * - `<key>` is the key the planner matches entities by (`entityKey`): the name, `log/<MODULE>` for
 *   logs, the kind for singletons. A JSON Pointer to an attribute is `/<kind>/<key>/<attribute>`
 *   with each segment escaped as RFC 6901 says (`~` → `~0`, then `/` → `~1`), so
 *   `auto-mesh-connector/1` is `/connector/auto-mesh-connector~11` and `log/ROUTER` is
 *   `/log/log~1ROUTER`. Keys are stored unescaped; only pointers are escaped.
 * - Values are the planner's canonical values (`normalise.ts`): coerced the way the router stores
 *   them, defaults filled (`full`), read-only and volatile attributes (`operStatus`, counters,
 *   `identity`, `type`, `name`) absent. A log holds only the levels its desired form sets (unset
 *   levels are whatever the router has), exactly as `comparedScope` in `plan-decide.ts` compares.
 * - Every kind in scope is present, `{}` when it holds nothing, so a patch never adds or removes a
 *   whole kind: its operations are always per entity or per attribute.
 *
 * {@link desiredDocument} is a desired state on its own (every kind, for revisions).
 * {@link planDocuments} is the pair the planner compares: only kinds it reads and acts on live,
 * only entities it may act on (protected and ignored names are left out of both sides), and for
 * entities it can only update (logs, network) only entities present on both sides and only their
 * live attributes. Restart-only differences stay in `Plan.restart`.
 */
import jsonPatch from 'fast-json-patch';
import { ENTITY_KINDS, type DesiredState, type EntityKind } from '../schemas/index.js';
import { comparedAttributes, normaliseDesired, type CanonicalAttributes, type CanonicalValue, type NormalisedEntity } from './normalise.js';
import { comparedScope } from './plan-decide.js';
import { buildIndex, compareText, MANAGED_KINDS, type PlanIndex } from './plan-index.js';
import type { ActualState, PlanOptions } from './plan-types.js';
import { isCreatable } from './references.js';

export type EntityDocument = Readonly<Record<string, CanonicalValue>>;
export type RouterDocument = { readonly [K in EntityKind]?: Readonly<Record<string, EntityDocument>> };

export interface DocumentPair {
  readonly desired: RouterDocument;
  readonly actual: RouterDocument;
}

/** The JSON Pointer (RFC 6901) of a kind, an entity or one of its attributes. */
export function pointer(kind: EntityKind, key?: string, attribute?: string): string {
  const segments = [kind, ...(key === undefined ? [] : [key]), ...(attribute === undefined ? [] : [attribute])];
  return segments.map((s) => `/${jsonPatch.escapePathComponent(s)}`).join('');
}

export interface PointerTarget {
  readonly kind: string;
  readonly key?: string;
  readonly attribute?: string;
  /** Segments below the attribute (inside a map value such as `openProperties`). */
  readonly rest: readonly string[];
}

/** The inverse of {@link pointer}; `undefined` for the root pointer `""`. */
export function parsePointer(path: string): PointerTarget | undefined {
  if (!path.startsWith('/')) return undefined;
  const [kind = '', key, attribute, ...rest] = path.slice(1).split('/').map((s) => jsonPatch.unescapePathComponent(s));
  return { kind, ...(key === undefined ? {} : { key }), ...(attribute === undefined ? {} : { attribute }), rest };
}

/** `values` restricted to `attributes`; as they are when those are all the compared ones (all a canonical form holds). */
function pick(kind: EntityKind, values: CanonicalAttributes, attributes: readonly string[]): EntityDocument {
  if (attributes === comparedAttributes(kind)) return values;
  const out: [string, CanonicalValue][] = [];
  for (const a of attributes) {
    const value = values[a];
    if (value !== undefined) out.push([a, value]);
  }
  return Object.fromEntries(out);
}

/** What a desired entity contributes on its own: logs only what they set, everything else with defaults. */
function desiredView(n: NormalisedEntity): EntityDocument {
  return n.kind === 'log' ? n.configured : n.full;
}

type Builder = Map<EntityKind, [string, EntityDocument][]>;

function finish(builder: Builder, sorted: boolean): RouterDocument {
  const out: Partial<Record<EntityKind, Readonly<Record<string, EntityDocument>>>> = {};
  // Object.fromEntries makes own properties even of names like `__proto__`.
  for (const [kind, entities] of builder) out[kind] = Object.fromEntries(sorted ? entities : entities.sort(([a], [b]) => compareText(a, b)));
  return out;
}

/** Every desired entity of every kind, by kind and key (the first of two with one key wins, as in the planner). */
export function desiredDocument(state: DesiredState): RouterDocument {
  const builder: Builder = new Map(ENTITY_KINDS.map((k) => [k, []]));
  const seen = new Set<string>();
  for (const entity of state.entities) {
    const n = normaliseDesired(entity);
    const id = `${n.kind}/${n.key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    builder.get(n.kind)?.push([n.key, desiredView(n)]);
  }
  return finish(builder, false);
}

/**
 * The two documents the planner compares for these inputs: `compare(actual, desired)` is the plan
 * as a patch, and touches exactly the entities and attributes the plan's first decisions do (the
 * property test in `patch.property.test.ts` holds the two together).
 */
export function planDocuments(desired: DesiredState, actual: ActualState, options: PlanOptions = {}): DocumentPair {
  return indexDocuments(buildIndex(desired, actual, options));
}

/** {@link planDocuments} of an index the planner built (decisions are not read: before or after planning). */
export function indexDocuments(index: PlanIndex): DocumentPair {
  const kinds = MANAGED_KINDS.filter((k) => index.queried.has(k));
  const d: Builder = new Map(kinds.map((k) => [k, []]));
  const a: Builder = new Map(kinds.map((k) => [k, []]));
  for (const e of index.entries) {
    if (e.untouchable) continue;
    if (e.desired && e.actual) {
      const scope = comparedScope(e.kind, e.desired, e.actual);
      d.get(e.kind)?.push([e.key, pick(e.kind, scope.desired, scope.attributes)]);
      a.get(e.kind)?.push([e.key, pick(e.kind, scope.actual, scope.attributes)]);
    } else if (isCreatable(e.kind)) {
      if (e.desired) d.get(e.kind)?.push([e.key, e.desired.full]);
      if (e.actual) a.get(e.kind)?.push([e.key, e.actual.full]);
    }
  }
  // the index's entries are sorted by kind, then key
  return { desired: finish(d, true), actual: finish(a, true) };
}
