/**
 * The pass's honest reporting against the simulator: a source that cannot be read still gets the
 * router repaired, reachability comes from the connection, drift repairs are counted, a refused
 * entity stays failed, and a stopped pass ends at an operation boundary.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../e2e/simulator/index.js';
import { ManagementError, type Attributes, type Management } from '../../reconcilers/management.js';
import { Metrics } from '../http/metrics.js';
import { createLog } from '../log.js';
import { ManagementClient } from '../management/index.js';
import { revisionOf } from '../sources/file-source.js';
import { trackReachability } from './reachability.js';
import { PassStoppedError, Reconciler, RefusedError, SourceUnavailableError } from './reconciler.js';
import { StatusStore } from './status.js';
import { TerminalError } from './work-queue.js';
import { LIVE, TCP, TextSource, tcp, text } from './test-support/text-source.js';



/** The router's reply to CREATE of `refuse`: it stores the entity yet answers 500 (as a real router does for some operations). */
class StoresThenRefuses implements Management {
  constructor(
    readonly inner: Management,
    readonly refuse: string,
  ) {}
  async create(t: string, n: string, a: Attributes) {
    const stored = await this.inner.create(t, n, a);
    if (n !== this.refuse) return stored;
    throw new ManagementError({ statusCode: 500, statusDescription: 'CError: refused after storing', operation: 'CREATE', entityType: t, entityName: n });
  }
  read(t: string, n: string) {
    return this.inner.read(t, n);
  }
  update(t: string, n: string, a: Attributes) {
    return this.inner.update(t, n, a);
  }
  delete(t: string, n: string) {
    return this.inner.delete(t, n);
  }
  query(t: string, names?: readonly string[]) {
    return this.inner.query(t, names);
  }
}

/** The operations of `m`, bound, to override one of them. */
const pick = (m: Management): Management => ({
  create: (t, n, a) => m.create(t, n, a),
  read: (t, n) => m.read(t, n),
  update: (t, n, a) => m.update(t, n, a),
  delete: (t, n) => m.delete(t, n),
  query: (t, names) => m.query(t, names),
});


let sim: Simulator | undefined;
let client: ManagementClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
});

async function setup(wrap: (m: Management) => Management = (m) => m) {
  sim = await startSimulator({ boot: { text: text() }, latency: false, port: 0 });
  const c = (client = new ManagementClient({ url: sim.url }));
  const source = new TextSource();
  const status = new StatusStore(source.describe());
  trackReachability(c, status);
  const metrics = new Metrics({ processMetrics: false });
  const reconciler = new Reconciler({ source, management: wrap(c), log: createLog({ level: 'error', write: () => undefined }), metrics, status, planOptions: {} });
  const pass = (id: number, signal = LIVE) => reconciler.reconcile({ id, reasons: ['test'], signal });
  return { reconciler, source, status, metrics, pass, client: c };
}

const tcpNames = async () => (await client!.query(TCP, ['name'])).map((r) => String(r['name'])).sort();
const drift = async (m: Metrics) => (await m.driftCorrections.get()).values.reduce((sum, v) => sum + v.value, 0);

describe('Reconciler: lifecycle and honest reporting', () => {
  it('repairs drift against the last good state while the source cannot be read, and reports the source beside it', async () => {
    const { reconciler, source, status, metrics, pass } = await setup();
    metrics.observeSource(() => reconciler.sourceHealth());
    source.text = text(tcp('a', 20001), tcp('b', 20002));
    await pass(1);
    source.broken = Object.assign(new Error('cannot read desired.json: ENOENT'), { code: 'ENOENT' });
    await client!.delete(TCP, 'a');
    await expect(pass(2)).rejects.toBeInstanceOf(SourceUnavailableError);
    expect(await tcpNames()).toEqual(['a', 'b']);
    await expect(pass(3)).rejects.toBeInstanceOf(SourceUnavailableError);
    const doc = status.document;
    expect(doc.source).toMatchObject({ up: false, consecutiveFailures: 2, error: 'cannot read desired.json: ENOENT', appliedRevision: revisionOf(source.text) });
    expect(Date.parse(doc.source.since ?? '')).not.toBeNaN();
    expect(doc.lastPass?.result).toBe('converged');
    expect(status.readiness()).toEqual({ ok: true });
    const text_ = await metrics.registry.metrics();
    expect(text_).toContain('iofog_router_source_up 0');
    expect(text_).toContain('iofog_router_source_errors_total{reason="enoent"} 2');
    source.broken = undefined;
    await pass(4);
    expect(status.document.source).toMatchObject({ up: true, consecutiveFailures: 0 });
    expect(status.document.source.error).toBeUndefined();
  });

  it('says the router is reachable (from the connection) when an invalid first input stopped the pass before reading it', async () => {
    const { source, status, pass } = await setup();
    source.text = '{not json';
    await expect(pass(1)).rejects.toBeInstanceOf(TerminalError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(status.document.router.reachable).toBe(true);
    expect(status.readiness().reason ?? '').not.toContain('not reachable');
  });

  it('counts each entity restored after an external change as one drift correction, and desired changes as none', async () => {
    const { source, metrics, pass } = await setup();
    source.text = text(tcp('a', 20001), tcp('b', 20002), tcp('c', 20003));
    await pass(1);
    expect(await drift(metrics)).toBe(0);
    await client!.delete(TCP, 'a');
    await client!.delete(TCP, 'b');
    await client!.create(TCP, 'foreign', { host: '127.0.0.1', port: '20009', address: 'x' });
    await pass(2);
    expect(await tcpNames()).toEqual(['a', 'b', 'c']);
    expect(await drift(metrics)).toBe(3);
    // A desired change (c's port, d added, b removed) is not drift.
    source.text = text(tcp('a', 20001), tcp('c', 20013), tcp('d', 20004));
    await pass(3);
    expect(await tcpNames()).toEqual(['a', 'c', 'd']);
    expect(await drift(metrics)).toBe(3);
  });

  it('keeps an entity the router refused failed (and out of "converged") until its desired value changes, even when a later read shows it', async () => {
    const { reconciler, source, status, pass } = await setup((m) => new StoresThenRefuses(m, 'bad'));
    source.text = text(tcp('ok', 20001), tcp('bad', 20002));
    await expect(pass(1)).rejects.toThrow(/CError: refused after storing/);
    expect(await tcpNames()).toEqual(['bad', 'ok']); // the router stored it anyway
    const second = await pass(2).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(RefusedError);
    expect(status.document.lastPass).toMatchObject({ result: 'failed', operations: 0 });
    expect(status.document.entities.find((e) => e.name === 'bad')).toMatchObject({ state: 'failed', lastError: expect.stringContaining('refused after storing') });
    expect(status.document.entities.find((e) => e.name === 'ok')?.state).toBe('synced');
    expect(status.readiness().ok).toBe(false);
    expect([...reconciler.refusedKeys()]).toEqual(['tcpListener/bad']);
    source.text = text(tcp('ok', 20001), tcp('bad', 20003));
    // The new value is refused too (the wrapper refuses every CREATE of 'bad'): the ledger now holds the new value.
    await expect(pass(3)).rejects.toThrow(/refused after storing/);
    source.text = text(tcp('ok', 20001));
    await pass(4);
    expect(reconciler.refusedKeys().size).toBe(0);
    expect(status.readiness()).toEqual({ ok: true });
  });

  it('stops at the next operation boundary when its signal fires, and records nothing from half a pass', async () => {
    const abort = new AbortController();
    let creates = 0;
    const { source, status, pass } = await setup((m) => ({
      ...pick(m),
      create: (t, n, a) => {
        if (++creates === 20) abort.abort();
        return m.create(t, n, a);
      },
    }));
    source.text = text(tcp('a', 20001));
    await pass(1);
    const before = status.document.lastPass;
    source.text = text(...Array.from({ length: 400 }, (_, i) => tcp(`t${i}`, 21000 + i)));
    const error = await pass(2, abort.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PassStoppedError);
    const created = (await tcpNames()).length;
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(400);
    expect(status.document.lastPass).toEqual(before);
  });
});
