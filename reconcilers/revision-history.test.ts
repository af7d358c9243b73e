import { describe, expect, it } from 'vitest';
import type { DesiredEntity, DesiredState } from '../schemas/index.js';
import { MASK } from './format-plan.js';
import { REVISION_HISTORY_DEFAULTS, RevisionHistory, boundPatch, formatRevisionLog, type Revision } from './revision-history.js';

const connector = (name: string, saslPassword: string): DesiredEntity => ({
  kind: 'connector',
  name,
  attributes: { host: 'peer', port: '55671', saslPassword },
});
const tcp = (n: number): DesiredEntity => ({ kind: 'tcpConnector', name: `tc-${n}`, attributes: { host: 'db', port: 1000 + n, address: `a${n}` } });
const state = (...entities: DesiredEntity[]): DesiredState => ({ entities });
const at = (n: number) => `2026-01-01T00:00:${String(n).padStart(2, '0')}.000Z`;

describe('RevisionHistory', () => {
  it('records each revision with the masked patch from the previous one, newest first', () => {
    const h = new RevisionHistory();
    const first = h.record({ revision: 'r1', at: at(1), source: '/etc/skrouterd.json', state: state(connector('up/1', 'hunter2')) });
    expect(first).toMatchObject({ revision: 'r1', source: '/etc/skrouterd.json', operations: 1, omitted: 0, outcome: 'pending' });
    expect(first.patch).toEqual([{ op: 'add', path: '/connector/up~11', value: expect.objectContaining({ saslPassword: MASK, port: '55671' }) as unknown }]);
    const second = h.record({ revision: 'r2', at: at(2), source: 'https://edgelet:54321/v1', state: state(connector('up/1', 'letmein'), tcp(1)) });
    expect(second.patch).toHaveLength(2);
    expect(second.patch).toContainEqual({ op: 'replace', path: '/connector/up~11/saslPassword', value: MASK });
    expect(second.patch).toContainEqual({ op: 'add', path: '/tcpConnector/tc-1', value: { host: 'db', port: '1001', address: 'a1', verifyHostname: true } });
    expect(JSON.stringify(h.entries)).not.toMatch(/hunter2|letmein/);
    expect(h.entries.map((e) => [e.revision, e.outcome])).toEqual([
      ['r2', 'pending'],
      ['r1', 'superseded'],
    ]);
  });

  it('does not record the newest revision twice, and a spelling-only change is a revision of no operations', () => {
    const h = new RevisionHistory();
    h.record({ revision: 'r1', at: at(1), source: 'f', state: state(tcp(1)) });
    h.record({ revision: 'r1', at: at(2), source: 'f', state: state(tcp(2)) });
    expect(h.entries).toHaveLength(1);
    const respelled = state({ kind: 'tcpConnector', name: 'tc-1', attributes: { host: 'db', port: '1001', address: 'a1', verifyHostname: 'yes' } });
    expect(h.record({ revision: 'r2', at: at(3), source: 'f', state: respelled })).toMatchObject({ operations: 0, patch: [] });
  });

  it('keeps the last maxRevisions revisions', () => {
    const h = new RevisionHistory({ maxRevisions: 3 });
    for (let i = 1; i <= 5; i++) h.record({ revision: `r${i}`, at: at(i), source: 'f', state: state(tcp(i)) });
    expect(h.entries.map((e) => e.revision)).toEqual(['r5', 'r4', 'r3']);
    expect(new RevisionHistory().entries).toEqual([]);
    expect(REVISION_HISTORY_DEFAULTS.maxRevisions).toBe(20);
    expect(() => new RevisionHistory({ maxOperations: 0 })).toThrow(RangeError);
  });

  it('bounds each patch by operations and bytes and counts the rest', () => {
    const many = state(...Array.from({ length: 200 }, (_, i) => tcp(i)));
    const byCount = new RevisionHistory({ maxOperations: 7 }).record({ revision: 'r', at: at(1), source: 'f', state: many });
    expect(byCount).toMatchObject({ operations: 200, omitted: 193 });
    expect(byCount.patch).toHaveLength(7);
    const byBytes = new RevisionHistory({ maxPatchBytes: 1000 }).record({ revision: 'r', at: at(1), source: 'f', state: many });
    expect(Buffer.byteLength(JSON.stringify(byBytes.patch))).toBeLessThanOrEqual(1000);
    expect(byBytes.patch.length).toBeGreaterThan(0);
    expect(byBytes.omitted).toBe(200 - byBytes.patch.length);
    // the whole history stays under its cap with the defaults, whatever the configs
    const h = new RevisionHistory();
    for (let i = 0; i < 30; i++) h.record({ revision: `r${i}`.padEnd(2000, 'x'), at: at(i % 60), source: 's'.repeat(5000), state: i % 2 ? many : state() });
    expect(h.entries).toHaveLength(20);
    expect(Buffer.byteLength(JSON.stringify(h.entries))).toBeLessThan(20 * (8192 + 1536));
  });

  it('boundPatch keeps a prefix that fits', () => {
    const ops = [1, 2, 3].map((n) => ({ op: 'remove' as const, path: `/address/a${n}` }));
    const one = JSON.stringify([ops[0]]).length;
    expect(boundPatch(ops, 10, one)).toEqual([ops[0]]);
    expect(boundPatch(ops, 10, one - 1)).toEqual([]);
    expect(boundPatch(ops, 2, 10_000)).toEqual(ops.slice(0, 2));
  });

  it('settles a revision: pending → failed → converged; converged and superseded stay', () => {
    const h = new RevisionHistory();
    h.record({ revision: 'r1', at: at(1), source: 'f', state: state(tcp(1)) });
    expect(h.settle('r1', { outcome: 'failed', at: at(2), pass: 4, error: 'x'.repeat(2000) })).toBe(true);
    expect(h.entries[0]).toMatchObject({ outcome: 'failed', pass: 4, settledAt: at(2) });
    expect(h.entries[0]?.error?.length).toBe(512);
    expect(h.settle('r1', { outcome: 'converged', at: at(3), pass: 5 })).toBe(true);
    expect(h.entries[0]).toMatchObject({ outcome: 'converged', pass: 5 });
    expect(h.entries[0]).not.toHaveProperty('error');
    expect(h.settle('r1', { outcome: 'failed', at: at(4) })).toBe(false);
    h.record({ revision: 'r2', at: at(5), source: 'f', state: state(tcp(2)) });
    h.record({ revision: 'r3', at: at(6), source: 'f', state: state(tcp(3)) });
    expect(h.settle('r2', { outcome: 'converged', at: at(7) })).toBe(false);
    expect(h.settle('nope', { outcome: 'converged', at: at(7) })).toBe(false);
    expect(h.entries.map((e) => e.outcome)).toEqual(['pending', 'superseded', 'converged']);
  });
});

describe('formatRevisionLog', () => {
  const entry = (patchLength: number, operations: number): Revision => ({
    revision: 'r9',
    at: at(1),
    source: '/etc/skrouterd.json',
    operations,
    patch: Array.from({ length: patchLength }, (_, i) => ({ op: 'replace' as const, path: `/listener/l${i}/port`, value: String(i) })),
    omitted: operations - patchLength,
    outcome: 'pending',
  });

  it('gives the count and the operations', () => {
    expect(formatRevisionLog(entry(2, 2))).toBe(
      'desired revision r9 from /etc/skrouterd.json: 2 operations: replace /listener/l0/port "0"; replace /listener/l1/port "1"',
    );
    expect(formatRevisionLog(entry(0, 0))).toBe('desired revision r9 from /etc/skrouterd.json: 0 operations');
  });

  it('stops at the size bound and says how many more there are', () => {
    const line = formatRevisionLog(entry(50, 900), 200);
    expect(line.length).toBeLessThanOrEqual(200);
    expect(line).toMatch(/^desired revision r9 from \/etc\/skrouterd\.json: 900 operations: replace \/listener\/l0\/port "0"; .*; and (\d+) more$/);
    const shown = line.split('; ').length - 1;
    expect(line).toContain(`and ${900 - shown} more`);
    expect(formatRevisionLog(entry(1, 1), 10)).toBe('desired revision r9 from /etc/skrouterd.json: 1 operation');
  });
});
