/**
 * The Python schema's validation of one entity: fill defaults, drop unset attributes, coerce
 * every value to its schema type (`5672` → `"5672"`, `"10"` → 10, `"yes"` → true, `1` →
 * `"inter-router"` for an enum), reject unknown attributes. Messages are the router's.
 */
import { longName, type AttrInfo, type TypeInfo } from './catalog.js';
import { PythonException, SchemaValidationError, TRACEBACK_TEXT } from './errors.js';
import { isPlainObject, pyRepr, pyStr, pyTruthy, pyTypeName, type Attributes } from './python-values.js';

const BOOLEAN_WORDS: Record<string, boolean> = { yes: true, true: true, on: true, no: false, false: false, off: false };
const INT_LITERAL = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/** Python `int(value)`; throws the TypeError/ValueError Python would. */
export function pyInt(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new PythonException('ValueError', `cannot convert float ${Number.isNaN(value) ? 'NaN' : 'infinity'} to integer`);
    }
    return Math.trunc(value);
  }
  if (typeof value === 'string') {
    if (INT_LITERAL.test(value)) return Number.parseInt(value.replace(/_/g, '').trim(), 10);
    throw new PythonException('ValueError', `invalid literal for int() with base 10: ${pyRepr(value)}`);
  }
  throw new PythonException(
    'TypeError',
    `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(value)}'`,
  );
}

function pyDict(value: unknown): Attributes {
  if (isPlainObject(value)) return { ...value };
  if (Array.isArray(value)) {
    const out: Attributes = {};
    value.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        const length = Array.isArray(pair) ? pair.length : 1;
        throw new PythonException('ValueError', `dictionary update sequence element #${i} has length ${length}; 2 is required`);
      }
      out[pyStr(pair[0])] = pair[1];
    });
    return out;
  }
  if (typeof value === 'string' && value.length > 0) {
    throw new PythonException('ValueError', 'dictionary update sequence element #0 has length 1; 2 is required');
  }
  if (value === '') return {};
  throw new PythonException('TypeError', `'${pyTypeName(value)}' object is not iterable`);
}

function pyList(value: unknown): unknown[] {
  if (Array.isArray(value)) return [...value];
  if (typeof value === 'string') return [...value];
  if (isPlainObject(value)) return Object.keys(value);
  throw new PythonException('TypeError', `'${pyTypeName(value)}' object is not iterable`);
}

function coerceEnum(attr: AttrInfo, value: unknown): string {
  const tags = attr.values ?? [];
  if (typeof value === 'string' && tags.includes(value)) return value;
  try {
    const index = pyInt(value);
    const tag = tags[index < 0 ? tags.length + index : index];
    if (tag !== undefined) return tag;
  } catch (e) {
    if (!(e instanceof PythonException) || e.pythonType !== 'ValueError') throw e;
  }
  throw new SchemaValidationError(`Invalid value for enum${pyRepr([...tags])}: ${pyRepr(value)}`);
}

function coerceProperties(value: unknown): Attributes {
  if (!isPlainObject(value)) throw new SchemaValidationError('Properties must be a map');
  for (const key of Object.keys(value)) {
    if ([...key].some((c) => (c.codePointAt(0) ?? 0) > 127)) throw new SchemaValidationError('Property keys must be ASCII encoded');
  }
  return value;
}

/** One attribute value to its schema type (AttributeType.validate). */
export function coerceValue(attr: AttrInfo, value: unknown): unknown {
  if (attr.fixed !== undefined && value !== attr.fixed) {
    throw new SchemaValidationError(`Attribute '${attr.name}' has fixed value '${attr.fixed}' but given '${pyStr(value)}'`);
  }
  try {
    switch (attr.kind) {
      case 'string':
      case 'path':
      case 'entityId':
        return pyStr(value);
      case 'integer':
        return pyInt(value);
      case 'boolean':
        if (typeof value === 'string') {
          const word = BOOLEAN_WORDS[value.toLowerCase()];
          if (word === undefined) throw new SchemaValidationError(`Invalid Boolean value '${pyRepr(value)}'`);
          return word;
        }
        return pyTruthy(value);
      case 'enum':
        return coerceEnum(attr, value);
      case 'map':
        return pyDict(value);
      case 'list':
        return pyList(value);
      case 'properties':
        return coerceProperties(value);
    }
  } catch (e) {
    // TypeError/ValueError become ValidationErrors that carry the traceback object's repr.
    if (e instanceof PythonException && (e.pythonType === 'TypeError' || e.pythonType === 'ValueError')) {
      throw new SchemaValidationError(`${e.message}:${TRACEBACK_TEXT}`);
    }
    throw e;
  }
}

/** The schema's lookup of an attribute; unknown names are a ValidationError. */
export function attributeOf(type: TypeInfo, name: string): AttrInfo {
  const attr = type.attributes.get(name);
  if (!attr) throw new SchemaValidationError(`Unknown attribute '${name}' for '${type.longType}'`);
  return attr;
}

/**
 * EntityType.validate, in place: defaults for unset attributes (in schema order), unset ones
 * removed, every value coerced. Errors are prefixed with the long type name.
 */
export function validateAttributes(type: TypeInfo, attributes: Attributes): Attributes {
  try {
    for (const attr of type.attributes.values()) {
      if (attributes[attr.name] !== null && attributes[attr.name] !== undefined) continue;
      const value = attr.fixed ?? attr.default;
      if (value === undefined && attr.required) throw new SchemaValidationError(`Missing required attribute '${attr.name}'`);
      if (value !== undefined) attributes[attr.name] = value;
      else delete attributes[attr.name];
    }
    for (const [name, raw] of Object.entries(attributes)) {
      const value = name === 'type' && typeof raw === 'string' ? longName(raw) : raw;
      attributes[name] = coerceValue(attributeOf(type, name), value);
    }
  } catch (e) {
    if (e instanceof SchemaValidationError) throw new SchemaValidationError(`${type.longType}: ${e.message}`);
    throw e;
  }
  return attributes;
}
