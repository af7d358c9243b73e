/**
 * The data plane survives reconciles of unrelated entities: a TCP stream through a tcpListener
 * and a tcpConnector (address `echo`, to an echo server of the test) keeps flowing, unbroken and
 * in order, while the controller applies 50 edits that create, delete, update and replace other
 * tcpListeners, tcpConnectors and addresses.
 *
 * Against the simulator, SIMULATOR_TCP_DATA_PLANE=1 (passed through the controller to
 * `skrouterd-sim`) turns its TCP data plane on; a real router ignores the variable and carries
 * the stream itself, so the scenario runs unchanged against SKROUTERD_BIN or the router image.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSkrouterdConfig } from '../../schemas/config/index.js';
import type { DesiredEntity } from '../../schemas/index.js';
import { ControllerProcess, freePort, waitFor } from '../harness/controller-process.js';
import { routerTarget } from '../harness/router-target.js';
import { recordTiming } from '../harness/timings.js';
import { EchoServer } from '../simulator/test-support/echo-server.js';

const target = routerTarget();
const RECONCILES = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The byte at stream offset `n`: not periodic over a chunk, so a lost, repeated or reordered chunk shows. */
const byteAt = (n: number): number => (n ^ (n >>> 8) ^ (n >>> 16)) & 0xff;

function streamBytes(offset: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = byteAt(offset + i);
  return out;
}

/** A client stream through the router that checks every echoed byte as it arrives. */
class Stream {
  sent = 0;
  received = 0;
  /** The first echoed byte that differed from what was sent at its offset. */
  mismatchAt: number | undefined;
  readonly events: string[] = [];
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length && this.mismatchAt === undefined; i++) {
        if (chunk[i] !== byteAt(this.received + i)) this.mismatchAt = this.received + i;
      }
      this.received += chunk.length;
    });
    socket.on('end', () => this.events.push('end'));
    socket.on('error', (e: NodeJS.ErrnoException) => this.events.push(`error ${e.code ?? e.message}`));
    socket.on('close', (hadError) => this.events.push(`close${hadError ? ' (error)' : ''}`));
  }

  /**
   * Connects through the tcpListener and proves the path with a first echo; retries while the
   * listener is not up yet or the router has no consumer for the address yet.
   */
  static async open(port: number): Promise<Stream> {
    return waitFor('an echo through the tcpListener', async () => {
      const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
      try {
        await once(socket, 'connect');
      } catch {
        socket.destroy();
        return undefined;
      }
      const stream = new Stream(socket);
      await stream.send(64);
      const deadline = Date.now() + 2000;
      while (stream.received < stream.sent && stream.events.length === 0 && Date.now() < deadline) await sleep(10);
      if (stream.received === stream.sent && stream.events.length === 0) return stream;
      socket.destroy();
      return undefined;
    });
  }

  /** Writes the next `length` bytes of the stream, waiting out back-pressure. */
  async send(length: number): Promise<void> {
    const chunk = streamBytes(this.sent, length);
    this.sent += length;
    if (!this.socket.write(chunk)) await Promise.race([once(this.socket, 'drain'), once(this.socket, 'close')]);
  }

  get healthy(): boolean {
    return this.events.length === 0 && this.mismatchAt === undefined;
  }
}

function baseEntities(listenPort: number, echoPort: number): DesiredEntity[] {
  return [
    { kind: 'router', name: 'e2e-dataplane', attributes: { id: 'e2e-dataplane', mode: 'edge' } },
    { kind: 'tcpListener', name: 'echo-in', attributes: { host: '127.0.0.1', port: String(listenPort), address: 'echo' } },
    { kind: 'tcpConnector', name: 'echo-out', attributes: { host: '127.0.0.1', port: String(echoPort), address: 'echo' } },
  ];
}

/**
 * The unrelated entities of edit `i`: 0, 1 or 2 side tcpListeners (created and deleted in turn,
 * `observer` updated live), a side tcpConnector that comes and goes and changes its port (a
 * replace), and an address whose name and distribution change (delete + create). Consecutive
 * edits always differ (the number of side listeners does).
 */
function unrelated(i: number, sidePorts: readonly number[]): DesiredEntity[] {
  const out: DesiredEntity[] = [];
  for (let k = 0; k < i % 3; k++) {
    out.push({
      kind: 'tcpListener',
      name: `side-in-${k}`,
      attributes: { host: '127.0.0.1', port: String(sidePorts[k]), address: `side-${k}`, observer: i % 2 === 0 ? 'none' : 'auto' },
    });
  }
  if (i % 4 !== 3) out.push({ kind: 'tcpConnector', name: 'side-out', attributes: { host: '127.0.0.1', port: String(9000 + (i % 5)), address: 'side-0' } });
  out.push({ kind: 'address', name: `side-addr-${i % 4}`, attributes: { prefix: `side${i % 4}`, distribution: i % 2 === 0 ? 'balanced' : 'closest' } });
  return out;
}

let controller: ControllerProcess | undefined;
let echo: EchoServer | undefined;
let stream: Stream | undefined;

afterEach(async () => {
  stream?.socket.destroy();
  stream = undefined;
  await controller?.dispose();
  controller = undefined;
  await echo?.close();
  echo = undefined;
});

describe(`data plane against the ${target.kind}`, () => {
  it(`a TCP stream survives ${RECONCILES} reconciles of unrelated entities: no reset, every byte back in order`, async () => {
    echo = await EchoServer.start();
    const listenPort = await freePort();
    const sidePorts = [await freePort(), await freePort()];
    const base = baseEntities(listenPort, echo.port);
    const config = writeSkrouterdConfig({ entities: base });
    const c = await ControllerProcess.start({ target: routerTarget(), config, env: { SIMULATOR_TCP_DATA_PLANE: '1', RESYNC_SECONDS: '3600' } });
    controller = c;
    await c.waitConverged(c.revisionOf(config));

    const s = await Stream.open(listenPort);
    stream = s;
    const acceptedBefore = echo.accepted;
    let sending = true;
    const writer = (async () => {
      while (sending && s.healthy) {
        await s.send(1024);
        await sleep(2);
      }
    })();

    const started = performance.now();
    try {
      for (let i = 0; i < RECONCILES; i++) {
        const revision = await c.writeConfig(writeSkrouterdConfig({ entities: [...base, ...unrelated(i, sidePorts)] }));
        await c.waitConverged(revision);
        expect(s.events, `after reconcile ${i + 1}`).toEqual([]);
        expect(s.mismatchAt, `after reconcile ${i + 1}`).toBeUndefined();
      }
    } finally {
      sending = false;
      await writer;
    }
    const elapsed = performance.now() - started;
    recordTiming(`data plane: ${RECONCILES} unrelated reconciles under a live TCP stream`, target.kind, elapsed);

    await waitFor('every byte echoed', () => (s.received >= s.sent || !s.healthy ? true : undefined));
    expect(s.events).toEqual([]);
    expect(s.mismatchAt).toBeUndefined();
    expect(s.received).toBe(s.sent);
    expect(s.sent).toBeGreaterThan(RECONCILES * 1024);
    // The stream kept its one forwarded connection: nothing reconnected behind the client's back.
    expect(echo.accepted).toBe(acceptedBefore);
    const passes = c.passes().filter((p) => p.operations > 0);
    expect(passes.length).toBeGreaterThanOrEqual(RECONCILES);
  }, 180_000);
});
