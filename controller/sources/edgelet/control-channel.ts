/**
 * The control websocket: exactly one at a time. The Edgelet keys control sockets by microservice
 * only, and a second socket for the same identity can unregister the first one's successor; so a
 * socket is always fully closed before the next dial.
 *
 * Frames are one byte: `0x0C` config changed (answered with `0x0B`), `0x0F` resource limits
 * changed, `0x0A` pong to a binary `0x09`. The server never pings, so the client does (WS ping
 * frames carrying `0x09`, which v2 agents answer too) and drops a socket that stops answering.
 * Dial failures back off exponentially; a successful open resets the backoff.
 */
import WebSocket, { type RawData } from 'ws';
import { Backoff } from '../../management/backoff.js';
import type { Log } from '../../log.js';
import type { ControlTarget } from './agent-api.js';
import { isHostFailure, isTlsFailure } from './endpoint.js';
import { EdgeletError, describeError } from './errors.js';

export const OPCODE = { PING: 0x09, PONG: 0x0a, ACK: 0x0b, CONTROL_SIGNAL: 0x0c, RESOURCE_SIGNAL: 0x0f } as const;

export interface ControlChannelOptions {
  /** Dial targets in order, read fresh for every dial (the token rotates). */
  readonly targets: () => Promise<ControlTarget[]>;
  /** Told which target answered. */
  readonly prefer?: (url: string) => void;
  /** First redial delay. Default 1 s. */
  readonly reconnectInitialMs?: number;
  /** Largest redial delay. Default 30 s. */
  readonly reconnectMaxMs?: number;
  /** Fraction a delay may be shortened by at random. Default 0.2. */
  readonly reconnectJitter?: number;
  /** Period of client pings. Default 20 s. */
  readonly pingIntervalMs?: number;
  /** A ping without a pong for this long means the peer is dead. Default 10 s. */
  readonly pongTimeoutMs?: number;
  /** How long a close handshake may take before the socket is destroyed. Default 2 s. */
  readonly closeTimeoutMs?: number;
  readonly random?: () => number;
  readonly log: Log;
}

export interface ControlChannelHandlers {
  /** A socket is open; `reconnect` is false for the first one. */
  readonly onOpen?: (info: { readonly reconnect: boolean; readonly url: string }) => void;
  /** `0x0C` arrived (already acknowledged). */
  readonly onSignal?: () => void;
  /** `0x0F` arrived. */
  readonly onResourceSignal?: () => void;
  /** The open socket closed (before a redial). */
  readonly onClose?: (info: { readonly reason: string }) => void;
}

export class ControlChannel {
  readonly #options: Required<Omit<ControlChannelOptions, 'prefer' | 'random'>> & { readonly prefer: ControlChannelOptions['prefer'] | undefined };
  readonly #handlers: ControlChannelHandlers;
  readonly #backoff: Backoff;
  #loop: Promise<void> | undefined;
  #closed = false;
  #socket: WebSocket | undefined;
  #wake: (() => void) | undefined;
  #opens = 0;
  #failedDials = 0;

  constructor(options: ControlChannelOptions, handlers: ControlChannelHandlers = {}) {
    this.#options = {
      targets: options.targets,
      prefer: options.prefer,
      reconnectInitialMs: options.reconnectInitialMs ?? 1_000,
      reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
      reconnectJitter: options.reconnectJitter ?? 0.2,
      pingIntervalMs: options.pingIntervalMs ?? 20_000,
      pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
      closeTimeoutMs: options.closeTimeoutMs ?? 2_000,
      log: options.log,
    };
    this.#handlers = handlers;
    this.#backoff = new Backoff(
      { initialDelayMs: this.#options.reconnectInitialMs, maxDelayMs: this.#options.reconnectMaxMs, jitter: this.#options.reconnectJitter },
      options.random,
    );
  }

  /** Whether a socket is open now. */
  get connected(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Sockets opened so far. */
  get opens(): number {
    return this.#opens;
  }

  /** Dials that failed so far. */
  get failedDials(): number {
    return this.#failedDials;
  }

  start(): void {
    if (this.#loop || this.#closed) return;
    this.#loop = this.#run();
  }

  /** Closes the socket (if any), stops redialling, and waits until nothing is left running. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    const socket = this.#socket;
    let timer: NodeJS.Timeout | undefined;
    if (socket?.readyState === WebSocket.CONNECTING) socket.terminate();
    else if (socket?.readyState === WebSocket.OPEN) {
      socket.close(1000, 'closing');
      // A dead peer never answers the close handshake.
      timer = setTimeout(() => socket.terminate(), this.#options.closeTimeoutMs);
    }
    await this.#loop;
    clearTimeout(timer);
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      try {
        const { socket, url } = await this.#dial();
        this.#backoff.reset();
        const reason = await this.#serve(socket, url);
        if (!this.#closed) {
          this.#options.log.warn('edgelet control socket closed', { url, reason });
          this.#handlers.onClose?.({ reason });
        }
      } catch (error) {
        this.#failedDials += 1;
        if (!this.#closed) this.#options.log.warn('edgelet control socket: dial failed', { error: describeError(error) });
      }
      if (this.#closed) break;
      await this.#sleep(this.#backoff.next());
    }
  }

  /** Tries each target in turn; only an unreachable host moves on to the next one. */
  async #dial(): Promise<{ socket: WebSocket; url: string }> {
    const targets = await this.#options.targets();
    const failures: string[] = [];
    for (const target of targets) {
      if (this.#closed) break;
      const result = await this.#open(target);
      if (result.socket) {
        this.#options.prefer?.(target.url);
        return { socket: result.socket, url: target.url };
      }
      if (!result.tryNext) throw result.error;
      failures.push(`${target.url}: ${describeError(result.error)}`);
    }
    throw new EdgeletError(`edgelet control socket: no host answered (${failures.join('; ') || 'closing'})`, { kind: 'unreachable' });
  }

  /** One dial. Resolves only once a failed socket has fully closed, so two never coexist. */
  #open(target: ControlTarget): Promise<{ socket?: WebSocket; error?: unknown; tryNext: boolean }> {
    return new Promise((resolve) => {
      const socket = new WebSocket(target.url, { ...target.options, autoPong: true });
      this.#socket = socket;
      let failure: { error: unknown; tryNext: boolean } | undefined;
      let opened = false;
      const fail = (error: unknown, tryNext: boolean) => {
        failure ??= { error, tryNext };
      };
      socket.once('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        const kind = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not-found' : 'http';
        let body = '';
        // The refusal is plain text; read a little of it, but never wait long for it.
        const finish = () => {
          clearTimeout(guard);
          fail(new EdgeletError(`edgelet control socket: ${status}: ${body.trim() || 'upgrade refused'} (${target.url})`, { kind, status, url: target.url }), false);
          socket.terminate();
        };
        const guard = setTimeout(finish, 1_000);
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (body.length < 300) body += chunk;
        });
        response.once('end', finish);
        response.once('error', finish);
      });
      socket.once('error', (error) => {
        if (isTlsFailure(error)) fail(new EdgeletError(`edgelet control socket: TLS with ${target.url} failed: ${describeError(error)}`, { kind: 'tls', url: target.url }, { cause: error }), false);
        else fail(error, isHostFailure(error) || error.message.includes('before the connection was established'));
      });
      socket.once('open', () => {
        opened = true;
        socket.removeAllListeners('error');
        socket.on('error', () => undefined);
        resolve({ socket, tryNext: false });
      });
      socket.once('close', () => {
        if (this.#socket === socket) this.#socket = undefined;
        if (!opened) resolve({ error: failure?.error ?? new Error('closed while connecting'), tryNext: failure?.tryNext ?? true });
      });
      if (this.#closed) socket.terminate();
    });
  }

  /** Handles frames and pings until the socket closes; resolves with why it closed. */
  #serve(socket: WebSocket, url: string): Promise<string> {
    this.#opens += 1;
    this.#options.log.info('edgelet control socket open', { url });
    this.#handlers.onOpen?.({ reconnect: this.#opens > 1, url });
    return new Promise((resolve) => {
      let reason = 'closed by the server';
      let pongTimer: NodeJS.Timeout | undefined;
      const alive = () => {
        clearTimeout(pongTimer);
        pongTimer = undefined;
      };
      const ping = setInterval(() => {
        if (socket.readyState !== WebSocket.OPEN || pongTimer) return;
        socket.ping(Buffer.from([OPCODE.PING]));
        pongTimer = setTimeout(() => {
          reason = `no pong within ${this.#options.pongTimeoutMs} ms (dead peer)`;
          socket.terminate();
        }, this.#options.pongTimeoutMs);
      }, this.#options.pingIntervalMs);
      socket.on('pong', alive);
      socket.on('message', (data: RawData, isBinary: boolean) => {
        if (!isBinary) return;
        const opcode = toBuffer(data)[0];
        if (opcode === OPCODE.CONTROL_SIGNAL) {
          socket.send(Buffer.from([OPCODE.ACK]));
          this.#handlers.onSignal?.();
        } else if (opcode === OPCODE.RESOURCE_SIGNAL) {
          this.#handlers.onResourceSignal?.();
        } else if (opcode === OPCODE.PONG) {
          alive();
        }
      });
      socket.on('close', (code: number) => {
        clearInterval(ping);
        clearTimeout(pongTimer);
        if (this.#socket === socket) this.#socket = undefined;
        resolve(this.#closed ? 'closing' : reason === 'closed by the server' ? `${reason} (code ${code})` : reason);
      });
      if (this.#closed) socket.close(1000, 'closing');
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
