/**
 * The reconciler's reuse of the router state (ActualCache): a pass that is not `full` plans
 * against the last read plus the replies of its own writes, without QUERYing; drift it cannot see
 * is repaired by the next full pass (resync); any failure or router restart drops the state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../e2e/simulator/index.js';
import type { DesiredEntity } from '../../schemas/index.js';
import { Metrics } from '../http/metrics.js';
import { createLog } from '../log.js';
import { ManagementClient } from '../management/index.js';
import { revisionOf } from '../sources/file-source.js';
import { Reconciler, type PassReport } from './reconciler.js';
import { StatusStore } from './status.js';
import { LIVE, TCP, TextSource, tcp, text } from './test-support/text-source.js';



let sim: Simulator | undefined;
let client: ManagementClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
});

async function setup(fullReadEveryMs = 0) {
  sim = await startSimulator({ boot: { text: text() }, latency: false, port: 0 });
  client = new ManagementClient({ url: sim.url });
  const source = new TextSource();
  const reports: PassReport[] = [];
  const reconciler = new Reconciler({
    source,
    management: client,
    log: createLog({ level: 'error', write: () => undefined }),
    metrics: new Metrics({ processMetrics: false }),
    status: new StatusStore(source.describe()),
    planOptions: {},
    fullReadEveryMs,
    onPass: (r) => reports.push(r),
  });
  const s = sim;
  let id = 0;
  /** One pass on `desired`; returns its QUERYs and its plan's operations. */
  const pass = async (full: boolean, ...desired: DesiredEntity[]) => {
    source.text = text(...desired);
    const before = s.stats.requests['QUERY'] ?? 0;
    await reconciler.reconcile({ id: ++id, reasons: [full ? 'resync' : 'file-changed'], signal: LIVE, full });
    return { queries: (s.stats.requests['QUERY'] ?? 0) - before, operations: reports.at(-1)?.plan.operations.map((o) => `${o.op} ${o.name}`) };
  };
  return { reconciler, pass, sim: s };
}

async function tcpNames(): Promise<string[]> {
  return (await client!.query(TCP, ['name'])).map((r) => String(r['name'])).sort();
}

describe('Reconciler: reuse of the router state between full passes', () => {
  it('an input-change pass sends only its writes, and the full pass after it finds nothing to do', async () => {
    const { pass } = await setup();
    expect((await pass(true, tcp('a', 20001))).queries).toBeGreaterThan(0);
    expect(await pass(false, tcp('a', 20001), tcp('b', 20002))).toEqual({ queries: 0, operations: ['create b'] });
    expect(await pass(false, tcp('b', 20002))).toEqual({ queries: 0, operations: ['delete a'] });
    expect(await pass(false, tcp('b', 20003))).toEqual({ queries: 0, operations: ['delete b', 'create b'] });
    expect(await tcpNames()).toEqual(['b']);
    const resync = await pass(true, tcp('b', 20003));
    expect(resync.queries).toBeGreaterThan(0);
    expect(resync.operations).toEqual([]);
  });

  it('drift is repaired by the next full pass (resync), not hidden by the reused state', async () => {
    const { pass } = await setup();
    await pass(true, tcp('a', 20001), tcp('b', 20002));
    await client!.delete(TCP, 'a');
    await client!.create(TCP, 'foreign', { host: '127.0.0.1', port: '20009', address: 'foreign' });
    // The input-change pass does not look: the drift stays until the resync.
    expect(await pass(false, tcp('a', 20001), tcp('b', 20002), tcp('c', 20003))).toEqual({ queries: 0, operations: ['create c'] });
    expect(await tcpNames()).toEqual(['b', 'c', 'foreign']);
    const resync = await pass(true, tcp('a', 20001), tcp('b', 20002), tcp('c', 20003));
    expect(resync.operations?.sort()).toEqual(['create a', 'delete foreign']);
    expect(await tcpNames()).toEqual(['a', 'b', 'c']);
  });

  it('a failed operation, a resolved duplicate, or a new kind make the next input-change pass read the router', async () => {
    // Reads cover only the kinds in use (FULL_READ_SECONDS), so a new kind is not in the last read.
    const { pass, reconciler, sim: s } = await setup(3_600_000);
    await pass(true, tcp('a', 20001));
    s.faults.failNext(1, 500, 'Internal Error', 'CREATE');
    await expect(pass(false, tcp('a', 20001), tcp('b', 20002))).rejects.toThrow(/failed/);
    expect((await pass(false, tcp('a', 20001), tcp('b', 20002))).queries).toBeGreaterThan(0);
    // Someone created `c` as we want it: the CREATE's duplicate is READ and accepted, and the state dropped.
    await client!.create(TCP, 'c', { host: '127.0.0.1', port: '20003', address: 'c' });
    expect(await pass(false, tcp('a', 20001), tcp('b', 20002), tcp('c', 20003))).toEqual({ queries: 0, operations: ['create c'] });
    expect((await pass(false, tcp('a', 20001), tcp('b', 20002), tcp('c', 20003))).queries).toBeGreaterThan(0);
    // A kind the last read did not cover (no tcpConnector was desired or present) is read.
    const connector: DesiredEntity = { kind: 'tcpConnector', name: 'k', attributes: { host: '127.0.0.1', port: '20010', address: 'k' } };
    expect((await pass(false, tcp('a', 20001), tcp('b', 20002), tcp('c', 20003), connector)).queries).toBeGreaterThan(0);
    expect(reconciler.revision).toBe(revisionOf(text(tcp('a', 20001), tcp('b', 20002), tcp('c', 20003), connector)));
  });

  it('after a router restart, the next full pass restores what the restarted router lost', async () => {
    const { pass, sim: s } = await setup();
    await pass(true, tcp('a', 20001), tcp('b', 20002));
    await s.faults.crash();
    // The restarted router holds only its boot file. An input-change pass that races the restart
    // event either fails on the dropped connection or creates only `c` on the reconnected router;
    await pass(false, tcp('a', 20001), tcp('b', 20002), tcp('c', 20003)).catch(() => undefined);
    // the restart (or the failure) makes the queue's next pass full, which restores the rest.
    const full = await pass(true, tcp('a', 20001), tcp('b', 20002), tcp('c', 20003));
    expect(full.queries).toBeGreaterThan(0);
    expect(full.operations).toEqual(expect.arrayContaining(['create a', 'create b']));
    expect(await tcpNames()).toEqual(['a', 'b', 'c']);
  });
  it('a kind created by a pass that read nothing is still read, and its entity removed, once nothing desires it', async () => {
    const { pass, sim: s } = await setup(3_600_000);
    const connector: DesiredEntity = { kind: 'tcpConnector', name: 'k', attributes: { host: '127.0.0.1', port: '20010', address: 'k' } };
    await pass(true, tcp('a', 20001));
    expect(await pass(false, tcp('a', 20001), connector)).toEqual({ queries: 0, operations: ['create k'] });
    s.faults.failNext(1, 500, 'Internal Error', 'CREATE');
    await expect(pass(false, tcp('a', 20001), tcp('b', 20002), connector)).rejects.toThrow(/failed/);
    // The state was dropped: this pass reads the kinds in use or seen, tcpConnector among them.
    expect((await pass(false, tcp('a', 20001))).operations).toEqual(['delete k']);
    expect((await client!.query('io.skupper.router.tcpConnector', ['name'])).map((r) => r['name'])).toEqual([]);
  });
});
