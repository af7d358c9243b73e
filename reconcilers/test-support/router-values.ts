/**
 * How skrouterd 3.5.1's python schema stores an attribute value (`schema.py` types), written
 * independently of the planner's normaliser so the property tests compare two implementations.
 * Invalid values raise {@link RouterError} with the status the router answers.
 */
import type { AttributeFacts, EntityKind } from '../../schemas/index.js';

export class RouterError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(`${status} ${message}`);
    this.status = status;
  }

  override get name(): string {
    return 'RouterError';
  }
}

const BOOLEAN_VALUES: Record<string, boolean> = { yes: true, true: true, on: true, no: false, false: false, off: false };

function pythonStr(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new RouterError(400, `cannot store ${JSON.stringify(value)} as a string`);
}

function pythonInt(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  throw new RouterError(400, `invalid literal for int(): ${JSON.stringify(value)}`);
}

/** The stored form of one value (the router's `AttributeType.validate`). */
export function storeValue(kind: EntityKind, attribute: string, facts: AttributeFacts, value: unknown): unknown {
  switch (facts.kind) {
    case 'string':
    case 'path':
    case 'port':
      return pythonStr(value);
    case 'integer':
      return pythonInt(value);
    case 'boolean':
      if (typeof value === 'string') {
        const known = BOOLEAN_VALUES[value.toLowerCase()];
        if (known === undefined) throw new RouterError(400, `Invalid Boolean value '${value}'`);
        return known;
      }
      return Boolean(value);
    case 'enum': {
      const tags = facts.values ?? [];
      if (typeof value === 'string' && tags.includes(value)) return value;
      const index = typeof value === 'number' ? value : Number.NaN;
      const tag = tags[index];
      if (tag === undefined) throw new RouterError(400, `${kind}.${attribute}: Invalid value for enum: ${JSON.stringify(value)}`);
      return tag;
    }
    case 'map':
    case 'properties':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new RouterError(400, `${kind}.${attribute} must be a map`);
      }
      return value;
  }
}

/** A stored value as text (for identities and messages). */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/** Structural equality of stored values (python `==` on str, int, bool and dict). */
export function storedEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return (
    ka.length === kb.length &&
    ka.every((k, i) => k === kb[i] && storedEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
