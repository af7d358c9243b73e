import { describe, expect, it } from 'vitest';
import { ManagementError, ManagementUnavailableError } from '../../reconcilers/management.js';
import { ManagementOptionError } from './options.js';
import { ManagementClient } from './client.js';
import { echo, startPeer, type PeerRequest } from './test-support/peer.js';
import { useHarness } from './test-support/harness.js';

const LISTENER = 'io.skupper.router.listener';

/** A seeded shuffle, so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('ManagementClient against a test peer', () => {
  const h = useHarness();

  it('pipelines 10,000 requests answered out of order, each resolved with its own reply', async () => {
    const count = 10_000;
    const batch = 25;
    let seed = 1;
    let flushing = false;
    h.peer.handler = () => {
      const last = h.peer.requests.length === count;
      if (flushing || (h.peer.held.length + 1 < batch && !last)) return 'hold';
      // A batch is complete: answer everything held so far in a shuffled order. The microtask
      // lets requests that arrived in the same frame burst join the batch.
      flushing = true;
      queueMicrotask(() => {
        flushing = false;
        for (const r of shuffled(h.peer.held, seed++)) h.peer.reply(r, echo(r));
      });
      return 'hold';
    };
    // Every timeout counts from the call, and all 10,000 calls happen at once.
    const client = h.client({ maxInFlight: 32, timeoutMs: 600_000 });
    const resolvedOrder: number[] = [];
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        client.read(LISTENER, `e-${i}`).then((attributes) => {
          resolvedOrder.push(i);
          return attributes;
        }),
      ),
    );
    results.forEach((attributes, i) => expect(attributes.name).toBe(`e-${i}`));
    expect(h.peer.requests).toHaveLength(count);
    expect(new Set(h.peer.requests.map((r) => r.correlationId)).size).toBe(count);
    expect(resolvedOrder.some((n, i) => n !== i)).toBe(true);
    expect(h.peer.maxOutstanding).toBeLessThanOrEqual(32);
  });

  it('never has more than maxInFlight requests outstanding; the rest queue', async () => {
    h.peer.handler = () => 'hold';
    const client = h.client({ maxInFlight: 8 });
    const all = Array.from({ length: 20 }, (_, i) => client.read(LISTENER, `e-${i}`));
    await h.peer.until(() => h.peer.held.length === 8);
    expect(client.state).toMatchObject({ inFlight: 8, queued: 12 });
    const first = h.peer.held[0] as PeerRequest;
    h.peer.reply(first, echo(first));
    await h.peer.until(() => h.peer.requests.length === 9);
    expect(h.peer.held).toHaveLength(8);
    h.peer.handler = echo;
    for (const r of [...h.peer.held]) h.peer.reply(r, echo(r));
    const results = await Promise.all(all);
    expect(results.map((r) => r.name)).toEqual(Array.from({ length: 20 }, (_, i) => `e-${i}`));
    expect(h.peer.maxOutstanding).toBe(8);
  });

  it('puts name and long type in the application properties of CREATE, READ, UPDATE and DELETE', async () => {
    const client = h.client();
    const created = await client.create(LISTENER, 'l1', { host: '127.0.0.1', port: '25680' });
    expect(created).toEqual({ host: '127.0.0.1', port: '25680', name: 'l1', type: LISTENER });
    await client.read(LISTENER, 'l1');
    await client.update(LISTENER, 'l1', {});
    await expect(client.delete(LISTENER, 'l1')).resolves.toBeUndefined();
    expect(h.peer.requests.map((r) => [r.applicationProperties, r.body])).toEqual([
      [{ operation: 'CREATE', type: LISTENER, name: 'l1' }, { host: '127.0.0.1', port: '25680' }],
      [{ operation: 'READ', type: LISTENER, name: 'l1' }, {}],
      [{ operation: 'UPDATE', type: LISTENER, name: 'l1' }, {}],
      [{ operation: 'DELETE', type: LISTENER, name: 'l1' }, {}],
    ]);
    for (const r of h.peer.requests) {
      expect(typeof r.correlationId).toBe('string');
      expect(r.replyTo).toBe(h.peer.replyAddresses[0]);
    }
  });

  it('sends UPDATE attributes as they are, null included (null clears)', async () => {
    const client = h.client();
    await client.update('io.skupper.router.sslProfile', 'p1', { ordinal: 2, ciphers: null });
    expect(h.peer.requests[0]?.body).toEqual({ ordinal: 2, ciphers: null });
  });

  it('QUERYs with entityType and zips rows against the attribute names of the reply', async () => {
    h.peer.handler = () => ({
      statusCode: 200,
      statusDescription: 'OK',
      body: { attributeNames: ['port', 'name'], results: [['5672', 'a'], ['amqp', 'b']] },
    });
    const client = h.client();
    const rows = await client.query(LISTENER, ['name', 'port', 'host']);
    expect(rows).toEqual([
      { port: '5672', name: 'a' },
      { port: 'amqp', name: 'b' },
    ]);
    const [request] = h.peer.requests;
    expect(request?.applicationProperties).toEqual({ operation: 'QUERY', entityType: LISTENER });
    expect(request?.body).toEqual({ attributeNames: ['name', 'port', 'host'] });
  });

  it('asks for every attribute when QUERY gets no attribute names', async () => {
    h.peer.handler = () => ({ statusCode: 200, body: { attributeNames: [], results: [] } });
    await h.client().query(LISTENER);
    expect(h.peer.requests[0]?.body).toEqual({ attributeNames: [] });
  });

  it('addresses GET-SCHEMA, GET-TYPES and GET-OPERATIONS to the management node itself', async () => {
    const bodies: Record<string, unknown> = {
      'GET-SCHEMA': { prefix: 'io.skupper.router', entityTypes: { listener: { operations: ['CREATE'] } } },
      'GET-TYPES': { [LISTENER]: ['io.skupper.router.configurationEntity'] },
      'GET-OPERATIONS': { [LISTENER]: ['CREATE', 'DELETE', 'READ'] },
    };
    h.peer.handler = (r) => ({ statusCode: 200, body: bodies[String(r.applicationProperties.operation)] });
    const client = h.client();
    await expect(client.getSchema()).resolves.toEqual(bodies['GET-SCHEMA']);
    await expect(client.getTypes()).resolves.toEqual(bodies['GET-TYPES']);
    await expect(client.getOperations()).resolves.toEqual(bodies['GET-OPERATIONS']);
    expect(h.peer.requests.map((r) => r.applicationProperties)).toEqual(
      ['GET-SCHEMA', 'GET-TYPES', 'GET-OPERATIONS'].map((operation) => ({ operation, name: 'self', identity: 'self' })),
    );
  });

  it('sends any operation through request() and checks its status like the rest', async () => {
    h.peer.handler = () => ({ statusCode: 200, statusDescription: 'OK', body: { ok: true } });
    const reply = await h.client().request('QUERY', {}, { attributeNames: ['type', 'name'] });
    expect(reply).toMatchObject({ statusCode: 200, statusDescription: 'OK', body: { ok: true } });
    expect(h.peer.requests[0]?.applicationProperties).toEqual({ operation: 'QUERY' });
  });

  it('rejects a short type name before anything is sent', async () => {
    const client = h.client();
    await expect(client.read('listener', 'l1')).rejects.toBeInstanceOf(ManagementOptionError);
    await expect(client.query('connection')).rejects.toMatchObject({ option: 'longType' });
    expect(h.peer.requests).toHaveLength(0);
  });

  describe('maps every status code of a reply', () => {
    it.each([
      [200, true],
      [201, true],
      [204, true],
      [202, false],
      [400, false],
      [401, false],
      [403, false],
      [404, false],
      [409, false],
      [500, false],
      [501, false],
      [503, false],
      [777, false],
    ])('%i → success: %s', async (statusCode, success) => {
      h.peer.handler = () => ({ statusCode, statusDescription: `status ${statusCode}`, body: { name: 'x' } });
      const result = h.client().update(LISTENER, 'x', { cost: 5 });
      if (success) {
        await expect(result).resolves.toEqual({ name: 'x' });
        return;
      }
      const error: unknown = await result.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ManagementError);
      expect(error).toMatchObject({
        statusCode,
        statusDescription: `status ${statusCode}`,
        operation: 'UPDATE',
        entityType: LISTENER,
        entityName: 'x',
      });
      expect(error).not.toBeInstanceOf(ManagementUnavailableError);
    });
  });

  it('never logs the body of an sslProfile request or reply', async () => {
    const lines: string[] = [];
    const record = (msg: string, fields?: object) => void lines.push(`${msg} ${JSON.stringify(fields)}`);
    const client = h.client({ logger: { debug: record, info: record, warn: record, error: record } });
    await client.create('io.skupper.router.sslProfile', 'p1', { password: 'pass:hunter2', certFile: '/c.crt' });
    expect(lines.some((l) => l.includes('management request'))).toBe(true);
    expect(lines.join('\n')).not.toContain('hunter2');
  });
});

describe('link credit', () => {
  it('sends no more than the router granted, and the rest once it grants more', async () => {
    const peer = await startPeer({ initialCredit: 3 });
    peer.handler = () => 'hold';
    const client = new ManagementClient({ url: peer.url, maxInFlight: 32 });
    try {
      const all = Array.from({ length: 10 }, (_, i) => client.read(LISTENER, `e-${i}`));
      await peer.until(() => peer.held.length === 3);
      expect(client.state).toMatchObject({ inFlight: 3, queued: 7 });
      for (const r of [...peer.held]) peer.reply(r, echo(r));
      await Promise.all(all.slice(0, 3));
      // The window has room again, but the link has no credit left.
      expect(client.state).toMatchObject({ inFlight: 0, queued: 7 });
      peer.handler = echo;
      peer.grantCredit(7);
      expect((await Promise.all(all)).map((r) => r.name)).toEqual(Array.from({ length: 10 }, (_, i) => `e-${i}`));
      expect(peer.requests).toHaveLength(10);
    } finally {
      await client.close();
      await peer.stop();
    }
  });
});
