/**
 * EdgeletSource against the fake agent: how many config GETs a signal and start-up cost, a failed
 * refetch retried until it succeeds, configs of every wrong JSON type turned into inputs to reject,
 * and the health it reports (up, error, since, consecutive failures, last fetch, last signal).
 * Counts and order only, never speed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeletSource, EdgeletV1Client, type EdgeletSourceOptions } from '../../controller/sources/edgelet/index.js';
import { FakeEdgelet } from './fake-edgelet.js';
import { memoryLog, waitFor } from './test-support.js';

const config = (n: number) => ({ metadata: { id: 'r1', mode: 'edge' }, addresses: { [`a${n}`]: { prefix: `a${n}`, distribution: 'closest' } } });

let fake: FakeEdgelet | undefined;
let source: EdgeletSource | undefined;
let refetches: { reason: string; error?: unknown }[] = [];

afterEach(async () => {
  await source?.close();
  await fake?.close();
  source = undefined;
  fake = undefined;
  refetches = [];
});

function sourceFor(f: FakeEdgelet, options: Partial<EdgeletSourceOptions> = {}): EdgeletSource {
  const api = new EdgeletV1Client({ microserviceUid: f.uuid, host: '127.0.0.1', port: f.port, tokenDir: f.tokenDir });
  source = new EdgeletSource({
    api,
    log: memoryLog().log,
    reconnectInitialMs: 20,
    reconnectMaxMs: 200,
    pingIntervalMs: 60_000,
    pongTimeoutMs: 60_000,
    pollIntervalMs: 0,
    coalesceMs: 20,
    readRetryInitialMs: 10,
    readRetryMaxMs: 40,
    onRefetched: (r) => refetches.push(r),
    ...options,
  });
  return source;
}

/** The loop's start-up: a first read, then the watcher, until the first socket's refetch is done. */
async function started(s: EdgeletSource, f: FakeEdgelet, changes: string[]): Promise<void> {
  await s.read();
  await s.start((reason) => changes.push(reason));
  await waitFor('the first control socket and its refetch', () => f.stats.controlOpens === 1 && refetches.length === 1);
}

describe('EdgeletSource: config GETs', () => {
  it('start-up costs two GETs (the read before the router boots, the refetch once the socket is open); passes after them none', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake);
    await s.read(); // before the router boots
    await s.start(() => undefined);
    await s.read(); // the start pass, while the first socket is being dialled
    await waitFor('the first control socket and its refetch', () => fake?.stats.controlOpens === 1 && refetches.length === 1);
    await s.read(); // the "router connected" pass
    await s.read(); // a resync pass: a change would have been signalled
    expect(fake.stats.configRequests).toBe(2);
    fake.dropSockets();
    await waitFor('the refetch after the socket dropped', () => refetches.length >= 2);
    const afterDrop = fake.stats.configRequests;
    expect(afterDrop).toBeGreaterThan(2); // the socket dropped: whether the agent is still there is asked at once
  });

  it('one 0x0C costs exactly one GET: the pass it triggers reads what the refetch fetched', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake);
    const changes: string[] = [];
    await started(s, fake, changes);
    const before = fake.stats.configRequests;
    fake.setConfig(config(2));
    fake.signal(0x0c);
    await waitFor('the change', () => changes.length === 1);
    const read = await s.read(); // the pass the change triggers
    expect(JSON.parse(read.text)).toEqual(config(2));
    expect(fake.stats.configRequests - before).toBe(1);
    expect(s.health().lastSignalAt).toBeDefined();
  });

  it('retries a refetch that fails after a signal, with backoff, until it succeeds; reports the failures meanwhile', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake);
    const changes: string[] = [];
    await started(s, fake, changes);
    fake.setConfig(config(2));
    fake.queueReply(500, { success: false, error: { code: 'INTERNAL', message: 'database locked' } });
    fake.queueReply(200, { success: false, error: { code: 'INTERNAL', message: 'not ready' } });
    fake.queueReply(404, { success: false, error: { code: 'NOT_FOUND', message: 'microservice config not found' } });
    fake.signal(0x0c);
    await waitFor('three failed refetches', () => refetches.filter((r) => r.error !== undefined).length === 3);
    const down = s.health();
    expect(down).toMatchObject({ up: false, consecutiveFailures: 3 });
    expect(down.error).toMatch(/404 NOT_FOUND/);
    expect(down.errors).toEqual({ http: 1, envelope: 1, 'not-found': 1 });
    await waitFor('the change, once the Edgelet answers', () => changes.length === 1);
    expect(fake.stats.statuses.slice(-4)).toEqual([500, 200, 404, 200]);
    expect(s.health()).toMatchObject({ up: true, consecutiveFailures: 0 });
    expect(s.health().error).toBeUndefined();
  });
});

describe('EdgeletSource: configs that cannot be used', () => {
  it.each([
    ['a number', '42', 'object', /not a number/],
    ['a boolean', 'true', 'object', /not a boolean/],
    ['null', 'null', 'object', /is null/],
    ['a JSON string holding a number', '7', 'string', /holding a number/],
    ['text that is not JSON', '{ nope', 'object', /not JSON/],
  ] as const)('serves %s: an unusable snapshot (rejected by the loop like any invalid input), not a source failure', async (_what, stored, deliverAs, message) => {
    fake = await FakeEdgelet.start({ config: config(1) });
    // The fake stores text; delivered as an object, it is parsed first, as the Edgelet does for JSON.
    fake.deliverAs = deliverAs;
    fake.setConfig(stored);
    const snapshot = await sourceFor(fake).read();
    expect(snapshot.unusable).toMatch(message);
    expect(snapshot.text).toBe('');
    expect(source?.health()).toMatchObject({ up: true });
  });
});
