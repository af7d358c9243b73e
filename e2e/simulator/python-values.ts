/**
 * How the router's Python agent prints and compares values. Error texts embed `str()` and
 * `repr()` of entities and dicts, and UPDATE's "unchanged value" rule uses Python `==`, so the
 * simulator reproduces both rather than JavaScript's notions.
 */
import type { AttrInfo, TypeInfo } from './catalog.js';

export type Attributes = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Attributes {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** Python's name for the type a decoded AMQP value would have. */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (Array.isArray(value)) return 'list';
  if (Buffer.isBuffer(value)) return 'bytes';
  return 'dict';
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return quote + out + quote;
}

function reprNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** `repr(value)`; an attribute that is an enum prints as the router's `EnumValue('tag', index)`. */
export function pyRepr(value: unknown, attr?: AttrInfo): string {
  if (attr?.kind === 'enum' && typeof value === 'string' && attr.values?.includes(value)) {
    return `EnumValue(${reprString(value)}, ${attr.values.indexOf(value)})`;
  }
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return reprString(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return reprNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => pyRepr(v)).join(', ')}]`;
  if (Buffer.isBuffer(value)) return `b${reprString(value.toString('latin1'))}`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return reprString(Object.prototype.toString.call(value));
}

/** `str(value)`: strings (and enum tags) as they are, everything else as its repr. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** `str(entity)` of an entity adapter: sorted `key=value` pairs, hidden attributes masked. */
export function entityStr(type: TypeInfo, attributes: Attributes): string {
  const keys = Object.keys(attributes).sort();
  const parts = keys.map((k) => `${k}=${type.attributes.get(k)?.hidden ? '*******' : pyStr(attributes[k])}`);
  return `${type.className}(${parts.join(', ')})`;
}

/** `str(dict)` of a validated attribute map (the boot-time form), enums as `EnumValue(...)`. */
export function dictRepr(type: TypeInfo | undefined, attributes: Attributes): string {
  const parts = Object.entries(attributes).map(([k, v]) => `${reprString(k)}: ${pyRepr(v, type?.attributes.get(k))}`);
  return `{${parts.join(', ')}}`;
}

function asPyNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

/** Python `==` on decoded values: `True == 1`, deep equality of dicts and lists. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  const na = asPyNumber(a);
  const nb = asPyNumber(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na === nb;
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEquals(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && pyEquals(a[k], b[k]));
  }
  return a === b;
}

/** `==` against a stored attribute: a stored enum also equals its index (`EnumValue.__eq__`). */
export function pyEqualsStored(stored: unknown, given: unknown, attr: AttrInfo | undefined): boolean {
  if (attr?.kind === 'enum' && typeof stored === 'string' && typeof given === 'number') {
    return attr.values?.indexOf(stored) === given;
  }
  return pyEquals(stored, given);
}

/** Python truthiness. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}
