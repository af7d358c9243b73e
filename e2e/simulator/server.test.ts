/** The simulator over AMQP: links and addressing, replies, statistics, snapshot. */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index.js';
import { TestClient, must } from './test-support/client.js';
import { INTERIOR_BOOT, T } from './test-support/router.js';

let simulator: Simulator | undefined;
const clients: TestClient[] = [];

async function start(latency: false | { scale: number } = false): Promise<{ sim: Simulator; client: TestClient }> {
  simulator = await startSimulator({ boot: { text: INTERIOR_BOOT }, latency });
  const client = await TestClient.connect(simulator.port);
  clients.push(client);
  return { sim: simulator, client };
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await simulator?.close();
  simulator = undefined;
});

describe('links, addressing and replies', () => {
  it('gives dynamic receivers a topological temp address and echoes correlation ids of any type', async () => {
    const { sim, client } = await start();
    expect(sim.url).toBe(`amqp://127.0.0.1:${sim.port}`);
    expect(client.replyAddress).toMatch(/^amqp:\/_topo\/0\/r1\/temp\.[\w-]+$/);
    const reply = await must(client, { operation: 'QUERY', entityType: T('listener') }, { attributeNames: ['name'] });
    expect(reply).toMatchObject({ statusCode: 200, statusDescription: 'OK', body: { attributeNames: ['name'], results: [['mgmt']] } });
    expect(await client.request({ operation: 'GET-ANNOTATIONS' }, {}, { correlationId: 12345 })).toMatchObject({ correlationId: 12345 });
  });

  it('accepts an anonymous sender addressing $management (also by its topological name)', async () => {
    simulator = await startSimulator({ boot: { text: INTERIOR_BOOT }, latency: false });
    const client = await TestClient.connect(simulator.port, { anonymousSender: true });
    clients.push(client);
    expect((await client.request({ operation: 'GET-ANNOTATIONS' }, {}, { to: '$management' })) !== 'no-reply').toBe(true);
    expect((await client.request({ operation: 'GET-ANNOTATIONS' }, {}, { to: 'amqp:/_topo/0/r1/$management' })) !== 'no-reply').toBe(true);
    expect(await client.request({ operation: 'GET-ANNOTATIONS' }, {}, { to: 'elsewhere', timeoutMs: 300 })).toBe('no-reply');
  });

  it('works over SASL ANONYMOUS too', async () => {
    simulator = await startSimulator({ boot: { text: INTERIOR_BOOT }, latency: false });
    const client = await TestClient.connect(simulator.port, { sasl: true });
    clients.push(client);
    expect((await must(client, { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
  });

  it('ignores a Python request without reply-to entirely, while the C agent still does the work', async () => {
    const { sim, client } = await start();
    client.sendRaw({ application_properties: { operation: 'CREATE', type: T('sslProfile'), name: 'silent' }, body: {} });
    client.sendRaw({ application_properties: { operation: 'CREATE', type: T('router.config.address'), name: 'a' }, body: { prefix: 'p' } });
    await must(client, { operation: 'GET-ANNOTATIONS' }); // both sent before this one, on the same link
    const snapshot = sim.snapshot();
    expect(snapshot[T('sslProfile')]).toEqual([]);
    expect(snapshot[T('router.config.address')]).toMatchObject([{ name: 'a', prefix: 'p' }]);
    expect(sim.stats.requests).toMatchObject({ CREATE: 2, 'GET-ANNOTATIONS': 1 });
  });

  it('never answers what 3.5.1 never answers, and keeps answering the rest', async () => {
    const { client } = await start();
    expect(await client.request({ operation: 'READ', type: T('router.link'), identity: '1' }, {}, { timeoutMs: 300 })).toBe('no-reply');
    expect((await must(client, { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
  });

  it('lists its own AMQP connections as connection entities', async () => {
    const { client } = await start();
    const q = await must(client, { operation: 'QUERY', entityType: T('connection') }, { attributeNames: ['role', 'dir', 'protocol'] });
    expect(q.body).toEqual({ attributeNames: ['role', 'dir', 'protocol'], results: [['normal', 'in', 'amqp']] });
  });
});

describe('statistics, snapshot and the latency queue', () => {
  it('counts requests by operation and resets', async () => {
    const { sim, client } = await start();
    await must(client, { operation: 'CREATE', type: T('sslProfile'), name: 'p' }, {});
    await must(client, { operation: 'QUERY', entityType: T('sslProfile') }, {});
    await must(client, { operation: 'query', entityType: T('sslProfile') }, {});
    expect(sim.stats.requests).toEqual({ CREATE: 1, QUERY: 2 });
    sim.stats.reset();
    expect(sim.stats.requests).toEqual({});
    expect(sim.snapshot()[T('sslProfile')]).toMatchObject([{ name: 'p', identity: 'sslProfile/p', type: T('sslProfile') }]);
    expect(Object.keys(sim.snapshot())).toHaveLength(15);
  });

  it('with latency on, handles pipelined requests one at a time and in order', async () => {
    const { client } = await start({ scale: 0.2 });
    const replies = await Promise.all([
      client.request({ operation: 'CREATE', type: T('sslProfile'), name: 'a' }, {}),
      client.request({ operation: 'CREATE', type: T('sslProfile'), name: 'b' }, {}),
      client.request({ operation: 'QUERY', entityType: T('sslProfile') }, { attributeNames: ['name'] }),
    ]);
    expect(replies.map((r) => (r === 'no-reply' ? 0 : r.statusCode))).toEqual([201, 201, 200]);
    expect(replies[2]).toMatchObject({ body: { results: [['a'], ['b']] } });
  });
});
