/**
 * The simulator's GET-SCHEMA against the schema a real 3.5.1 reported: same types in the same
 * order, same operations, attributes in the same order with the same types, required, unique
 * and graph flags, defaults and singletons. Descriptions are our own words and are not compared. Skips when
 * the reference folder is absent.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaDump } from './schema-dump.js';

const schemaFile = resolve(import.meta.dirname, '../reference/skrouterd-3.5.1-schema.json');

interface DumpedType {
  attributes: Record<string, { type: unknown; default?: unknown; required?: boolean; unique?: boolean; graph?: boolean }>;
  operations?: string[];
  fullyQualifiedType: string;
  singleton?: boolean;
}
type Dump = { prefix: string; entityTypes: Record<string, DumpedType> };

describe('GET-SCHEMA matches the 3.5.1 schema dump', () => {
  const reference = JSON.parse(readFileSync(schemaFile, 'utf8')) as Dump;
  const ours = schemaDump() as unknown as Dump;

  it('has the same types, in the same order', () => {
    expect(ours.prefix).toBe(reference.prefix);
    expect(Object.keys(ours.entityTypes)).toEqual(Object.keys(reference.entityTypes));
  });

  it.each(Object.keys(reference.entityTypes))('%s: operations, singleton, attributes', (key) => {
    const ref = reference.entityTypes[key];
    const mine = ours.entityTypes[key];
    expect(mine?.fullyQualifiedType).toBe(ref?.fullyQualifiedType);
    expect(mine?.operations).toEqual(ref?.operations);
    expect(mine?.singleton ?? false).toBe(ref?.singleton ?? false);
    expect(Object.keys(mine?.attributes ?? {})).toEqual(Object.keys(ref?.attributes ?? {}));
    for (const [name, attr] of Object.entries(ref?.attributes ?? {})) {
      const m = mine?.attributes[name];
      expect(m?.type, `${key}.${name} type`).toEqual(attr.type);
      expect(m?.default, `${key}.${name} default`).toEqual(attr.default);
      expect(m?.required ?? false, `${key}.${name} required`).toBe(attr.required ?? false);
      expect(m?.unique ?? false, `${key}.${name} unique`).toBe(attr.unique ?? false);
      expect(m?.graph ?? false, `${key}.${name} graph`).toBe(attr.graph ?? false);
    }
  });
});
