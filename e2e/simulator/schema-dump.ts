/**
 * GET-SCHEMA: the router's `Schema.dump()` shape, built from the catalog (and so from the facts
 * in `schemas/`). Like the router, every falsy field is left out (so `false`, `0` and `""`
 * defaults do not appear) and the `create`/`update` flags are not dumped.
 */
import { TYPE_PREFIX } from '../../schemas/index.js';
import { TYPES, type AttrInfo, type TypeInfo } from './catalog.js';
import { pyTruthy } from './python-values.js';

type Dumped = Record<string, unknown>;

function dropFalsy(entries: readonly (readonly [string, unknown])[]): Dumped {
  return Object.fromEntries(entries.filter(([, v]) => pyTruthy(v)));
}

function dumpAttribute(a: AttrInfo): Dumped {
  return dropFalsy([
    ['type', a.kind === 'enum' ? [...(a.values ?? [])] : a.kind],
    ['default', a.default],
    ['required', a.required],
    ['unique', a.unique],
    ['description', a.description],
    ['graph', a.graph],
  ]);
}

function dumpType(t: TypeInfo): Dumped {
  const attributes = Object.fromEntries([...t.attributes.values()].filter((a) => a.name !== 'type').map((a) => [a.name, dumpAttribute(a)]));
  return dropFalsy([
    ['attributes', attributes],
    ['operations', [...t.operations]],
    ['description', t.description],
    ['fullyQualifiedType', t.longType],
    ['singleton', t.singleton],
  ]);
}

let cached: Dumped | undefined;

export function schemaDump(): Dumped {
  cached ??= {
    prefix: TYPE_PREFIX.replace(/\.$/, ''),
    entityTypes: Object.fromEntries(TYPES.map((t) => [t.shortName, dumpType(t)])),
  };
  return structuredClone(cached);
}

/** Python's `json.dumps`: `", "` / `": "` separators without indent, newline layout with one. */
export function pythonJson(value: unknown, indent?: number): string {
  if (indent !== undefined) return JSON.stringify(value, null, indent);
  const walk = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(walk).join(', ')}]`;
    if (v !== null && typeof v === 'object') {
      return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${walk(x)}`).join(', ')}}`;
    }
    return JSON.stringify(v) ?? 'null';
  };
  return walk(value);
}
