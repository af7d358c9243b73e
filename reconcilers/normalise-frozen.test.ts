/**
 * Normalised entities are shared within a pass (and what `references.ts` derives from them is
 * remembered), so they are frozen, and nothing the planner hands out may alias them.
 */
import { describe, expect, it } from 'vitest';
import type { DesiredEntity, DesiredState } from '../schemas/index.js';
import { normaliseActual, normaliseDesired } from './normalise.js';
import { plan } from './plan.js';
import { referencesOf, uniqueKeysOf } from './references.js';
import type { ActualState } from './plan-types.js';

describe('normalised entities', () => {
  it('cannot be changed through a result: a write throws and later calls see the original values', () => {
    const entity: DesiredEntity = { kind: 'tcpConnector', name: 't', attributes: { address: 'a', port: '80' } };
    const n = normaliseDesired(entity);
    expect(() => {
      (n.configured as Record<string, unknown>)['port'] = '81';
    }).toThrow(TypeError);
    expect(() => {
      (n.full as Record<string, unknown>)['host'] = 'elsewhere';
    }).toThrow(TypeError);
    expect(() => {
      (n as { key: string }).key = 'other';
    }).toThrow(TypeError);
    expect(normaliseDesired(entity)).toMatchObject({ key: 't', configured: { address: 'a', port: '80' }, full: { host: '127.0.0.1' } });
  });

  it('a QUERY row without a name is not an entity; a row read as another kind is normalised for that kind', () => {
    const row = { name: 'x', address: 'svc', host: '127.0.0.1', port: 80 };
    expect(Object.isFrozen(normaliseActual('tcpConnector', row))).toBe(true);
    expect(normaliseActual('tcpListener', row)?.full['multiAddressStrategy']).toBe('none');
    expect(normaliseActual('tcpConnector', { port: 1 })).toBeUndefined();
  });

  it('hands out CREATE bodies that do not alias the memoized form: changing one leaves the next plan alone', () => {
    const entity: DesiredEntity = { kind: 'tcpConnector', name: 't', attributes: { address: 'a', port: '80' } };
    const desired: DesiredState = { entities: [entity] };
    const actual: ActualState = { tcpConnector: [] };
    const first = plan(desired, actual);
    const create = first.operations.find((o) => o.op === 'create');
    expect(create?.attributes).toEqual({ address: 'a', port: '80' });
    (create?.attributes as Record<string, unknown>)['port'] = '99';
    const again = plan(desired, actual).operations.find((o) => o.op === 'create');
    expect(again?.attributes).toEqual({ address: 'a', port: '80' });
    expect(normaliseDesired(entity).configured).toEqual({ address: 'a', port: '80' });
  });

  it('remembers references and unique keys only of frozen (canonical) maps', () => {
    const loose: Record<string, string> = { sslProfile: 'p1' };
    expect(referencesOf('tcpListener', loose)).toEqual([{ kind: 'sslProfile', name: 'p1' }]);
    loose['sslProfile'] = 'p2';
    expect(referencesOf('tcpListener', loose)).toEqual([{ kind: 'sslProfile', name: 'p2' }]);
    const canonical = normaliseDesired({ kind: 'tcpListener', name: 'l', attributes: { port: '1', sslProfile: 'p1' } }).configured;
    const refs = referencesOf('tcpListener', canonical);
    expect(referencesOf('tcpListener', canonical)).toBe(refs);
    expect(Object.isFrozen(refs) && refs.every((r) => Object.isFrozen(r))).toBe(true);
    const keys = uniqueKeysOf('tcpListener', 'l', canonical);
    expect(uniqueKeysOf('tcpListener', 'l', canonical)).toBe(keys);
    // the name is part of the memo's key
    expect(uniqueKeysOf('tcpListener', 'other', canonical)).toEqual(['name:python:other']);
  });
});
