/**
 * The one AMQP connection to the router's management node, kept alive across losses.
 *
 * Each attempt is a fresh rhea connection (rhea's own reconnect is off, so the backoff, its
 * jitter and every timer are ours and `close()` can account for all of them). An attempt is
 * ready once the sender to `$management` is attached and the dynamic reply receiver has been
 * given its address; the address differs on every connection, so it is re-read every time.
 * Any loss (socket error, peer close, a link detached, an attempt that never opens) tears the
 * attempt down completely and schedules the next one.
 */
import rhea, { type Connection, type ConnectionOptions, type Container, type EventContext, type Message, type Source } from 'rhea';
import { isIP, type Socket } from 'node:net';
import { Backoff } from './backoff.js';
import type { ResolvedOptions } from './options.js';

export interface ConnectionCallbacks {
  /** Both links are open; requests may be sent with `replyAddress` as reply-to. */
  onReady(replyAddress: string): void;
  /** The sender got credit. */
  onSendable(): void;
  onReply(message: Message): void;
  /** The connection is gone; the next attempt starts in `retryInMs`. */
  onLost(reason: string, retryInMs: number, error: Error | undefined): void;
}

const noop = (): void => undefined;

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object' && 'description' in error) return String(error.description);
  return String(error);
}

/**
 * Drop a connection at once: rhea's `abort_socket` destroys the socket and clears rhea's
 * heartbeat timers; without it, a destroyed socket would leave those timers running.
 */
function abort(connection: Connection): void {
  const socket = connection.socket as Socket | undefined;
  if (socket === undefined) return;
  if (typeof connection.abort_socket === 'function') connection.abort_socket(socket);
  else socket.destroy();
  // After: abort_socket removes every 'error' listener, and a TLS socket dropped mid-handshake
  // still emits one ("disconnected before secure TLS connection was established").
  socket.on('error', noop);
}

export class ManagementConnection {
  readonly #options: ResolvedOptions;
  readonly #callbacks: ConnectionCallbacks;
  readonly #container: Container;
  readonly #backoff: Backoff;
  #connection: Connection | undefined;
  #sender: ReturnType<Connection['open_sender']> | undefined;
  #replyAddress: string | undefined;
  #ready = false;
  #closed = false;
  /** Messages handed to rhea in this tick: rhea only takes their credit when it writes them. */
  #unwritten = 0;
  #attempts = 0;
  #connectTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(options: ResolvedOptions, callbacks: ConnectionCallbacks) {
    this.#options = options;
    this.#callbacks = callbacks;
    this.#backoff = new Backoff(options.reconnect);
    this.#container = rhea.create_container({ id: options.containerId });
    // Events of abandoned connections land on the container; without listeners rhea would
    // throw on 'error' and print 'disconnected' to the console.
    this.#container.on('error', (error: unknown) => options.logger.debug('stale AMQP error', { error: describe(error) }));
    this.#container.on('disconnected', noop);
    this.#container.on('protocol_error', noop);
  }

  /** The reply-to address of the current connection, when ready. */
  get replyAddress(): string | undefined {
    return this.#ready ? this.#replyAddress : undefined;
  }

  /** Ready, and the sender has link credit (and session window) for one more message. */
  canSend(): boolean {
    const sender = this.#sender;
    if (!this.#ready || sender === undefined || !sender.sendable()) return false;
    return this.#unwritten < (sender as unknown as { credit: number }).credit;
  }

  /** Send one request with this connection's reply address as reply-to. */
  send(message: Omit<Message, 'reply_to'>): void {
    if (!this.#ready || this.#sender === undefined || this.#replyAddress === undefined) {
      throw new Error('management connection is not ready');
    }
    this.#sender.send({ ...message, reply_to: this.#replyAddress });
    if (this.#unwritten++ === 0) {
      // rhea writes (and counts credit) on the next tick; after that, credit is exact again.
      const connection = this.#connection;
      process.nextTick(() => {
        this.#unwritten = 0;
        if (connection === this.#connection && this.#ready) this.#callbacks.onSendable();
      });
    }
  }

  /** Start connecting; later losses reconnect by themselves until `close()`. */
  open(): void {
    if (this.#closed || this.#connection !== undefined || this.#retryTimer !== undefined) return;
    this.#attempt();
  }

  /** Close politely, wait up to `closeTimeoutMs` for the router, then drop the socket. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const connection = this.#detach();
    if (connection === undefined) return;
    const socket = connection.socket as Socket | undefined;
    if (socket === undefined || socket.destroyed || !connection.is_remote_open()) {
      abort(connection);
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        abort(connection);
        resolve();
      }, this.#options.closeTimeoutMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      connection.close();
    });
  }

  #attempt(): void {
    this.#retryTimer = undefined;
    this.#attempts += 1;
    const { logger, host, port, address } = this.#options;
    logger.debug('connecting to router management', { host, port, attempt: this.#attempts });
    const connection = this.#container.connect(this.#connectOptions());
    this.#connection = connection;
    this.#connectTimer = setTimeout(() => this.#lose(connection, 'connection attempt timed out'), this.#options.connectTimeoutMs);

    const lost = (what: string) => (context: EventContext) =>
      this.#lose(connection, context.error === undefined ? what : `${what}: ${describe(context.error)}`, context.error);
    connection.on('disconnected', lost('connection lost'));
    connection.on('connection_close', lost('connection closed by the router'));
    connection.on('connection_error', noop); // reported by the connection_close that follows
    connection.on('error', (error: Error) => this.#lose(connection, describe(error), error));
    connection.on('protocol_error', (error: Error) => this.#lose(connection, `protocol error: ${describe(error)}`, error));

    // rhea's typings demand an address, but a dynamic source must not carry one.
    const receiver = connection.open_receiver({ source: { dynamic: true } as Source });
    const sender = connection.open_sender({ target: { address } });
    this.#sender = sender;
    const linkLost = (what: string) => (context: EventContext) => {
      const error = context.receiver?.error ?? context.sender?.error;
      this.#lose(connection, error === undefined ? what : `${what}: ${describe(error)}`);
    };
    receiver.on('receiver_open', () => {
      // A router that refuses the link attaches it without a source (and detaches it next).
      const source = receiver.source as Source | undefined;
      this.#replyAddress = typeof source?.address === 'string' ? source.address : undefined;
      this.#maybeReady(connection, receiver.is_open(), sender.is_open());
    });
    sender.on('sender_open', () => this.#maybeReady(connection, receiver.is_open(), sender.is_open()));
    receiver.on('message', (context: EventContext) => {
      if (connection === this.#connection && context.message !== undefined) this.#callbacks.onReply(context.message);
    });
    sender.on('sendable', () => {
      if (connection === this.#connection) this.#callbacks.onSendable();
    });
    receiver.on('receiver_error', noop);
    sender.on('sender_error', noop);
    receiver.on('receiver_close', linkLost('reply link closed by the router'));
    sender.on('sender_close', linkLost(`link to ${address} closed by the router`));
  }

  #connectOptions(): ConnectionOptions {
    const { host, port, tls, sasl, idleTimeoutMs } = this.#options;
    const common = {
      host,
      port,
      reconnect: false,
      // Requests are small and latency-bound; Nagle's algorithm would hold pipelined frames back.
      tcp_no_delay: true,
      id: `${this.#options.containerId}#${this.#attempts}`,
      ...(idleTimeoutMs > 0 ? { idle_time_out: idleTimeoutMs } : {}),
      // ANONYMOUS is requested explicitly: rhea skips SASL altogether without a username.
      ...(sasl === 'ANONYMOUS' ? { username: 'anonymous' } : { enable_sasl_external: true }),
    };
    if (tls === undefined) return { ...common, transport: 'tcp' };
    return {
      ...common,
      transport: 'tls',
      // An IP address may not be sent as SNI (RFC 6066; Node warns, DEP0123), and rhea would send
      // the host when servername is undefined. '' sends none; Node then checks the certificate
      // against `host`, i.e. its IP SANs.
      servername: tls.servername ?? (isIP(host) === 0 ? host : ''),
      rejectUnauthorized: tls.rejectUnauthorized ?? true,
      ...(tls.ca === undefined ? {} : { ca: Array.isArray(tls.ca) ? [...tls.ca] : tls.ca }),
      ...(tls.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls.key === undefined ? {} : { key: tls.key }),
    } as ConnectionOptions;
  }

  #maybeReady(connection: Connection, receiverOpen: boolean, senderOpen: boolean): void {
    if (connection !== this.#connection || !receiverOpen || !senderOpen) return;
    if (this.#replyAddress === undefined) {
      this.#lose(connection, 'the router gave the reply receiver no address');
      return;
    }
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#ready = true;
    this.#backoff.reset();
    this.#callbacks.onReady(this.#replyAddress);
  }

  /** Forget the current connection (listeners, timers, links) and hand it back. */
  #detach(): Connection | undefined {
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    const connection = this.#connection;
    this.#connection = undefined;
    this.#sender = undefined;
    this.#unwritten = 0;
    this.#replyAddress = undefined;
    this.#ready = false;
    connection?.removeAllListeners();
    return connection;
  }

  #lose(connection: Connection, reason: string, error?: Error): void {
    if (connection !== this.#connection || this.#closed) return;
    this.#detach();
    abort(connection);
    const retryInMs = this.#backoff.next();
    this.#retryTimer = setTimeout(() => this.#attempt(), retryInMs);
    this.#callbacks.onLost(reason, retryInMs, error);
  }
}
