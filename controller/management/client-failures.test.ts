import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ManagementUnavailableError } from '../../reconcilers/management.js';
import { ManagementClient } from './client.js';
import { echo, type PeerRequest } from './test-support/peer.js';
import { nextEvent, outcome, useHarness } from './test-support/harness.js';

const LISTENER = 'io.skupper.router.listener';
const METRICS = 'io.skupper.router.routerMetrics';

describe('timeouts', () => {
  const h = useHarness();

  it('rejects a request that is never answered, frees its slot, and ignores its late reply', async () => {
    h.peer.handler = (r) => (r.applicationProperties.name === 'silent' ? 'hold' : echo(r));
    const debug: string[] = [];
    const logger = { debug: (m: string) => void debug.push(m), info: () => undefined, warn: () => undefined, error: () => undefined };
    const client = h.client({ maxInFlight: 1, logger });
    const silent = client.request('READ', { type: LISTENER, name: 'silent' }, {}, { timeoutMs: 100 });
    const next = client.read(LISTENER, 'next');
    await expect(silent).rejects.toEqual(new ManagementUnavailableError('READ', 'timeout'));
    // With a window of one, `next` could only be sent once the silent request gave its slot back.
    await expect(next).resolves.toMatchObject({ name: 'next' });
    expect(h.peer.requests.map((r) => r.applicationProperties.name)).toEqual(['silent', 'next']);

    const late = h.peer.held[0] as PeerRequest;
    expect(h.peer.reply(late, echo(late))).toBe(true);
    // Replies travel in order on the link, so the late one is handled before this one resolves.
    await expect(client.read(LISTENER, 'after')).resolves.toMatchObject({ name: 'after' });
    expect(debug).toContain('reply for no waiting request (late or unknown)');
    expect(client.state).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('lets a request made while disconnected wait for the connection, up to its own timeout', async () => {
    const client = h.client();
    await client.read(LISTENER, 'first');
    const disconnected = nextEvent(client, 'disconnected');
    await h.peer.stop();
    await disconnected;
    const waiting = client.read(LISTENER, 'waiting');
    const expiring = client.request('READ', { type: LISTENER, name: 'expiring' }, {}, { timeoutMs: 50 });
    await expect(expiring).rejects.toMatchObject({ reason: 'timeout', operation: 'READ' });
    await h.peer.start();
    await expect(waiting).resolves.toMatchObject({ name: 'waiting' });
    expect(h.peer.requests.map((r) => r.applicationProperties.name)).toEqual(['first', 'waiting']);
  });
});

describe('connection loss', () => {
  const h = useHarness();

  it('fails requests in flight as retryable, reconnects with a new reply address, and sends again', async () => {
    h.peer.handler = () => 'hold';
    const client = h.client({ maxInFlight: 5 });
    const inFlight = [1, 2, 3, 4, 5].map((i) => outcome(client.read(LISTENER, `e-${i}`)));
    const queued = [6, 7].map((i) => client.read(LISTENER, `e-${i}`));
    await h.peer.until(() => h.peer.held.length === 5);
    const firstAddress = client.state.replyAddress;
    expect(firstAddress).toBe(h.peer.replyAddresses[0]);

    const disconnected = nextEvent(client, 'disconnected');
    const connected = nextEvent(client, 'connected');
    const restarted = nextEvent(client, 'routerRestarted');
    h.peer.handler = echo;
    h.peer.dropConnections();

    for (const result of await Promise.all(inFlight)) {
      expect(result).toEqual({ error: new ManagementUnavailableError('READ', 'disconnected') });
    }
    expect((await disconnected).reason).toMatch(/connection lost/);
    const again = await connected;
    expect(again.reconnected).toBe(true);
    expect(again.replyAddress).not.toBe(firstAddress);
    await expect(restarted).resolves.toEqual({ reason: 'reconnected' });

    // Requests still queued at the drop were never sent; they go out on the new connection.
    expect((await Promise.all(queued)).map((r) => r.name)).toEqual(['e-6', 'e-7']);
    await expect(client.read(LISTENER, 'after')).resolves.toMatchObject({ name: 'after' });
    const sentAfter = h.peer.requests.slice(5);
    expect(sentAfter.map((r) => r.replyTo)).toEqual(Array(3).fill(again.replyAddress));
  });

  it('treats a close frame from the router as a loss and reconnects', async () => {
    const client = h.client();
    await client.read(LISTENER, 'before');
    const disconnected = nextEvent(client, 'disconnected');
    const connected = nextEvent(client, 'connected');
    h.peer.closeConnections({ condition: 'amqp:connection:forced', description: 'router shutting down' });
    expect((await disconnected).reason).toMatch(/closed by the router.*router shutting down/);
    await connected;
    await expect(client.read(LISTENER, 'after')).resolves.toMatchObject({ name: 'after' });
  });

  it('treats a detached reply link as a loss and reconnects', async () => {
    const client = h.client();
    await client.read(LISTENER, 'before');
    const disconnected = nextEvent(client, 'disconnected');
    const connected = nextEvent(client, 'connected');
    h.peer.detachReplyLinks();
    expect((await disconnected).reason).toMatch(/reply link closed by the router/);
    expect((await connected).replyAddress).toBe(h.peer.replyAddresses[1]);
    await expect(client.read(LISTENER, 'after')).resolves.toMatchObject({ name: 'after' });
  });

  it('reports each failed attempt while the router is down, then connects when it is back', async () => {
    const client = h.client();
    await client.read(LISTENER, 'before');
    const reasons: string[] = [];
    client.on('disconnected', (e) => reasons.push(e.reason));
    await h.peer.stop();
    const secondFailure = new Promise<void>((resolve) => client.on('disconnected', () => reasons.length >= 2 && resolve()));
    await secondFailure;
    expect(reasons[1]).toMatch(/ECONNREFUSED/);
    const connected = nextEvent(client, 'connected');
    await h.peer.start();
    expect((await connected).reconnected).toBe(true);
  });
});

describe('a peer that accepts TCP but never speaks AMQP', () => {
  it('abandons the attempt after connectTimeoutMs and keeps trying', async () => {
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const client = new ManagementClient({ url: `amqp://127.0.0.1:${port}`, connectTimeoutMs: 50, reconnectInitialDelayMs: 5 });
    try {
      const pending = outcome(client.request('READ', { type: LISTENER, name: 'x' }, {}, { timeoutMs: 200 }));
      await expect(nextEvent(client, 'disconnected')).resolves.toMatchObject({ reason: 'connection attempt timed out' });
      expect(await pending).toMatchObject({ error: { reason: 'timeout' } });
    } finally {
      await client.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('checkRouter', () => {
  const h = useHarness();

  it('reads routerMetrics and reports a restart when the uptime goes down', async () => {
    let uptimeSeconds = 100;
    // as a real 3.5.1 answers: the id and uptime asked for, and no version it could give
    h.peer.handler = () => ({
      statusCode: 200,
      body: { attributeNames: ['id', 'uptimeSeconds'], results: [['r1', uptimeSeconds]] },
    });
    const client = h.client();
    const events: unknown[] = [];
    client.on('routerRestarted', (e) => events.push(e));
    await expect(client.checkRouter()).resolves.toEqual({ id: 'r1', uptimeSeconds: 100 });
    uptimeSeconds = 160;
    await client.checkRouter();
    expect(events).toEqual([]);
    uptimeSeconds = 3;
    await client.checkRouter();
    expect(events).toEqual([{ reason: 'uptimeDecreased', routerId: 'r1', previousUptimeSeconds: 160, uptimeSeconds: 3 }]);
    expect(h.peer.requests[0]?.applicationProperties).toEqual({ operation: 'QUERY', entityType: METRICS });
    expect(h.peer.requests[0]?.body).toEqual({ attributeNames: ['id', 'uptimeSeconds'] });
  });

  it('fails with a ManagementError when routerMetrics has no usable row', async () => {
    h.peer.handler = () => ({ statusCode: 200, body: { attributeNames: ['id'], results: [] } });
    await expect(h.client().checkRouter()).rejects.toMatchObject({ statusCode: 0, entityType: METRICS });
  });
});
