import { describe, expect, it } from 'vitest';
import { ENTITY_FACTS, type DesiredEntity, type EntityKind } from '../../schemas/index.js';
import type { OperationOutcome, OperationStatus } from '../../reconcilers/apply.js';
import { ManagementError, ManagementUnavailableError } from '../../reconcilers/management.js';
import type { OperationReason, PlannedOperation } from '../../reconcilers/plan-types.js';
import { SyncLedger } from './sync-ledger.js';

const tcp = (name: string, port: string): DesiredEntity => ({ kind: 'tcpListener', name, attributes: { host: '127.0.0.1', port, address: name } });

function op(o: 'create' | 'update' | 'delete', name: string, reason: OperationReason = 'missing', kind: EntityKind = 'tcpListener'): PlannedOperation {
  return { id: `${o} ${kind}/${name}`, op: o, kind, longType: ENTITY_FACTS[kind].longType, name, attributes: {}, changes: [], reason, references: [], dependsOn: [], phase: 0 };
}
const outcome = (operation: PlannedOperation, status: OperationStatus, error?: unknown): OperationOutcome => ({ operation, status, ...(error !== undefined ? { error } : {}) });
const refused = (name: string) => new ManagementError({ statusCode: 500, statusDescription: 'CError: no', operation: 'CREATE', entityType: ENTITY_FACTS.tcpListener.longType, entityName: name });

describe('SyncLedger', () => {
  it('counts nothing before a first pass has left the router in sync (no baseline)', () => {
    const ledger = new SyncLedger();
    const desired = ledger.fingerprints([tcp('a', '1')]);
    expect(ledger.isDriftCorrection(op('create', 'a'), desired)).toBe(false);
    expect(ledger.isDriftCorrection(op('delete', 'stale'), desired)).toBe(false);
  });

  it('after a baseline: restoring an unchanged entity or deleting one that appeared is drift; desired changes and dependants are not', () => {
    const ledger = new SyncLedger();
    const first = ledger.fingerprints([tcp('a', '1'), tcp('b', '2')]);
    ledger.record(first, [], false);
    expect(ledger.isDriftCorrection(op('create', 'a'), first)).toBe(true);
    expect(ledger.isDriftCorrection(op('delete', 'intruder', 'foreign'), first)).toBe(true);
    expect(ledger.isDriftCorrection(op('create', 'b', 'dependant'), first)).toBe(false);
    const changed = ledger.fingerprints([tcp('a', '9')]);
    expect(ledger.isDriftCorrection(op('create', 'a', 'replace'), changed)).toBe(false);
    expect(ledger.isDriftCorrection(op('delete', 'b', 'foreign'), changed)).toBe(false);
  });

  it('does not count creating what the boot file of a restarted router left for management, once', () => {
    const ledger = new SyncLedger();
    const desired = ledger.fingerprints([tcp('a', '1'), tcp('b', '2')]);
    ledger.record(desired, [], false);
    ledger.expectMissing(new Set(['tcpListener/a']));
    expect(ledger.isDriftCorrection(op('create', 'a'), desired)).toBe(false);
    expect(ledger.isDriftCorrection(op('create', 'b'), desired)).toBe(true);
    ledger.record(desired, [outcome(op('create', 'a'), 'applied')], false);
    // after that apply, a missing `a` is drift again
    expect(ledger.isDriftCorrection(op('create', 'a'), desired)).toBe(true);
  });

  it('keeps an entity removed from the input "ours" while its DELETE keeps failing', () => {
    const ledger = new SyncLedger();
    ledger.record(ledger.fingerprints([tcp('a', '1'), tcp('b', '2')]), [], false);
    const without = ledger.fingerprints([tcp('a', '1')]);
    ledger.record(without, [outcome(op('delete', 'b', 'foreign'), 'failed', new ManagementUnavailableError('DELETE', 'timeout'))], false);
    expect(ledger.isDriftCorrection(op('delete', 'b', 'foreign'), without)).toBe(false);
    expect(ledger.refusedKeys().size).toBe(0); // a timeout is not a refusal
  });

  it('holds a refusal until the desired value changes or an operation on it succeeds', () => {
    const ledger = new SyncLedger();
    const v1 = ledger.fingerprints([tcp('a', '1')]);
    ledger.record(v1, [outcome(op('create', 'a'), 'failed', refused('a'))], false);
    ledger.forgetChanged(v1);
    expect([...ledger.refusedKeys()]).toEqual(['tcpListener/a']);
    ledger.record(v1, [], false); // a later pass that sees the value: still refused
    expect(ledger.refusal('tcpListener/a')?.error).toContain('CError: no');
    ledger.forgetChanged(ledger.fingerprints([tcp('a', '2')]));
    expect(ledger.refusedKeys().size).toBe(0);
    ledger.record(v1, [outcome(op('create', 'a'), 'failed', refused('a'))], false);
    ledger.record(v1, [outcome(op('create', 'a'), 'applied')], false);
    expect(ledger.refusedKeys().size).toBe(0);
  });
});
