import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../e2e/simulator/index.js';
import type { ConfigLimits } from '../config-limits.js';
import { Metrics } from '../http/metrics.js';
import { createLog } from '../log.js';
import { ManagementClient } from '../management/index.js';
import { revisionOf } from '../sources/file-source.js';
import { MAX_REPORTED_ISSUES, OperationsFailedError, Reconciler, type PassReport } from './reconciler.js';
import { trackReachability } from './reachability.js';
import { StatusStore } from './status.js';
import { TerminalError } from './work-queue.js';
import { LIVE, TCP, TextSource, tcp, text } from './test-support/text-source.js';




let sim: Simulator | undefined;
let client: ManagementClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
});

async function setup(fullReadEveryMs = 0, loadLimits?: ConfigLimits): Promise<{ reconciler: Reconciler; source: TextSource; status: StatusStore; reports: PassReport[]; metrics: Metrics }> {
  sim = await startSimulator({ boot: { text: text() }, latency: false, port: 0 });
  client = new ManagementClient({ url: sim.url });
  const source = new TextSource();
  const status = new StatusStore(source.describe());
  trackReachability(client, status);
  const metrics = new Metrics({ processMetrics: false });
  const reports: PassReport[] = [];
  const reconciler = new Reconciler({
    source,
    management: client,
    log: createLog({ level: 'error', write: () => undefined }),
    metrics,
    status,
    planOptions: {},
    fullReadEveryMs,
    onPass: (r) => reports.push(r),
    ...(loadLimits ? { loadLimits } : {}),
  });
  return { reconciler, source, status, reports, metrics };
}

async function tcpNames(): Promise<string[]> {
  return (await client!.query(TCP, ['name'])).map((r) => String(r['name'])).sort();
}

describe('Reconciler pass', () => {
  it('converges, then plans nothing on the next pass', async () => {
    const { reconciler, source, status, reports } = await setup();
    source.text = text(tcp('a', 20001), tcp('b', 20002));
    await reconciler.reconcile({ id: 1, reasons: ['test'], signal: LIVE });
    expect(await tcpNames()).toEqual(['a', 'b']);
    await reconciler.reconcile({ id: 2, reasons: ['test'], signal: LIVE });
    expect(reports.map((r) => [r.result, r.plan.operations.length])).toEqual([
      ['converged', 2],
      ['converged', 0],
    ]);
    expect(status.document.entities.every((e) => e.state === 'synced')).toBe(true);
    expect(status.readiness()).toEqual({ ok: true });
  });

  it('rejects an invalid input, keeps applying the last good state, and names the problem', async () => {
    const { reconciler, source, status, reports } = await setup();
    source.text = text(tcp('a', 20001));
    await reconciler.reconcile({ id: 1, reasons: [], signal: LIVE });
    source.text = '[["router", {"id": "r", "mode": "edge"}], ["tcpListener", {"name": "x", "port": "0"}]]';
    await client!.delete(TCP, 'a'); // drift while the input is invalid
    await reconciler.reconcile({ id: 2, reasons: [], signal: LIVE });
    expect(reports[1]?.result).toBe('rejected');
    expect(await tcpNames()).toEqual(['a']);
    expect(status.document.rejected?.errors[0]).toMatchObject({ file: 'desired.json' });
    expect(status.document.rejected?.errors.some((e) => e.path.endsWith('.port'))).toBe(true);
  });

  it('applies its loadLimits (CONFIG_MAX_BYTES / CONFIG_MAX_ENTITIES): at a limit applied, one over rejected naming the setting', async () => {
    const three = text(tcp('a', 20001), tcp('b', 20002));
    // Two entities padded to the size of three: exactly at the byte limit.
    const bare = text(tcp('a', 20001));
    const good = `${bare}${' '.repeat(Buffer.byteLength(three) - Buffer.byteLength(bare))}`;
    const { reconciler, source, status, reports } = await setup(0, { maxBytes: Buffer.byteLength(three), maxEntities: 2 });
    source.text = good;
    await reconciler.reconcile({ id: 1, reasons: [], signal: LIVE });
    expect(reports[0]?.result).toBe('converged');
    source.text = three;
    await reconciler.reconcile({ id: 2, reasons: [], signal: LIVE });
    expect(reports[1]?.result).toBe('rejected');
    expect(status.document.rejected?.errors).toEqual([
      expect.objectContaining({ file: 'desired.json', path: '$', message: '3 entities is more than the limit of 2 (CONFIG_MAX_ENTITIES)' }),
    ]);
    source.text = `${good} `;
    await reconciler.reconcile({ id: 3, reasons: [], signal: LIVE });
    expect(status.document.rejected?.errors).toEqual([
      expect.objectContaining({ file: 'desired.json', message: `the file is ${Buffer.byteLength(good) + 1} bytes, more than the limit of ${Buffer.byteLength(good)} (CONFIG_MAX_BYTES)` }),
    ]);
    expect(await tcpNames()).toEqual(['a']);
    expect(reconciler.revision).toBe(revisionOf(good));
  });

  it('names CONFIG_MAX_ENTITIES with its default when no loadLimits are given', async () => {
    const { reconciler, source, status } = await setup();
    source.text = text(...Array.from({ length: 20_000 }, (_, i) => tcp(`t${i}`, 1000 + (i % 60000))));
    await expect(reconciler.reconcile({ id: 1, reasons: [], signal: LIVE })).rejects.toBeInstanceOf(TerminalError);
    expect(status.document.rejected?.errors[0]?.message).toBe('20001 entities is more than the limit of 20000 (CONFIG_MAX_ENTITIES)');
  });

  it('is terminal when the first input is invalid (nothing to hold the router to)', async () => {
    const { reconciler, source } = await setup();
    source.text = '{not json';
    await expect(reconciler.reconcile({ id: 1, reasons: [], signal: LIVE })).rejects.toBeInstanceOf(TerminalError);
  });

  it('reports a refused operation for its entity, applies the rest, and throws to be retried', async () => {
    const { reconciler, source, status, metrics } = await setup();
    source.text = text(tcp('a', 20001), tcp('b', 20002));
    sim!.faults.failNext(1, 500, 'refused for the test', 'CREATE');
    const error = await reconciler.reconcile({ id: 1, reasons: [], signal: LIVE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationsFailedError);
    expect((await tcpNames()).length).toBe(1);
    const failed = status.document.entities.filter((e) => e.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.lastError).toContain('refused for the test');
    expect(status.document.lastPass).toMatchObject({ result: 'failed', failed: 1 });
    expect(status.readiness().ok).toBe(false);
    expect(await metrics.registry.getSingleMetricAsString('iofog_router_management_operations_total')).toContain('result="failed"} 1');
    await reconciler.reconcile({ id: 2, reasons: ['retry'], signal: LIVE });
    expect(await tcpNames()).toEqual(['a', 'b']);
  });

  it('QUERYs only the kinds in use between full reads, and every kind when a full read is due', async () => {
    const { reconciler, source } = await setup(300);
    source.text = text(tcp('a', 20001));
    await reconciler.reconcile({ id: 1, reasons: ['start'], signal: LIVE }); // full: nothing read yet
    await client!.create('io.skupper.router.vhost', 'foreign-vhost', { hostname: 'x.example' });
    sim!.stats.reset();
    await reconciler.reconcile({ id: 2, reasons: ['file-changed'], signal: LIVE });
    const partial = sim!.stats.requests['QUERY'] ?? 0;
    expect(partial).toBeLessThan(15);
    expect(await client!.query('io.skupper.router.vhost', ['name'])).toHaveLength(1); // not looked at yet
    await new Promise((resolve) => setTimeout(resolve, 350));
    sim!.stats.reset();
    await reconciler.reconcile({ id: 3, reasons: ['resync'], signal: LIVE });
    expect(sim!.stats.requests['QUERY']).toBe(15);
    expect(await client!.query('io.skupper.router.vhost', ['name'])).toHaveLength(0);
  });

  it('does not parse an unchanged input again', async () => {
    const { reconciler, source, reports } = await setup();
    source.text = text(tcp('a', 20001));
    await reconciler.reconcile({ id: 1, reasons: [], signal: LIVE });
    expect(source.textReads).toBe(1);
    await reconciler.reconcile({ id: 2, reasons: [], signal: LIVE });
    expect(source.textReads).toBe(1);
    expect(reports.map((r) => r.result)).toEqual(['converged', 'converged']);
    // A bad input after a good one is still caught, and the good one comes back cleanly.
    source.text = '[';
    await reconciler.reconcile({ id: 3, reasons: [], signal: LIVE });
    source.text = text(tcp('a', 20001));
    await reconciler.reconcile({ id: 4, reasons: [], signal: LIVE });
    expect(reports.map((r) => r.result)).toEqual(['converged', 'converged', 'rejected', 'converged']);
  });

  it('keeps at most MAX_REPORTED_ISSUES issues of a rejected input, and says how many more there were', async () => {
    const { reconciler, source, status } = await setup();
    source.text = text(tcp('a', 20001));
    await reconciler.reconcile({ id: 1, reasons: [], signal: LIVE });
    const bad = Array.from({ length: MAX_REPORTED_ISSUES + 50 }, (_, i) => ['tcpListener', { name: `bad-${i}`, port: '0' }]);
    source.text = JSON.stringify([['router', { id: 'r', mode: 'edge' }], ...bad]);
    await reconciler.reconcile({ id: 2, reasons: [], signal: LIVE });
    const errors = status.document.rejected?.errors ?? [];
    expect(errors).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(errors.at(-1)?.message).toMatch(/^and \d+ more error\(s\)$/);
  });
});
