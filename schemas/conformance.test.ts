/**
 * Compares our entity facts with what a real skrouterd 3.5.1 reports about itself
 * (`GET-SCHEMA` dump) and with its create/update/read-only access per attribute (fixtures in
 * `e2e/reference/`, recorded from a real router).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AttributeFacts, EntityFacts } from './entity.js';
import { ENTITY_FACTS } from './registry.js';

const referenceDir = resolve(import.meta.dirname, '../e2e/reference');
const schemaFile = resolve(referenceDir, 'skrouterd-3.5.1-schema.json');
const accessFile = resolve(referenceDir, 'skrouterd-3.5.1-attribute-access.json');

interface RefAttribute {
  type: string | string[];
  default?: unknown;
  required?: boolean;
}
interface RefType {
  attributes: Record<string, RefAttribute>;
  operations?: string[];
  singleton?: boolean;
  fullyQualifiedType: string;
}

/** Attributes every entity inherits; not declared per type in our facts. */
const INHERITED = new Set(['name', 'identity', 'type']);

/**
 * Defaults the schema dump leaves out because they are falsy (false, 0, "") or computed, but which a
 * real router fills in (seen in the transcript's CREATE replies), so the planner must know them.
 */
const DEFAULTS_NOT_IN_DUMP = new Set([
  'listener.host',
  'listener.authenticatePeer',
  'listener.requireEncryption',
  'listener.requireSsl',
  'listener.initialHandshakeTimeoutSeconds',
  'listener.http',
  'tcpListener.host',
  'tcpListener.backlog',
  'tcpListener.authenticatePeer',
  'vhost.allowUnknownUser',
  'address.priority',
  'policy.maxMessageSize',
  'policy.enableVhostPolicy',
  'policy.enableVhostNamePatterns',
  'policy.policyDir',
]);

function referenceTypes(): Map<string, RefType> {
  const dump = JSON.parse(readFileSync(schemaFile, 'utf8')) as { entityTypes: Record<string, RefType> };
  return new Map(Object.values(dump.entityTypes).map((t) => [t.fullyQualifiedType, t]));
}

function expectedKind(ref: RefAttribute, name: string): AttributeFacts['kind'][] {
  if (Array.isArray(ref.type)) return ['enum'];
  if (ref.type === 'string' && name === 'port') return ['port'];
  return [ref.type as AttributeFacts['kind']];
}

type AccessRow = { ops: string[]; access: Map<string, AttributeFacts['access']> };

/** Operations and access per attribute (`create`, `update`, `read`) by type, as the router has them. */
function recordedAccess(): Map<string, AccessRow> {
  const file = JSON.parse(readFileSync(accessFile, 'utf8')) as {
    types: Record<string, { operations: string[]; access: Record<string, AttributeFacts['access']> }>;
  };
  return new Map(
    Object.entries(file.types).map(([type, row]) => [type, { ops: row.operations, access: new Map(Object.entries(row.access)) }]),
  );
}

describe('entity facts conform to skrouterd 3.5.1', () => {
  const types = referenceTypes();
  const access = recordedAccess();
  const facts: EntityFacts[] = Object.values(ENTITY_FACTS);

  it.each(facts.map((f) => [f.kind, f] as const))('%s: type, operations and singleton', (_kind, f) => {
    const ref = types.get(f.longType);
    expect(ref, `${f.longType} exists in the router's schema`).toBeDefined();
    expect([...f.operations].sort()).toEqual([...(ref?.operations ?? [])].sort());
    expect(f.singleton).toBe(ref?.singleton === true);
  });

  it.each(facts.map((f) => [f.kind, f] as const))('%s: attributes, types, enums, defaults, required', (kind, f) => {
    const ref = types.get(f.longType);
    const refAttrs = Object.entries(ref?.attributes ?? {}).filter(([n]) => !INHERITED.has(n));
    expect(Object.keys(f.attributes).sort()).toEqual(refAttrs.map(([n]) => n).sort());
    for (const [name, r] of refAttrs) {
      const ours = f.attributes[name];
      expect(ours, `${kind}.${name}`).toBeDefined();
      if (!ours) continue;
      expect(expectedKind(r, name), `${kind}.${name} type`).toContain(ours.kind);
      if (Array.isArray(r.type) && ours.access !== 'read') expect(ours.values, `${kind}.${name} values`).toEqual(r.type);
      if (r.default !== undefined) expect(ours.default, `${kind}.${name} default`).toEqual(r.default);
      else if (ours.default !== undefined) expect(DEFAULTS_NOT_IN_DUMP, `${kind}.${name} default source`).toContain(`${kind}.${name}`);
      if (r.required) expect(ours.required, `${kind}.${name} required`).toBe(true);
    }
  });

  it.each(facts.map((f) => [f.kind, f] as const))('%s: create/update/read-only as the router has them', (kind, f) => {
    const row = access.get(f.longType.replace('io.skupper.router.', '')) ?? access.get(kind);
    expect(row, `the access table has a row for ${kind}`).toBeDefined();
    if (!row) return;
    expect(f.operations.filter((o) => o !== 'READ').sort()).toEqual(row.ops.filter((o) => o !== 'READ').sort());
    let checked = 0;
    for (const [name, access] of row.access) {
      const ours = f.attributes[name];
      if (!ours) continue; // mentions such as `vhostUserGroupSettings`
      expect(ours.access, `${kind}.${name}`).toBe(access);
      checked++;
    }
    expect(checked, `attributes of ${kind} checked against the access table`).toBeGreaterThan(0);
  });

  it('network.tenantId is the only restart-only attribute of a live type', () => {
    const restartOnly = facts.flatMap((f) =>
      Object.entries(f.attributes)
        .filter(([, a]) => a.restartOnly)
        .map(([n]) => `${f.kind}.${n}`),
    );
    expect(restartOnly).toEqual(['network.tenantId']);
    expect(facts.filter((f) => f.restartOnly).map((f) => f.kind).sort()).toEqual(['policy', 'router', 'site']);
  });
});
