/**
 * EdgeletSource and its control socket against the fake agent: signals, coalescing, one socket at
 * a time, dead peers, lost signals caught on reconnect and by the poll, token rotation, outages.
 * Timings are shortened through options; assertions are on counts and order, never on speed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeletSource, EdgeletV1Client, LegacyAgentClient, type EdgeletSourceOptions } from '../../controller/sources/edgelet/index.js';
import { FakeEdgelet } from './fake-edgelet.js';
import { memoryLog, sleep, waitFor } from './test-support.js';

const config = (n: number) => ({ metadata: { id: 'r1', mode: 'edge' }, addresses: { [`a${n}`]: { prefix: `a${n}`, distribution: 'closest' } } });

const FAST = {
  reconnectInitialMs: 20,
  reconnectMaxMs: 200,
  pingIntervalMs: 60_000,
  pongTimeoutMs: 60_000,
  pollIntervalMs: 0,
  coalesceMs: 150,
  readRetryInitialMs: 10,
  readRetryMaxMs: 50,
} satisfies Partial<EdgeletSourceOptions>;

let fake: FakeEdgelet | undefined;
let source: EdgeletSource | undefined;
let logLines: string[] = [];
/** Reasons of the refetches the source completed, in order. */
let refetched: string[] = [];

afterEach(async () => {
  await source?.close();
  await fake?.close();
  source = undefined;
  fake = undefined;
  // Secrets never reach a log line.
  for (const line of logLines) expect(line).not.toMatch(/eyJhbGci/);
  logLines = [];
  refetched = [];
});

function sourceFor(f: FakeEdgelet, options: Partial<EdgeletSourceOptions> = {}, host = '127.0.0.1'): EdgeletSource {
  const { log, lines } = memoryLog();
  logLines = lines;
  const api =
    f.mode === 'v1'
      ? new EdgeletV1Client({ microserviceUid: f.uuid, host, port: f.port, tokenDir: f.tokenDir })
      : new LegacyAgentClient({ selfName: f.uuid, host, port: f.port });
  source = new EdgeletSource({ api, log, onRefetched: ({ reason }) => refetched.push(reason), ...FAST, ...options });
  return source;
}

/** Starts watching after a first read, and waits until the first socket's refetch is done. */
async function started(s: EdgeletSource, f: FakeEdgelet, changes: string[]): Promise<void> {
  await s.read();
  await s.start((reason) => changes.push(reason));
  await waitFor('the first control socket', () => f.stats.controlOpens === 1 && refetched.includes('edgelet-connected'));
}

describe('EdgeletSource.read', () => {
  it('returns the config with the URL as file name and a content revision', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const snapshot = await sourceFor(fake).read();
    expect(snapshot.file).toBe(`https://127.0.0.1:${fake.port}/v1/microservices/config`);
    expect(JSON.parse(snapshot.text)).toEqual(config(1));
    fake.setConfig(config(2));
    expect((await source?.read())?.revision).not.toBe(snapshot.revision);
  });

  it('retries 404 (no config yet) with backoff until the config arrives', async () => {
    fake = await FakeEdgelet.start();
    fake.queueReply(404, { success: false, error: { code: 'NOT_FOUND', message: 'microservice config not found' } });
    fake.queueReply(503, 'agent starting');
    fake.setConfig(config(1));
    await expect(sourceFor(fake).read()).resolves.toMatchObject({ file: expect.any(String) });
    expect(fake.stats.statuses).toEqual([404, 503, 200]);
  });

  it('gives up after readAttempts and says why', async () => {
    fake = await FakeEdgelet.start();
    await expect(sourceFor(fake, { readAttempts: 3 }).read()).rejects.toThrow(/404 NOT_FOUND: microservice config not found/);
    expect(fake.stats.statuses).toEqual([404, 404, 404]);
  });

  it('does not retry what waiting cannot fix (403)', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    fake.forbidden = true;
    await expect(sourceFor(fake).read()).rejects.toMatchObject({ kind: 'forbidden' });
    expect(fake.stats.statuses).toEqual([403]);
  });
});

describe('EdgeletSource watching', () => {
  it('refetches on 0x0C after acknowledging it, and reports a changed config', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake);
    const changes: string[] = [];
    await started(s, fake, changes);
    expect(changes).toEqual([]); // the first socket's refetch found the config read already
    fake.setConfig(config(2));
    expect(fake.signal(0x0c)).toBe(1);
    await waitFor('the change', () => changes.length === 1);
    expect(changes).toEqual(['edgelet-signal']);
    expect(fake.stats.acks).toBe(1);
  });

  it('dials the fallback host for the control socket too when the first host is unreachable', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake, {}, '127.0.0.2');
    const changes: string[] = [];
    await started(s, fake, changes);
    fake.setConfig(config(2));
    fake.signal(0x0c);
    await waitFor('the change', () => changes.length === 1);
    expect(s.describe()).toEqual({ kind: 'edgelet-v1', location: `https://127.0.0.1:${fake.port}/v1/microservices/config` });
  });

  it('collapses a burst of signals into one refetch', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake, { coalesceMs: 300 });
    const changes: string[] = [];
    await started(s, fake, changes);
    fake.setConfig(config(2));
    for (let i = 0; i < 5; i += 1) fake.signal(0x0c);
    await waitFor('five acks', () => fake?.stats.acks === 5);
    await waitFor('the change', () => changes.length === 1);
    await sleep(400);
    expect(refetched).toEqual(['edgelet-connected', 'edgelet-signal']);
    expect(changes).toEqual(['edgelet-signal']);
  });

  it('surfaces 0x0F as an event without refetching', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    let resourceSignals = 0;
    const s = sourceFor(fake, { onResourceSignal: () => (resourceSignals += 1) });
    await started(s, fake, []);
    fake.signal(0x0f);
    await waitFor('the resource event', () => resourceSignals === 1);
    expect(refetched).toEqual(['edgelet-connected']);
    expect(fake.stats.acks).toBe(0);
  });

  it('catches a signal lost while the socket was down when it reconnects', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake);
    const changes: string[] = [];
    await started(s, fake, changes);
    await fake.down();
    fake.setConfig(config(2));
    expect(fake.signal(0x0c)).toBe(0); // nobody to tell: the signal is lost
    await fake.up();
    await waitFor('the change after reconnecting', () => changes.length === 1);
    // Whichever fetch comes first once the agent is back: the reconnect's, or the retry of the
    // refetch made when the socket dropped.
    expect(['edgelet-reconnected', 'edgelet-disconnected']).toContain(changes[0]);
  });

  it('catches a lost signal with the slow poll even when the socket never dropped', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake, { pollIntervalMs: 100 });
    const changes: string[] = [];
    await started(s, fake, changes);
    fake.setConfig(config(2)); // no signal sent
    await waitFor('the poll to notice', () => changes.includes('edgelet-poll'));
    expect(fake.stats.controlOpens).toBe(1);
  });

  it('keeps exactly one control socket through drops and outages', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake);
    await started(s, fake, []);
    for (let i = 2; i <= 4; i += 1) {
      fake.dropSockets();
      await waitFor(`socket ${i}`, () => fake?.stats.controlOpens === i && fake.stats.openSockets === 1);
    }
    await fake.down();
    await sleep(100);
    await fake.up();
    await waitFor('socket after the outage', () => fake?.stats.controlOpens === 5 && fake.stats.openSockets === 1);
    expect(fake.stats.maxOpenSockets).toBe(1);
  });

  it('detects a dead peer by its missing pongs and redials', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake, { pingIntervalMs: 30, pongTimeoutMs: 100 });
    await started(s, fake, []);
    await waitFor('a few answered pings', () => (fake?.stats.pings ?? 0) >= 3);
    expect(fake.stats.controlOpens).toBe(1);
    fake.answerPings = false;
    await waitFor('the client to give up on the silent socket and redial', () => fake?.stats.controlOpens === 2);
    fake.answerPings = true;
    expect(fake.stats.maxOpenSockets).toBe(1);
    expect(logLines.some((l) => l.includes('dead peer'))).toBe(true);
  });

  it('survives a token rotation mid-run: the open socket stays, new requests and dials use the new token', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake);
    const changes: string[] = [];
    await started(s, fake, changes);
    await fake.rotateToken();
    fake.setConfig(config(2));
    fake.signal(0x0c);
    await waitFor('the change', () => changes.length === 1);
    expect(fake.stats.statuses.every((status) => status === 200)).toBe(true);
    expect(fake.stats.controlOpens).toBe(1);
    fake.dropSockets();
    await waitFor('a redial with the new token', () => fake?.stats.controlOpens === 2);
    expect(fake.stats.tokensSeen.at(-1)).toBe(fake.token);
  });

  it('redials after a revoked token once a new one is projected', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake);
    await started(s, fake, []);
    fake.revokeToken();
    fake.dropSockets();
    await waitFor('refused dials', () => (fake?.stats.controlDials ?? 0) >= 3);
    expect(fake.stats.controlOpens).toBe(1);
    await fake.rotateToken();
    await waitFor('a dial with the new token', () => fake?.stats.controlOpens === 2);
    expect(logLines.some((l) => l.includes('401: Invalid JWT token'))).toBe(true);
  });

  it('rides out the Edgelet being down for a while, then refetches when it is back', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake, { pollIntervalMs: 50 });
    const changes: string[] = [];
    await started(s, fake, changes);
    await fake.down();
    const refetchesWhileDown = s.refetches;
    await waitFor('a few failed polls', () => s.refetches >= refetchesWhileDown + 3);
    expect(changes).toEqual([]); // an unreachable agent is not a change
    fake.setConfig(config(3));
    await fake.up();
    await waitFor('the change', () => changes.length === 1);
    expect(['edgelet-reconnected', 'edgelet-poll']).toContain(changes[0]);
    await waitFor('the socket', () => s.connected);
  });

  it('asks for one pass when the config becomes unusable, not one per poll', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake, { pollIntervalMs: 30 });
    const changes: string[] = [];
    await started(s, fake, changes);
    fake.setConfig('{ not json');
    await waitFor('the change', () => changes.length === 1);
    const refetches = s.refetches;
    await waitFor('more polls', () => s.refetches >= refetches + 3);
    expect(changes).toHaveLength(1);
    // Served but unusable: an input for the loop to reject (like an invalid file), not a read failure.
    expect((await s.read()).unusable).toMatch(/field "config" is not JSON/);
    expect(s.health()).toMatchObject({ up: true, consecutiveFailures: 0 });
  });

  it('close() leaves no socket and no timer behind', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const s = sourceFor(fake, { pollIntervalMs: 1000, pingIntervalMs: 1000 });
    await started(s, fake, []);
    await s.close();
    await waitFor('the server to see the socket close', () => fake?.stats.openSockets === 0);
    expect(s.connected).toBe(false);
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after).toBeLessThanOrEqual(before);
    await sleep(100);
    expect(fake.stats.controlOpens).toBe(1);
  });

  it('close() during an outage stops redialling at once', async () => {
    fake = await FakeEdgelet.start({ config: config(1) });
    const s = sourceFor(fake, { reconnectInitialMs: 60_000, reconnectMaxMs: 60_000 });
    await fake.down();
    await s.start(() => undefined);
    await sleep(50);
    await s.close(); // would hang for a minute if the backoff sleep were not woken
  });
});

describe('EdgeletSource on the legacy v2 agent', () => {
  it('reads, holds the control socket at /v2/control/socket/id/<id>, and refetches on 0x0C', async () => {
    fake = await FakeEdgelet.start({ mode: 'v2', config: config(1), microserviceUuid: 'self-1' });
    const s = sourceFor(fake);
    const changes: string[] = [];
    await started(s, fake, changes);
    fake.setConfig(config(2));
    fake.signal(0x0c);
    await waitFor('the change', () => changes.length === 1);
    expect(changes).toEqual(['edgelet-signal']);
    expect(fake.stats.acks).toBe(1);
  });
});
