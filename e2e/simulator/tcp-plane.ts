/**
 * The opt-in TCP data plane (`tcpDataPlane: true`): skrouterd's TCP adaptor as far as a client
 * can see it, inside one simulated router.
 *
 * - every configured tcpListener (boot file or CREATE) binds a TCP server on its host:port
 *   (empty host: every address);
 * - an accepted connection goes to a tcpConnector with the listener's `address`, round-robin
 *   over the connectors in creation order; with none, the client connection is closed (the
 *   router has no consumer for the address). Bytes are piped both ways, half-closes included;
 * - DELETE of a tcpListener closes its server and resets the connections it accepted; DELETE of
 *   a tcpConnector resets the connections forwarded through it (both sides). UPDATE changes
 *   nothing on the wire (the attributes a tcpListener may update, like `observer`, do not touch
 *   sockets);
 * - a bind failure (port in use, unresolvable host, a non-numeric port) leaves the entity in
 *   place: it is logged as the adaptor logs it (`TCP_ADAPTOR (error) Listener NAME: proactor
 *   listener error on HOST:PORT: proton:io (DESCRIPTION)`), and the listener reports
 *   `operStatus: down` with the description in `connectionMsg`. Like skrouterd's, it never
 *   tries to bind again: only a DELETE and CREATE does;
 * - a crash resets everything, and `close()` resolves once no server or socket handle is left.
 *
 * Not modelled: multi-address listeners (listenerAddress) accept and close like a listener
 * without consumers; TLS (sslProfile) is ignored on both sides; the byte and connection counters
 * of tcpListener/tcpConnector do not move; the real router only listens while its address has a
 * consumer, this plane listens from configuration on.
 *
 * Entities are tracked by object, not by name, so a DELETE and CREATE of the same name is a new
 * listener, and UPDATE (which keeps the object) is not.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { bindFailure, tcpListenerErrorLine } from './listener-address.js';
import { pyStr } from './python-values.js';
import type { PyEntity } from './state.js';
import { Teardowns } from './teardowns.js';

interface BoundListener {
  readonly entity: PyEntity;
  readonly server: Server;
  /** Resolves once the bind has succeeded or failed. */
  readonly bound: Promise<void>;
  readonly flows: Set<Flow>;
  error: string | undefined;
  closed: boolean;
}

interface Flow {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly connector: PyEntity;
}

/** Resolves when the socket's handle is gone. */
function whenClosed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Closes a socket abruptly: RST when it is connected, a plain destroy otherwise. */
function reset(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.connecting || socket.readyState === 'closed') socket.destroy();
  else socket.resetAndDestroy();
}

export class TcpDataPlane {
  private readonly listeners = new Map<PyEntity, BoundListener>();
  /** Connectors in creation order (round-robin order). */
  private readonly connectors = new Set<PyEntity>();
  private readonly flows = new Set<Flow>();
  private readonly rounds = new Map<string, number>();
  /** Servers and sockets still closing. */
  private readonly teardowns = new Teardowns();
  private closed = false;

  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** A tcpListener or tcpConnector was configured (the C side accepted it). */
  configured(entity: PyEntity): void {
    if (this.closed) return;
    if (entity.type.shortName === 'tcpListener') this.bind(entity);
    else if (entity.type.shortName === 'tcpConnector') this.connectors.add(entity);
  }

  /** The entity is being deleted: its server and its connections go. */
  unconfigured(entity: PyEntity): void {
    const listener = this.listeners.get(entity);
    if (listener) {
      this.listeners.delete(entity);
      this.unbind(listener);
    }
    if (this.connectors.delete(entity)) {
      for (const flow of this.flows) if (flow.connector === entity) this.resetFlow(flow);
    }
  }

  /** The bind failure of a tcpListener, if its bind failed. */
  bindError(entity: PyEntity): string | undefined {
    return this.listeners.get(entity)?.error;
  }

  /** Router crash: every server and connection goes at once; `settled()` waits for the handles. */
  reset(): void {
    for (const listener of this.listeners.values()) this.unbind(listener);
    this.listeners.clear();
    this.connectors.clear();
    this.rounds.clear();
    for (const flow of this.flows) this.resetFlow(flow);
  }

  /** Resolves once every teardown started so far has released its handles. */
  async settled(): Promise<void> {
    await this.teardowns.settled();
  }

  /** Tears everything down for good; resolves when no handle is left. */
  async close(): Promise<void> {
    this.closed = true;
    this.reset();
    await this.settled();
  }

  private bind(entity: PyEntity): void {
    const a = entity.attributes;
    const host = a['host'] === undefined || a['host'] === null ? '' : pyStr(a['host']);
    const port = Number(a['port']);
    const server = createServer({ allowHalfOpen: true });
    let settle: () => void = () => {};
    const listener: BoundListener = {
      entity,
      server,
      bound: new Promise<void>((resolve) => (settle = resolve)),
      flows: new Set(),
      error: undefined,
      closed: false,
    };
    this.listeners.set(entity, listener);
    const fail = (error: NodeJS.ErrnoException | 'EAI_SERVICE'): void => {
      listener.error = bindFailure(a, error);
      this.log(tcpListenerErrorLine(pyStr(a['name'] ?? null), a, listener.error));
      settle();
    };
    server.on('connection', (socket) => this.accept(listener, socket));
    server.once('listening', () => settle());
    server.on('error', (e: NodeJS.ErrnoException) => fail(e));
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      fail('EAI_SERVICE');
      return;
    }
    const backlog = typeof a['backlog'] === 'number' && a['backlog'] > 0 ? a['backlog'] : undefined;
    try {
      server.listen({ port, ...(host === '' ? {} : { host }), ...(backlog === undefined ? {} : { backlog }) });
    } catch (e) {
      fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private unbind(listener: BoundListener): void {
    listener.closed = true;
    for (const flow of listener.flows) this.resetFlow(flow);
    // A bind still under way completes first (Node looks the host up before binding); then close.
    this.teardowns.track(
      listener.bound.then(
        () =>
          new Promise<void>((resolve) => {
            if (!listener.server.listening) return resolve();
            listener.server.close(() => resolve());
          }),
      ),
    );
  }

  private accept(listener: BoundListener, client: Socket): void {
    client.on('error', () => {}); // the close handler below does the work
    const connector = listener.closed || this.closed ? undefined : this.pick(listener.entity.attributes['address']);
    if (!connector) {
      client.destroy();
      this.teardowns.track(whenClosed(client));
      return;
    }
    const c = connector.attributes;
    const host = c['host'] === undefined || c['host'] === null || c['host'] === '' ? '127.0.0.1' : pyStr(c['host']);
    const upstream = connect({ host, port: Number(c['port']), allowHalfOpen: true });
    upstream.on('error', () => {});
    const flow: Flow = { client, upstream, connector };
    this.flows.add(flow);
    listener.flows.add(flow);
    client.pipe(upstream);
    upstream.pipe(client);
    const done = Promise.all([whenClosed(client), whenClosed(upstream)]).then(() => {
      this.flows.delete(flow);
      listener.flows.delete(flow);
    });
    this.teardowns.track(done);
    // Half-closes travel through the pipes; an abrupt end on one side resets the other.
    client.once('close', (hadError) => {
      if (hadError) reset(upstream);
    });
    upstream.once('close', (hadError) => {
      if (hadError) reset(client);
    });
  }

  /** The next connector of `address`, round-robin over creation order. */
  private pick(address: unknown): PyEntity | undefined {
    if (address === undefined || address === null) return undefined;
    const candidates = [...this.connectors].filter((c) => c.attributes['address'] === address);
    if (candidates.length === 0) return undefined;
    const key = pyStr(address);
    const turn = this.rounds.get(key) ?? 0;
    this.rounds.set(key, turn + 1);
    return candidates[turn % candidates.length];
  }

  private resetFlow(flow: Flow): void {
    reset(flow.client);
    reset(flow.upstream);
  }
}
