/**
 * A small in-process AMQP peer that plays a management node for the client's tests. It
 * assigns a fresh address to every dynamic reply receiver, records every request, and lets a
 * test decide per request: reply at once (any status), hold it to reply later (out of order,
 * or late after a timeout), or never reply. It can also drop every connection, or stop
 * listening and start again on the same port.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo, Server, Socket } from 'node:net';
import rhea, { type Connection, type EventContext, type Receiver, type Sender } from 'rhea';

export interface PeerRequest {
  readonly correlationId: unknown;
  readonly replyTo: string | undefined;
  readonly applicationProperties: Record<string, unknown>;
  readonly body: unknown;
  /** The server-side connection it came in on. */
  readonly connection: Connection;
}

export interface PeerReply {
  readonly statusCode: number;
  readonly statusDescription?: string;
  readonly body?: unknown;
}

/** A reply, or `hold`: the test replies later with {@link TestPeer.reply} (or never). */
export type PeerHandler = (request: PeerRequest) => PeerReply | 'hold';

const REASONS: Record<string, [number, string]> = {
  CREATE: [201, 'Created'],
  DELETE: [204, 'No Content'],
};

/** Default behaviour: success, echoing the request body with its name and type. */
export const echo = (request: PeerRequest): PeerReply => {
  const op = String(request.applicationProperties.operation);
  const [statusCode, statusDescription] = REASONS[op] ?? [200, 'OK'];
  const { name, type } = request.applicationProperties;
  const body = op === 'DELETE' ? {} : { ...(request.body as object), name, type };
  return { statusCode, statusDescription, body };
};

export class TestPeer extends EventEmitter {
  handler: PeerHandler = echo;
  /** Every request received, in arrival order. */
  readonly requests: PeerRequest[] = [];
  /** Requests held and not yet answered. */
  readonly held: PeerRequest[] = [];
  /** Dynamic addresses assigned, in order. */
  readonly replyAddresses: string[] = [];
  /** Requests answered, in answer order. */
  readonly answered: PeerRequest[] = [];
  /** Most requests outstanding (received, unanswered) on one connection at any moment. */
  maxOutstanding = 0;
  port = 0;
  readonly #container = rhea.create_container({ id: 'test-peer' });
  /** Credit the peer grants each request link at attach; undefined = rhea's automatic window. */
  readonly #initialCredit: number | undefined;
  readonly #requestLinks = new Set<Receiver>();
  readonly #connections = new Set<Connection>();
  readonly #outstanding = new Map<Connection, number>();
  readonly #replySenders = new Map<string, Sender>();
  #server: Server | undefined;
  #nextAddress = 0;

  constructor(options: { initialCredit?: number } = {}) {
    super();
    this.#initialCredit = options.initialCredit;
    const c = this.#container;
    c.on('error', () => undefined);
    c.on('protocol_error', () => undefined);
    c.on('connection_open', (ctx: EventContext) => {
      this.#connections.add(ctx.connection);
      this.#changed();
    });
    c.on('disconnected', (ctx: EventContext) => this.#forget(ctx.connection));
    c.on('connection_close', (ctx: EventContext) => this.#forget(ctx.connection));
    c.on('sender_open', (ctx: EventContext) => {
      const sender = ctx.sender;
      if (sender?.source?.dynamic !== true) return;
      this.#nextAddress += 1;
      const address = `temp.peer.${this.#nextAddress}`;
      sender.set_source({ address });
      this.#replySenders.set(address, sender);
      this.replyAddresses.push(address);
      this.#changed();
    });
    c.on('receiver_open', (ctx: EventContext) => {
      if (ctx.receiver === undefined) return;
      this.#requestLinks.add(ctx.receiver);
      if (this.#initialCredit !== undefined) ctx.receiver.add_credit(this.#initialCredit);
    });
    c.on('message', (ctx: EventContext) => this.#receive(ctx));
  }

  get url(): string {
    return `amqp://127.0.0.1:${this.port}`;
  }

  get openConnections(): number {
    return this.#connections.size;
  }

  /** Listen (again) on `port` (0 = any free port the first time, then the same one). */
  async start(): Promise<void> {
    // rhea reads tcp_no_delay for accepted sockets too, though its typings do not list it.
    const options = {
      host: '127.0.0.1',
      port: this.port,
      tcp_no_delay: true,
      // With a fixed initial credit, the peer grants more only through grantCredit().
      ...(this.#initialCredit === undefined ? {} : { receiver_options: { credit_window: 0 } }),
    };
    const server = this.#container.listen(options);
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.port = (server.address() as AddressInfo).port;
  }

  /** Answer a request on the connection it came from; false when that connection is gone. */
  reply(request: PeerRequest, reply: PeerReply): boolean {
    const sender = request.replyTo === undefined ? undefined : this.#replySenders.get(request.replyTo);
    if (sender === undefined || !this.#connections.has(request.connection)) return false;
    const index = this.held.indexOf(request);
    if (index >= 0) this.held.splice(index, 1);
    sender.send({
      correlation_id: request.correlationId as string,
      application_properties: { statusCode: reply.statusCode, statusDescription: reply.statusDescription ?? '' },
      body: reply.body ?? {},
    });
    this.#outstanding.set(request.connection, (this.#outstanding.get(request.connection) ?? 1) - 1);
    this.answered.push(request);
    this.#changed();
    return true;
  }

  /** Destroy every open connection's socket, as a crashing router would. */
  dropConnections(): void {
    for (const connection of [...this.#connections]) {
      const socket = connection.socket as Socket | undefined;
      socket?.on('error', () => undefined);
      if (socket !== undefined && typeof connection.abort_socket === 'function') connection.abort_socket(socket);
      else socket?.destroy();
      this.#forget(connection);
    }
  }

  /** Give every open request link `n` more credit. */
  grantCredit(n: number): void {
    for (const receiver of this.#requestLinks) if (receiver.is_open()) receiver.add_credit(n);
  }

  /** Close every connection with an AMQP close frame, as a router shutting down does. */
  closeConnections(error?: { condition: string; description: string }): void {
    for (const connection of this.#connections) connection.close(error);
  }

  /** Detach every reply link (the connection stays up). */
  detachReplyLinks(): void {
    for (const sender of this.#replySenders.values()) sender.close({ condition: 'amqp:internal-error', description: 'test detach' });
  }

  /** Stop reading from every connection: the peer hangs without closing anything. */
  freeze(): void {
    for (const connection of this.#connections) (connection.socket as Socket | undefined)?.pause();
  }

  /** Stop listening and drop every connection; `start()` listens on the same port again. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    this.dropConnections();
    await closed;
  }

  /** Resolves once `predicate` holds, re-checked whenever the peer's state changes. */
  async until(predicate: () => boolean): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (!predicate()) return;
        this.off('change', check);
        resolve();
      };
      this.on('change', check);
    });
  }

  #receive(ctx: EventContext): void {
    const message = ctx.message;
    if (message === undefined) return;
    const request: PeerRequest = {
      correlationId: message.correlation_id,
      replyTo: typeof message.reply_to === 'string' ? message.reply_to : undefined,
      applicationProperties: (message.application_properties ?? {}) as Record<string, unknown>,
      body: message.body,
      connection: ctx.connection,
    };
    this.requests.push(request);
    const outstanding = (this.#outstanding.get(ctx.connection) ?? 0) + 1;
    this.#outstanding.set(ctx.connection, outstanding);
    this.maxOutstanding = Math.max(this.maxOutstanding, outstanding);
    const decision = this.handler(request);
    if (decision === 'hold') {
      this.held.push(request);
      this.#changed();
    } else {
      this.reply(request, decision);
    }
  }

  #forget(connection: Connection): void {
    if (!this.#connections.delete(connection)) return;
    this.#outstanding.delete(connection);
    for (const [address, sender] of this.#replySenders) {
      if (sender.connection === connection) this.#replySenders.delete(address);
    }
    this.#changed();
  }

  #changed(): void {
    this.emit('change');
  }
}

/** Start a peer on a free port. */
export async function startPeer(options: { initialCredit?: number } = {}): Promise<TestPeer> {
  const peer = new TestPeer(options);
  await peer.start();
  return peer;
}
