/**
 * The AMQP side of the simulated router: accepts connections (with or without SASL ANONYMOUS),
 * takes requests sent to `$management` (a link attached to it, or an anonymous link with
 * `to: '$management'` or the router's topological management address), gives every dynamic
 * receiver an address like `amqp:/_topo/0/<routerId>/temp.<random>` and routes replies to the
 * link that owns the reply-to address. Unknown reply addresses are dropped, as the router
 * would find no consumer for them.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Server, Socket } from 'node:net';
import rhea, { type Connection, type Container, type EventContext, type Message, type Sender } from 'rhea';
import type { ManagementReply, ManagementRequest } from './request.js';

export interface IncomingRequest extends ManagementRequest {
  readonly replyTo: string | undefined;
  readonly correlationId: unknown;
}

export interface ServerHooks {
  /** The router id that shapes addresses and the container id (read on every use: it changes at a crash). */
  readonly routerId: () => string;
  readonly onRequest: (request: IncomingRequest) => void;
  readonly onConnectionOpen: (connection: Connection, host: string, close: () => void) => void;
  readonly onConnectionClose: (connection: Connection) => void;
  /** A link was attached (the core gives every link an identity). */
  readonly onLinkOpen: () => void;
}

function isManagementAddress(address: unknown, routerId: string): boolean {
  if (typeof address !== 'string') return false;
  const bare = address.replace(/^amqp:\/(?!\/)/, '').replace(/^\//, '');
  return bare === '$management' || bare === `_topo/0/${routerId}/$management` || bare === `_edge/${routerId}/$management` || bare === '_local/$management';
}

export class AmqpServer {
  private readonly container: Container;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly replyLinks = new Map<string, Sender>();
  private readonly links = new Map<Connection, number>();
  private boundPort = 0;

  constructor(
    private readonly host: string,
    private readonly hooks: ServerHooks,
  ) {
    this.container = rhea.create_container({ id: hooks.routerId() });
    this.container.on('connection_open', (ctx: EventContext) => this.connectionOpened(ctx.connection));
    this.container.on('connection_close', (ctx: EventContext) => this.connectionGone(ctx.connection));
    this.container.on('disconnected', (ctx: EventContext) => this.connectionGone(ctx.connection));
    this.container.on('sender_open', (ctx: EventContext) => this.senderOpened(ctx));
    this.container.on('receiver_open', (ctx: EventContext) => this.linkOpened(ctx.connection));
    this.container.on('sender_close', (ctx: EventContext) => this.senderGone(ctx));
    this.container.on('receiver_close', (ctx: EventContext) => this.linkClosed(ctx.connection));
    this.container.on('message', (ctx: EventContext) => this.received(ctx));
    this.container.on('error', () => undefined);
  }

  get port(): number {
    return this.boundPort;
  }

  /** The container id new connections announce (the router id, which a restart may change). */
  setContainerId(id: string): void {
    this.container.id = id;
  }

  /** Links currently attached, over every connection. */
  linkCount(): number {
    let n = 0;
    for (const count of this.links.values()) n += count;
    return n;
  }

  /** Starts (or restarts, on the same port after a crash) listening. Resolves with the port. */
  async listen(port: number): Promise<number> {
    // noDelay: skrouterd (proton) sets TCP_NODELAY; without it an unpipelined reply waits ~40 ms for a delayed ACK.
    const server = this.container.listen({ host: this.host, port, noDelay: true });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    return this.boundPort;
  }

  /** Stops accepting connections (existing ones are not touched). */
  async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops every connection at the socket level, like a network cut or a killed process. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.replyLinks.clear();
    this.links.clear();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await this.stopListening();
  }

  /** Sends a reply to the link that owns `replyTo`; false when there is none. */
  send(replyTo: string, correlationId: unknown, reply: ManagementReply): boolean {
    const link = this.replyLinks.get(replyTo);
    if (!link || !link.is_open()) return false;
    const message: Message = {
      to: replyTo,
      application_properties: { statusCode: reply.statusCode, statusDescription: reply.statusDescription },
      body: reply.body,
    };
    if (correlationId !== undefined) message.correlation_id = correlationId as NonNullable<Message['correlation_id']>;
    link.send(message);
    return true;
  }

  private connectionOpened(connection: Connection): void {
    const socket = (connection as unknown as { socket?: Socket }).socket;
    const host = socket ? `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}` : 'unknown';
    socket?.once('close', () => this.connectionGone(connection));
    this.hooks.onConnectionOpen(connection, host, () => socket?.destroy());
  }

  private connectionGone(connection: Connection): void {
    for (const [address, link] of this.replyLinks) if (link.connection === connection) this.replyLinks.delete(address);
    this.links.delete(connection);
    this.hooks.onConnectionClose(connection);
  }

  private linkOpened(connection: Connection): void {
    this.links.set(connection, (this.links.get(connection) ?? 0) + 1);
    this.hooks.onLinkOpen();
  }

  private linkClosed(connection: Connection): void {
    const n = (this.links.get(connection) ?? 0) - 1;
    if (n > 0) this.links.set(connection, n);
    else this.links.delete(connection);
  }

  private senderOpened(ctx: EventContext): void {
    const sender = ctx.sender;
    if (!sender) return;
    this.linkOpened(ctx.connection);
    let address = sender.source?.address;
    if (sender.source?.dynamic) {
      address = `amqp:/_topo/0/${this.hooks.routerId()}/temp.${randomBytes(9).toString('base64url')}`;
      sender.set_source({ address, dynamic: true });
    }
    if (address) this.replyLinks.set(address, sender);
  }

  private senderGone(ctx: EventContext): void {
    this.linkClosed(ctx.connection);
    for (const [address, link] of this.replyLinks) if (link === ctx.sender) this.replyLinks.delete(address);
  }

  private received(ctx: EventContext): void {
    const message = ctx.message;
    if (!message) return;
    // A link attached to an address routes by it; an anonymous link routes by each message's `to`.
    const address = ctx.receiver?.target?.address ?? message.to;
    if (!isManagementAddress(address, this.hooks.routerId())) {
      ctx.delivery?.release();
      return;
    }
    this.hooks.onRequest({
      properties: (message.application_properties ?? {}) as Record<string, unknown>,
      body: message.body,
      replyTo: typeof message.reply_to === 'string' && message.reply_to !== '' ? message.reply_to : undefined,
      correlationId: message.correlation_id,
    });
  }
}
