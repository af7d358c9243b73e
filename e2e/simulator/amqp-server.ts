/**
 * The AMQP side of the simulated router: accepts connections (with or without SASL ANONYMOUS),
 * takes requests sent to `$management` (a link attached to it, or an anonymous link with
 * `to: '$management'` or the router's topological management address), gives every dynamic
 * receiver an address like `amqp:/_topo/0/<routerId>/temp.<random>` and routes replies to the
 * link that owns the reply-to address. Unknown reply addresses are dropped, as the router
 * would find no consumer for them.
 *
 * Listening with a ListenerSecurity serves the port the way a listener with an sslProfile does
 * (secure-socket.ts for TLS, sasl-server.ts for SASL); without one, plain AMQP as before.
 *
 * One server is one router: besides the management endpoint (`listen`), it may serve any number
 * of other listeners (`open`), each with its own host, port and security, all on the same
 * container, so a reply finds its link whichever listener the requester came in on.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import rhea, { type Connection, type Container, type EventContext, type Message, type Sender } from 'rhea';
import type { ListenerSecurity } from './listener-security.js';
import type { ManagementReply, ManagementRequest } from './request.js';
import { refuseSasl } from './sasl-refusal.js';
import { connectionSecurity, offeredMechanisms, plainConnectionSecurity, plainMechanisms, serverMechanisms } from './sasl-server.js';
import { secureSocket } from './secure-socket.js';
import { LinkTable, addressKey, type Link, type LinkSnapshot } from './server-links.js';
import type { ConnectionSecurity } from './state.js';

export interface IncomingRequest extends ManagementRequest {
  readonly replyTo: string | undefined;
  readonly correlationId: unknown;
  /** Counts the request as accepted on its link (the router accepts a request once its agent is done). */
  readonly settle: () => void;
}


export interface ServerHooks {
  /** The router id that shapes addresses and the container id (read on every use: it changes at a crash). */
  readonly routerId: () => string;
  readonly onRequest: (request: IncomingRequest) => void;
  /** `security` only for a secured listener, as known once the connection opens (after SASL). */
  readonly onConnectionOpen: (connection: Connection, host: string, close: () => void, security: ConnectionSecurity | undefined) => void;
  readonly onConnectionClose: (connection: Connection) => void;
  /** A link was attached: the identity the core gives it. */
  readonly onLinkOpen: () => number;
}

function isManagementAddress(address: unknown, routerId: string): boolean {
  if (typeof address !== 'string') return false;
  const bare = address.replace(/^amqp:\/(?!\/)/, '').replace(/^\//, '');
  return bare === '$management' || bare === `_topo/0/${routerId}/$management` || bare === `_edge/${routerId}/$management` || bare === '_local/$management';
}

/** Another listener the server accepts connections on. */
export interface OpenListener {
  readonly port: number;
  /** `address:port` as bound (`0.0.0.0:5672`, `:::5672`). */
  readonly address: string;
  /** Stops accepting connections; those already accepted stay, as skrouterd's listener delete leaves them. */
  close(): Promise<void>;
}

/** Stops a net server; resolves once its handle is closed (at once if it is not listening). */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/** What the server knows of an accepted connection before rhea reports it open. */
interface Accepted {
  readonly host: string;
  readonly raw: Socket;
  readonly security: () => ConnectionSecurity | undefined;
}

const noop = (): void => undefined;

export class AmqpServer {
  private readonly container: Container;
  /** rhea's own (empty) server mechanisms, restored between connections. */
  private readonly defaultMechanisms: unknown;
  private server: Server | undefined;
  /** Servers of the other listeners (`open`). */
  private readonly others = new Set<Server>();
  private readonly sockets = new Set<Socket>();
  private readonly accepted = new WeakMap<Connection, Accepted>();
  private readonly replyLinks = new Map<string, Sender>();
  private readonly links = new LinkTable();
  private boundPort = 0;

  constructor(private readonly hooks: ServerHooks) {
    this.container = rhea.create_container({ id: hooks.routerId() });
    this.container.on('connection_open', (ctx: EventContext) => this.connectionOpened(ctx.connection));
    this.container.on('connection_close', (ctx: EventContext) => this.connectionGone(ctx.connection));
    this.container.on('disconnected', (ctx: EventContext) => this.connectionGone(ctx.connection));
    this.container.on('sender_open', (ctx: EventContext) => this.senderOpened(ctx));
    this.container.on('receiver_open', (ctx: EventContext) => this.receiverOpened(ctx));
    this.container.on('sender_close', (ctx: EventContext) => this.senderGone(ctx));
    this.container.on('receiver_close', (ctx: EventContext) => this.links.closed(ctx.receiver));
    this.container.on('message', (ctx: EventContext) => this.received(ctx));
    this.container.on('error', noop);
    // A client that skips SASL on a listener that requires it: rhea ends the socket.
    this.container.on('protocol_error', noop);
    this.defaultMechanisms = this.container.sasl_server_mechanisms;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Whether the management endpoint accepts connections (between `listen` and `stopListening`). */
  get listening(): boolean {
    return this.server !== undefined;
  }

  /** The container id new connections announce (the router id, which a restart may change). */
  setContainerId(id: string): void {
    this.container.id = id;
  }

  /** The links currently attached, over every connection, in the order they were attached. */
  linkSnapshot(): LinkSnapshot[] {
    return this.links.snapshot();
  }

  /**
   * Starts (or restarts, on the same port after a crash) listening for the management endpoint on
   * `host` (undefined: every address), secured as `security` says (default: plain AMQP).
   * Resolves with the port.
   */
  async listen(host: string | undefined, port: number, security?: ListenerSecurity): Promise<number> {
    const server = await this.bind(host, port, security);
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    return this.boundPort;
  }

  /** Stops accepting connections for the management endpoint (existing ones are not touched). */
  async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
  }

  /** Accepts connections on another listener too; rejects with the bind error (EADDRINUSE, ...). */
  async open(host: string | undefined, port: number, security: ListenerSecurity | undefined): Promise<OpenListener> {
    const server = await this.bind(host, port, security);
    this.others.add(server);
    const bound = server.address() as AddressInfo;
    return {
      port: bound.port,
      address: `${bound.address}:${bound.port}`,
      close: () => {
        this.others.delete(server);
        return closeServer(server);
      },
    };
  }

  private async bind(host: string | undefined, port: number, security: ListenerSecurity | undefined): Promise<Server> {
    // noDelay: skrouterd (proton) sets TCP_NODELAY; without it an unpipelined reply waits ~40 ms for a delayed ACK.
    const server = createServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', noop);
      const local = { host: host ?? '', port: socket.localPort ?? port };
      if (!security) this.accept(socket, socket, local, undefined, undefined);
      else secureSocket(socket, security, (stream, tls) => this.accept(stream, socket, local, security, tls));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
      server.listen({ port, ...(host === undefined ? {} : { host }) });
    });
    return server;
  }

  /** Drops every connection at the socket level, like a network cut or a killed process. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.replyLinks.clear();
    this.links.clear();
  }

  /** Drops every connection and stops listening everywhere. */
  async close(): Promise<void> {
    this.dropConnections();
    const others = [...this.others];
    this.others.clear();
    await Promise.all([this.stopListening(), ...others.map(closeServer)]);
  }

  /** Sends a reply to the link that owns `replyTo`; false when there is none. */
  send(replyTo: string, correlationId: unknown, reply: ManagementReply): boolean {
    const link = this.replyLinks.get(replyTo);
    if (!link || !link.is_open()) return false;
    this.links.sent(link);
    const message: Message = {
      to: replyTo,
      application_properties: { statusCode: reply.statusCode, statusDescription: reply.statusDescription },
      body: reply.body,
    };
    if (correlationId !== undefined) message.correlation_id = correlationId as NonNullable<Message['correlation_id']>;
    link.send(message);
    return true;
  }

  /**
   * Hands a connection's stream to rhea; SASL is the listener's when it is secured. A secured
   * listener that can offer this connection no mechanism refuses its SASL (sasl-refusal.ts).
   */
  private accept(stream: Duplex, raw: Socket, local: { host: string; port: number }, security: ListenerSecurity | undefined, tls: TLSSocket | undefined): void {
    const end = () => stream.end(() => raw.destroy());
    if (security && offeredMechanisms(security, tls).length === 0) {
      refuseSasl(stream, security.requireSsl || security.authenticatePeer, () => this.hand(stream, raw, local, undefined, undefined), end);
      return;
    }
    this.hand(stream, raw, local, security, tls);
  }

  private hand(stream: Duplex, raw: Socket, local: { host: string; port: number }, security: ListenerSecurity | undefined, tls: TLSSocket | undefined): void {
    const host = `${raw.remoteAddress ?? ''}:${raw.remotePort ?? ''}`;
    let sasl: { mechanism: string; user: string } | undefined;
    const heard = (mechanism: string, user: string | undefined) => (sasl = user === undefined ? undefined : { mechanism, user });
    // rhea reads the container's mechanisms when a connection is accepted; this one's are set just before.
    this.container.sasl_server_mechanisms = security ? serverMechanisms(security, tls, heard, () => stream.end(() => raw.destroy())) : plainMechanisms(heard);
    const options = { ...local, noDelay: true, ...(security?.authenticatePeer ? { require_sasl: true } : {}) };
    const connection = this.container.create_connection(options);
    (connection as unknown as { accept(socket: Duplex): void }).accept(stream);
    this.container.sasl_server_mechanisms = this.defaultMechanisms;
    this.accepted.set(connection, { host, raw, security: () => (security ? connectionSecurity(tls, security, sasl) : plainConnectionSecurity(sasl)) });
  }

  private connectionOpened(connection: Connection): void {
    const socket = (connection as unknown as { socket?: Socket }).socket;
    const accepted = this.accepted.get(connection);
    const host = accepted?.host ?? 'unknown';
    socket?.once('close', () => this.connectionGone(connection));
    this.hooks.onConnectionOpen(connection, host, () => (accepted?.raw ?? socket)?.destroy(), accepted?.security());
  }

  private connectionGone(connection: Connection): void {
    for (const [address, link] of this.replyLinks) if (link.connection === connection) this.replyLinks.delete(address);
    this.links.connectionGone(connection);
    this.hooks.onConnectionClose(connection);
  }

  private linkOpened(link: Link, dir: 'in' | 'out', address: string | undefined): void {
    this.links.opened(link, this.hooks.onLinkOpen(), dir, addressKey(address, this.hooks.routerId()));
  }

  private receiverOpened(ctx: EventContext): void {
    if (ctx.receiver) this.linkOpened(ctx.receiver, 'in', ctx.receiver.target?.address);
  }

  private senderOpened(ctx: EventContext): void {
    const sender = ctx.sender;
    if (!sender) return;
    let address = sender.source?.address;
    if (sender.source?.dynamic) {
      address = `amqp:/_topo/0/${this.hooks.routerId()}/temp.${randomBytes(9).toString('base64url')}`;
      sender.set_source({ address, dynamic: true });
    }
    this.linkOpened(sender, 'out', address);
    if (address) this.replyLinks.set(address, sender);
  }

  private senderGone(ctx: EventContext): void {
    this.links.closed(ctx.sender);
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
      settle: this.links.received(ctx.receiver),
      properties: (message.application_properties ?? {}) as Record<string, unknown>,
      body: message.body,
      replyTo: typeof message.reply_to === 'string' && message.reply_to !== '' ? message.reply_to : undefined,
      correlationId: message.correlation_id,
    });
  }
}
