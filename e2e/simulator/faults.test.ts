/** Injected faults: dropped connections, stalled replies, failed operations, crash and restart. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorBootError, startSimulator, type Simulator } from './index.js';
import { TestClient, must } from './test-support/client.js';
import { INTERIOR_BOOT, T } from './test-support/router.js';

let simulator: Simulator | undefined;
const clients: TestClient[] = [];

async function connect(sim: Simulator): Promise<TestClient> {
  const client = await TestClient.connect(sim.port);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await simulator?.close();
  simulator = undefined;
});

/** Resolves once the simulator has counted `n` requests of `operation`. */
async function received(sim: Simulator, operation: string, n: number): Promise<void> {
  while ((sim.stats.requests[operation] ?? 0) < n) await new Promise((r) => setTimeout(r, 5));
}

describe('faults', () => {
  it('dropConnections cuts every connection; the router keeps its state', async () => {
    simulator = await startSimulator({ boot: { text: INTERIOR_BOOT }, latency: false });
    const client = await connect(simulator);
    await must(client, { operation: 'CREATE', type: T('sslProfile'), name: 'kept' }, {});
    simulator.faults.dropConnections();
    await client.whenDisconnected();
    const again = await connect(simulator);
    expect((await must(again, { operation: 'READ', type: T('sslProfile'), name: 'kept' })).statusCode).toBe(200);
  });

  it('stallReplies("hold") keeps replies until released, in order', async () => {
    simulator = await startSimulator({ boot: { text: INTERIOR_BOOT }, latency: false });
    const client = await connect(simulator);
    simulator.faults.stallReplies('hold');
    let answered = false;
    const pending = client.request({ operation: 'CREATE', type: T('sslProfile'), name: 'held' }, {}, { timeoutMs: 20_000 }).then((r) => {
      answered = true;
      return r;
    });
    await received(simulator, 'CREATE', 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    expect(simulator.snapshot()[T('sslProfile')]).toHaveLength(1); // the work is done, only the reply waits
    simulator.faults.stallReplies(false);
    expect(await pending).toMatchObject({ statusCode: 201 });
  });

  it('stallReplies("drop") loses replies for good', async () => {
    simulator = await startSimulator({ boot: { text: INTERIOR_BOOT }, latency: false });
    const client = await connect(simulator);
    simulator.faults.stallReplies('drop');
    const lost = client.request({ operation: 'GET-ANNOTATIONS' }, {}, { timeoutMs: 500 });
    await received(simulator, 'GET-ANNOTATIONS', 1);
    simulator.faults.stallReplies(false);
    expect(await lost).toBe('no-reply');
    expect((await must(client, { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
  });

  it('failNext fails the next N operations of a kind without executing them', async () => {
    simulator = await startSimulator({ boot: { text: INTERIOR_BOOT }, latency: false });
    const client = await connect(simulator);
    simulator.faults.failNext(2, 500, 'injected', 'CREATE');
    const create = (name: string) => must(client, { operation: 'CREATE', type: T('sslProfile'), name }, {});
    expect(await create('a')).toMatchObject({ statusCode: 500, statusDescription: 'injected', body: {} });
    expect((await must(client, { operation: 'QUERY', entityType: T('sslProfile') }, {})).statusCode).toBe(200);
    expect((await create('b')).statusCode).toBe(500);
    expect((await create('c')).statusCode).toBe(201);
    expect(simulator.snapshot()[T('sslProfile')]?.map((e) => e['name'])).toEqual(['c']);
    simulator.faults.failNext(1, 503);
    expect(await must(client, { operation: 'GET-TYPES' })).toMatchObject({ statusCode: 503, statusDescription: 'Service Unavailable' });
  });

  it('crash drops connections, resets state and uptime to the boot file, and can stay down for a while', async () => {
    let now = 5_000_000;
    simulator = await startSimulator({ boot: { text: INTERIOR_BOOT }, latency: false, now: () => now });
    const client = await connect(simulator);
    await must(client, { operation: 'CREATE', type: T('sslProfile'), name: 'lost' }, {});
    now += 100_000;
    const uptime = async (c: TestClient) =>
      ((await must(c, { operation: 'QUERY', entityType: T('routerMetrics') }, { attributeNames: ['uptimeSeconds'] })).body as { results: number[][] }).results[0]?.[0];
    expect(await uptime(client)).toBe(100);
    const port = simulator.port;
    const crashed = simulator.faults.crash({ downMs: 1500 });
    await client.whenDisconnected();
    await expect(TestClient.connect(port)).rejects.toThrow();
    await crashed;
    const after = await connect(simulator);
    expect(simulator.port).toBe(port);
    expect(await uptime(after)).toBe(0);
    expect((await must(after, { operation: 'READ', type: T('sslProfile'), name: 'lost' })).statusCode).toBe(404);
  });

  it('requests still queued when the router crashes die with it: the rebooted router never runs them', async () => {
    simulator = await startSimulator({ boot: { text: INTERIOR_BOOT }, latency: { scale: 20 } });
    const client = await connect(simulator);
    const names = Array.from({ length: 10 }, (_, i) => `queued-${i}`);
    for (const name of names) client.sendRaw({ application_properties: { operation: 'CREATE', type: T('sslProfile'), name }, body: {}, reply_to: 'nowhere' });
    await received(simulator, 'CREATE', names.length);
    await simulator.faults.crash();
    await new Promise((r) => setTimeout(r, 300)); // longer than the queued requests' modelled cost
    const after = await connect(simulator);
    const rows = await must(after, { operation: 'QUERY', entityType: T('sslProfile') }, { attributeNames: ['name'] });
    expect((rows.body as { results: string[][] }).results.flat().filter((n) => n.startsWith('queued-'))).toEqual([]);
  });

  it('a crash with a boot file that went bad leaves the router down and reports why; the next restart of a good one serves again', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-crash-')), 'skrouterd.json');
    writeFileSync(file, INTERIOR_BOOT);
    simulator = await startSimulator({ boot: { file }, latency: false });
    writeFileSync(file, '[["io.skupper.router.listener", {}]]');
    await expect(simulator.faults.crash()).rejects.toBeInstanceOf(SimulatorBootError);
    await expect(TestClient.connect(simulator.port)).rejects.toThrow();
    writeFileSync(file, INTERIOR_BOOT);
    await simulator.faults.crash(); // at once (no downMs): the port was closed by the failed start, not by the crash
    expect((await must(await connect(simulator), { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
  });

  it('startSimulator rejects a bad boot file with the router start-up failure', async () => {
    await expect(startSimulator({ boot: { text: '[["listener", {"sslProfile": "none"}]]' } })).rejects.toThrow(
      "Router start-up failed: Python: CError: Not found: sslProfile 'none' not found",
    );
  });
});
