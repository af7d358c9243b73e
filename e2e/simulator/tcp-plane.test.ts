/** The opt-in TCP data plane: tcpListeners bind, connections reach tcpConnectors, deletes reset. */
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index.js';
import { freePort } from '../../controller/net/free-port.js';
import { fill, listenerBinds } from '../reference/fixtures.js';
import { TestClient, must } from './test-support/client.js';
import { EchoServer as Echo } from './test-support/echo-server.js';
import { T } from './test-support/router.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A client connection that records everything that happens to it. */
class Peer {
  readonly chunks: Buffer[] = [];
  received = 0;
  ended = false;
  closed = false;
  error: NodeJS.ErrnoException | undefined;
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.received += chunk.length;
    });
    socket.on('end', () => (this.ended = true));
    socket.on('error', (e: NodeJS.ErrnoException) => (this.error = e));
    socket.on('close', () => (this.closed = true));
  }

  static open(port: number): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Peer(socket));
      });
    });
  }

  /** Connects, retrying while the listener is still binding. */
  static async dial(port: number): Promise<Peer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await Peer.open(port);
      } catch (e) {
        if (attempt > 200) throw e;
        await sleep(10);
      }
    }
  }

  data(): Buffer {
    return Buffer.concat(this.chunks);
  }

  async echo(bytes: Buffer): Promise<void> {
    const target = this.received + bytes.length;
    this.socket.write(bytes);
    await until('the echo', () => this.received >= target);
  }
}

let simulator: Simulator | undefined;
let client: TestClient | undefined;
const echoes: Echo[] = [];
const peers: Peer[] = [];
const servers: Server[] = [];

afterEach(async () => {
  const open = peers.splice(0);
  for (const p of open) p.socket.destroy();
  await until('the test clients closed', () => open.every((p) => p.closed));
  await client?.close();
  client = undefined;
  await simulator?.close();
  simulator = undefined;
  for (const e of echoes.splice(0)) await e.close();
  for (const s of servers.splice(0)) await closeServer(s);
  // The AMQP sockets of the management client finish closing a moment later.
  await until('every TCP handle of the test gone', () => tcpResources() === 0, 2000);
});

interface Rig {
  sim: Simulator;
  /** A management client (unless `management: false`). */
  mgmt: TestClient;
  echo: Echo;
  /** Port of the boot file's tcpListener `echo-in` (address `echo`). */
  port: number;
  dial: (port?: number) => Promise<Peer>;
}

async function rig(options: { log?: (line: string) => void; management?: false } = {}): Promise<Rig> {
  const echo = await Echo.start();
  echoes.push(echo);
  const port = await freePort();
  const boot = JSON.stringify([
    ['router', { id: 'r1', mode: 'interior' }],
    ['tcpListener', { name: 'echo-in', host: '127.0.0.1', port: String(port), address: 'echo' }],
    ['tcpConnector', { name: 'echo-out', host: '127.0.0.1', port: String(echo.port), address: 'echo' }],
  ]);
  simulator = await startSimulator({ boot: { text: boot }, latency: false, tcpDataPlane: true, ...(options.log ? { log: options.log } : {}) });
  if (options.management !== false) client = await TestClient.connect(simulator.port);
  const dial = async (p = port): Promise<Peer> => {
    const peer = await Peer.dial(p);
    peers.push(peer);
    return peer;
  };
  return { sim: simulator, mgmt: client as TestClient, echo, port, dial };
}

const tcpResources = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;

describe('TCP data plane', () => {
  it('is off by default: a tcpListener binds nothing', async () => {
    const port = await freePort();
    simulator = await startSimulator({
      boot: { text: JSON.stringify([['tcpListener', { name: 'l', host: '127.0.0.1', port: String(port), address: 'a' }]]) },
      latency: false,
    });
    await expect(Peer.open(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('carries bytes both ways through a boot-file tcpListener, half-close included', async () => {
    const { dial, echo } = await rig();
    const peer = await dial();
    const payload = randomBytes(1 << 20);
    await peer.echo(payload);
    expect(peer.data().equals(payload)).toBe(true);
    expect(echo.accepted).toBe(1);
    peer.socket.end();
    await until('the close', () => peer.closed);
    expect(peer.ended).toBe(true);
    expect(peer.error).toBeUndefined();
  });

  it('binds tcpListeners created over management and spreads connections round-robin over connectors', async () => {
    const { mgmt, echo } = await rig();
    const second = await Echo.start();
    echoes.push(second);
    const port = await freePort();
    expect((await must(mgmt, { operation: 'CREATE', type: T('tcpConnector'), name: 'echo-out-2' }, { host: '127.0.0.1', port: String(second.port), address: 'echo' })).statusCode).toBe(201);
    expect((await must(mgmt, { operation: 'CREATE', type: T('tcpListener'), name: 'echo-in-2' }, { host: '127.0.0.1', port: String(port), address: 'echo' })).statusCode).toBe(201);
    for (let i = 0; i < 4; i++) {
      const peer = await Peer.dial(port);
      peers.push(peer);
      await peer.echo(Buffer.from(`hello ${i}`));
    }
    expect([echo.accepted, second.accepted]).toEqual([2, 2]);
  });

  it('DELETE of the tcpListener closes its port and resets the connections it accepted', async () => {
    const { mgmt, dial, port, echo } = await rig();
    const peer = await dial();
    await peer.echo(Buffer.from('before'));
    expect((await must(mgmt, { operation: 'DELETE', type: T('tcpListener'), name: 'echo-in' })).statusCode).toBe(204);
    await until('the client reset', () => peer.closed);
    expect(peer.error?.code).toBe('ECONNRESET');
    await until('the forwarded side closed', () => echo.sockets.size === 0);
    await expect(Peer.open(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('DELETE of the tcpConnector resets the forwarded connection; new clients are closed at once', async () => {
    const { mgmt, dial, echo } = await rig();
    const peer = await dial();
    await peer.echo(Buffer.from('before'));
    const [forwarded] = [...echo.sockets];
    let forwardedError: string | undefined;
    forwarded?.on('error', (e: NodeJS.ErrnoException) => (forwardedError = e.code));
    expect((await must(mgmt, { operation: 'DELETE', type: T('tcpConnector'), name: 'echo-out' })).statusCode).toBe(204);
    await until('the forwarded side reset', () => echo.sockets.size === 0);
    expect(forwardedError).toBe('ECONNRESET');
    await until('the client closed', () => peer.closed);
    expect(peer.error?.code).toBe('ECONNRESET');
    // No consumer for the address: the listener still accepts, and closes the connection.
    const late = await dial();
    await until('the late client ended', () => late.ended);
    expect(late.received).toBe(0);
    expect(echo.accepted).toBe(1);
  });

  it('leaves a stream alone while unrelated entities are created, deleted, re-created and updated', async () => {
    const { mgmt, dial } = await rig();
    const other = await Echo.start();
    echoes.push(other);
    const peer = await dial();
    const sent: Buffer[] = [];
    let sending = true;
    const writer = (async () => {
      for (let i = 0; sending; i++) {
        const chunk = Buffer.from(`${String(i).padStart(8, '0')}:${'x'.repeat(1000)}\n`);
        sent.push(chunk);
        peer.socket.write(chunk);
        await sleep(1);
      }
    })();
    const otherPort = await freePort();
    const op = (operation: string, type: string, name: string, body: unknown = {}) => must(mgmt, { operation, type: T(type), name }, body);
    for (let round = 0; round < 5; round++) {
      expect((await op('CREATE', 'tcpListener', 'other-in', { host: '127.0.0.1', port: String(otherPort), address: 'other' })).statusCode).toBe(201);
      expect((await op('CREATE', 'tcpConnector', 'other-out', { host: '127.0.0.1', port: String(other.port), address: 'other' })).statusCode).toBe(201);
      expect((await op('UPDATE', 'tcpListener', 'echo-in', { observer: round % 2 === 0 ? 'none' : 'auto' })).statusCode).toBe(200);
      const side = await Peer.dial(otherPort);
      peers.push(side);
      await side.echo(Buffer.from(`side ${round}`));
      expect((await op('DELETE', 'tcpListener', 'other-in')).statusCode).toBe(204);
      expect((await op('DELETE', 'tcpConnector', 'other-out')).statusCode).toBe(204);
      await until('the side stream reset', () => side.closed);
      await sleep(10);
    }
    sending = false;
    await writer;
    const expected = Buffer.concat(sent);
    await until('every byte back', () => peer.received >= expected.length);
    expect(peer.data().equals(expected)).toBe(true);
    expect(peer.closed).toBe(false);
    expect(peer.ended).toBe(false);
    expect(peer.error).toBeUndefined();
  });

  it('a bind failure leaves the tcpListener in place, down, with the error logged and in connectionMsg', async () => {
    const lines: string[] = [];
    const { mgmt } = await rig({ log: (line) => lines.push(line) });
    const taken = createServer();
    servers.push(taken);
    const port = await listen(taken);
    expect((await must(mgmt, { operation: 'CREATE', type: T('tcpListener'), name: 'busy' }, { host: '127.0.0.1', port: String(port), address: 'echo' })).statusCode).toBe(201);
    await until('the bind failure', () => lines.length > 0);
    // As 3.5.1 reports it (read in its sources: e2e/reference/skrouterd-3.5.1-listener-binds.json).
    const binds = listenerBinds();
    const description = fill(binds.description, { reason: 'Address already in use', host: '127.0.0.1', port });
    expect(lines[0]).toBe(fill(binds.tcp.error, { name: 'busy', hostPort: `127.0.0.1:${port}`, description }));
    const read = await must(mgmt, { operation: 'READ', type: T('tcpListener'), name: 'busy' });
    expect(read.body).toMatchObject({ operStatus: 'down', connectionMsg: fill(binds.tcp.connectionMsg, { description }) });
    expect((await must(mgmt, { operation: 'READ', type: T('tcpListener'), name: 'echo-in' })).body).toMatchObject({ operStatus: 'up', connectionMsg: '' });
    expect((await must(mgmt, { operation: 'DELETE', type: T('tcpListener'), name: 'busy' })).statusCode).toBe(204);
  });

  it('a crash resets every connection and the boot file binds again', async () => {
    const { sim, dial, echo } = await rig();
    const peer = await dial();
    await peer.echo(Buffer.from('before'));
    await sim.faults.crash();
    await until('the client reset', () => peer.closed);
    await until('the forwarded side closed', () => echo.sockets.size === 0);
    const again = await dial();
    await again.echo(Buffer.from('after'));
    expect(again.data().toString()).toBe('after');
  });

  it('close() leaves no server or socket handle behind', async () => {
    const before = tcpResources();
    expect(before).toBe(0); // afterEach waited for the previous test's handles
    const { sim, dial, echo } = await rig({ management: false });
    const open = [await dial(), await dial()];
    for (const p of open) await p.echo(Buffer.from('x'));
    await sim.close();
    simulator = undefined;
    // Right away, the only TCP handles left are the test's own: its clients, the echo server and its sockets.
    const ours = open.filter((p) => !p.closed).length + 1 + echo.sockets.size;
    expect(tcpResources()).toBe(ours);
    for (const p of open) await until('the client closed', () => p.closed);
    await until('the echo side closed', () => echo.sockets.size === 0);
    await echo.close();
    echoes.length = 0;
    await until('the echo server released', () => tcpResources() === 0);
  });
});
