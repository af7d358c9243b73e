/**
 * One simulated skrouterd 3.5.1: the AMQP server, the two management agents (each handling one
 * request at a time, as the Python agent's lock and the core thread do), the latency model,
 * the injected faults and the router state booted from the boot file.
 */
import type { Connection } from 'rhea';
import { AmqpListeners } from './amqp-listeners.js';
import { AmqpServer, type IncomingRequest } from './amqp-server.js';
import { bootRouter, type BootSource } from './boot.js';
import { cAgentTarget, handleCRequest, type CTarget } from './c-agent.js';
import { cRow } from './c-rows.js';
import { findType } from './catalog.js';
import { FaultPlan, type StallMode } from './faults.js';
import { LatencyModel, type LatencyOptions } from './latency.js';
import type { SimulatorTlsOptions } from './listener-security.js';
import { managementEndpoint, type Endpoint } from './management-endpoint.js';
import { handlePythonRequest } from './python-agent.js';
import { pyStr, type Attributes } from './python-values.js';
import type { ManagementReply } from './request.js';
import { Pacer, Sleeper, SerialQueue } from './scheduling.js';
import { coreLinks } from './server-links.js';
import type { ConnectionInfo, ConnectionSecurity, RouterState, StateOptions } from './state.js';
import { TcpDataPlane } from './tcp-plane.js';

export interface SimulatorOptions {
  /** Address the management endpoint listens on (default: the `managementListener`'s host, else `127.0.0.1`). */
  host?: string;
  /** Port to listen on (default 0: an ephemeral port; see `managementListener`). */
  port?: number;
  /**
   * Serve management the way one listener of the boot file says, as skrouterd serves it (what
   * `-c FILE` does): the listener of this name, else the file's first listener. Its port is used
   * unless `port` is given (5672 when the file has no listener), and when it names an sslProfile,
   * its TLS and SASL settings too (listener-security.ts); the profile's files are read at boot
   * and after every crash, and one that cannot be used refuses the boot as it does the router's.
   * Default: not set (plain AMQP on `port`).
   */
  managementListener?: string;
  /**
   * Serve AMQP, and management, on the boot file's other listeners too, as skrouterd does: every
   * listener of role normal or route-container, at its host and port, secured by its own
   * sslProfile (amqp-listeners.ts); those CREATE adds as well, and DELETE stops them. A listener
   * that cannot bind is logged (`log`) and the router carries on, unless the listener is one of
   * the boot file's (then the start fails with status 1, as skrouterd's does); one whose sslProfile cannot be
   * used is refused as skrouterd refuses it (a CREATE gets a 500, the boot fails). `port` and
   * `tls` still concern the management endpoint only. Default: true with `managementListener`
   * (what `-c FILE` does), else false (in-process tests bind no port of their boot file).
   */
  serveListeners?: boolean;
  /**
   * Secure the management port without a boot-file listener: TLS with these PEMs, and by default
   * the listener the controller writes (requireSsl, authenticatePeer, SASL EXTERNAL with a client
   * certificate signed by `ca`). Takes precedence over a `managementListener`'s sslProfile for
   * serving (that listener's creation still reads the profile's files when `serveListeners`).
   * Default: none (plain AMQP, with or without SASL ANONYMOUS).
   */
  tls?: SimulatorTlsOptions;
  /** Boot file (array format) as text or as a path; default: an empty file (standalone router). */
  boot?: BootSource;
  /** Router id when the boot file's router has none (default `simulator`). */
  routerId?: string;
  /** Latency model (default on, scale 1); `false` answers as fast as possible. */
  latency?: false | LatencyOptions;
  /** Clock for `uptimeSeconds` and connection ages (default `Date.now`). */
  now?: () => number;
  /**
   * Set up the TLS of every listener with an sslProfile as the router's listener creation does
   * (files read and parsed, a CA when saslMechanisms offer EXTERNAL), and refuse a connector whose
   * profile's caCertFile does not exist. Default false: only the listeners the simulator serves
   * (`serveListeners`, `managementListener`) have their files read, so example configs boot anywhere.
   */
  checkTlsFiles?: boolean;
  /**
   * Run a TCP data plane (tcp-plane.ts): tcpListeners bind their host:port and forward each
   * connection to a tcpConnector of the same address (default false: nothing is bound).
   */
  tcpDataPlane?: boolean;
  /** Where the router's own log lines go (bind failures of listeners and of the TCP data plane); default: nowhere. */
  log?: (line: string) => void;
}

export interface SimulatorStats {
  /** Requests received, by upper-cased operation (`(none)` when it was missing), answered or not. */
  readonly requests: Record<string, number>;
  reset(): void;
}

export interface SimulatorFaults {
  /** Cuts every connection at the socket level. */
  dropConnections(): void;
  /** `hold`: keep replies until released with `false`; `drop`: discard them; `false`: normal (releases held ones). */
  stallReplies(mode: StallMode): void;
  /** The next `count` requests (of `operation`, when given) are answered with this status instead of executed. */
  failNext(count: number, statusCode: number, statusDescription?: string, operation?: string): void;
  /** Router restart: connections drop, state returns to the boot file, uptime restarts; optionally down for `downMs`. */
  crash(options?: { downMs?: number }): Promise<void>;
}

interface Job {
  readonly request: IncomingRequest;
  readonly target: CTarget | undefined;
}

export class RouterSimulator {
  readonly stats: SimulatorStats;
  readonly faults: SimulatorFaults;
  private state: RouterState;
  private endpoint: Endpoint;
  private readonly server: AmqpServer;
  private readonly latency: LatencyModel;
  private readonly plan = new FaultPlan();
  private readonly sleeper = new Sleeper();
  private readonly connections = new Map<Connection, ConnectionInfo>();
  private readonly held: { replyTo: string; correlationId: unknown; reply: ManagementReply }[] = [];
  private readonly requestCounts: Record<string, number> = {};
  private queues = { python: new SerialQueue(), c: new SerialQueue() };
  /** Each agent's clock for reply holds (its queue is serial). */
  private readonly pacers = { python: new Pacer(this.sleeper), c: new Pacer(this.sleeper) };
  private generation = 0;
  private closed = false;

  private constructor(
    private readonly options: SimulatorOptions,
    private readonly stateOptions: StateOptions,
  ) {
    this.latency = new LatencyModel(options.latency);
    this.state = this.boot();
    this.endpoint = this.resolveEndpoint(this.state);
    this.server = new AmqpServer({
      routerId: () => this.state.routerId(),
      onRequest: (request) => this.received(request),
      onConnectionOpen: (connection, host, close, security) => this.connectionOpened(connection, host, close, security),
      onConnectionClose: (connection) => this.connectionClosed(connection),
      onLinkOpen: () => this.state.coreIdentity(),
    });
    const counts = this.requestCounts;
    this.stats = {
      requests: counts,
      reset: () => {
        for (const key of Object.keys(counts)) delete counts[key];
      },
    };
    this.faults = {
      dropConnections: () => this.server.dropConnections(),
      stallReplies: (mode) => this.stall(mode),
      failNext: (count, statusCode, description, operation) => this.plan.failNext(count, statusCode, description, operation),
      crash: (crashOptions) => this.crash(crashOptions?.downMs ?? 0),
    };
  }

  static async start(options: SimulatorOptions): Promise<RouterSimulator> {
    const tcpPlane = options.tcpDataPlane === true ? new TcpDataPlane(options.log) : undefined;
    const serveListeners = options.serveListeners ?? options.managementListener !== undefined;
    const amqpListeners = serveListeners ? new AmqpListeners(options.log) : undefined;
    const stateOptions: StateOptions = { now: options.now ?? Date.now, checkTlsFiles: options.checkTlsFiles ?? false, tcpPlane, amqpListeners };
    let simulator: RouterSimulator;
    const began = performance.now();
    try {
      simulator = new RouterSimulator(options, stateOptions);
    } catch (e) {
      // a boot file that failed half-way may have bound some tcpListeners (and recorded listeners)
      await Promise.all([tcpPlane?.close(), amqpListeners?.close()]);
      throw e;
    }
    try {
      // Nothing answers until the router has loaded its file: the latency model's boot time.
      const hold = simulator.latency.bootHoldMs(simulator.state, performance.now() - began);
      if (hold > 0) await simulator.sleeper.sleep(hold);
      const { host, port, security, listener } = simulator.endpoint;
      await simulator.server.listen(host, port, security);
      await amqpListeners?.start(simulator.server, listener);
    } catch (e) {
      await simulator.close();
      throw e;
    }
    return simulator;
  }

  get port(): number {
    return this.server.port;
  }

  get url(): string {
    const host = this.endpoint.host;
    const shown = host === undefined || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return `${this.endpoint.security ? 'amqps' : 'amqp'}://${shown}:${this.port}`;
  }

  snapshot(): Record<string, Attributes[]> {
    const state = this.state;
    return state.snapshot((longType, index) => cRow(state, longType, index));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    this.sleeper.cancelAll();
    await Promise.all([this.server.close(), this.stateOptions.tcpPlane?.close(), this.stateOptions.amqpListeners?.close()]);
    // 'close' events come before libuv releases the handles; one timer turn later they are gone.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  private boot(): RouterState {
    try {
      return bootRouter(this.options.boot, this.stateOptions, this.options.routerId ?? 'simulator');
    } catch (e) {
      // what the failed boot bound goes with it
      this.stateOptions.tcpPlane?.reset();
      this.stateOptions.amqpListeners?.reset();
      throw e;
    }
  }

  /** Where and how management is served; one that cannot be secured refuses the boot, and what it bound goes. */
  private resolveEndpoint(state: RouterState): Endpoint {
    try {
      return managementEndpoint(state, this.options);
    } catch (e) {
      this.stateOptions.tcpPlane?.reset();
      this.stateOptions.amqpListeners?.reset();
      throw e;
    }
  }

  private received(request: IncomingRequest): void {
    const operation = request.properties['operation'];
    const key = operation === undefined ? '(none)' : pyStr(operation).toUpperCase();
    this.requestCounts[key] = (this.requestCounts[key] ?? 0) + 1;
    this.state.deliveriesIn++;
    const target = cAgentTarget(request.properties);
    // The Python agent drops a request without reply-to before doing anything; the C agent does the work.
    if (!target && !request.replyTo) return;
    const job: Job = { request, target };
    if (!this.latency.enabled) {
      void this.run(job, this.generation);
      return;
    }
    const generation = this.generation;
    (target ? this.queues.c : this.queues.python).push(() => this.run(job, generation));
  }

  private async run(job: Job, generation: number): Promise<void> {
    // A request still queued when the router crashed died with it: the rebooted state never sees it.
    if (generation !== this.generation) return;
    const state = this.state;
    const { request, target } = job;
    state.clientLinks = coreLinks(this.server.linkSnapshot(), (c) => this.connections.get(c)?.identity ?? 0);
    const entityCount = state.configEntityCount();
    const operation = pyStr(request.properties['operation'] ?? '');
    const reply = this.plan.take(operation) ?? (target ? handleCRequest(state, target, request) : handlePythonRequest(state, request));
    request.settle();
    state.deliveriesAccepted++;
    const body = reply?.body as { results?: unknown[] } | undefined;
    const cost = this.latency.cost({
      agent: target ? 'c' : 'python',
      operation,
      entityCount,
      rows: Array.isArray(body?.results) ? body.results.length : 0,
      sslProfileUpdate: operation.toUpperCase() === 'UPDATE' && findType(pyStr(request.properties['type'] ?? ''))?.shortName === 'sslProfile',
    });
    if (cost > 0) await (target ? this.pacers.c : this.pacers.python).hold(cost);
    if (generation !== this.generation || !reply || !request.replyTo) return;
    this.deliver(request.replyTo, request.correlationId, reply);
  }

  private deliver(replyTo: string, correlationId: unknown, reply: ManagementReply): void {
    if (this.plan.stall === 'drop') return;
    if (this.plan.stall === 'hold') {
      this.held.push({ replyTo, correlationId, reply });
      return;
    }
    if (this.server.send(replyTo, correlationId, reply)) this.state.deliveriesOut++;
  }

  private stall(mode: StallMode): void {
    this.plan.stall = mode;
    if (mode === 'hold') return;
    const held = this.held.splice(0);
    if (mode === false) for (const h of held) this.deliver(h.replyTo, h.correlationId, h.reply);
  }

  private connectionOpened(connection: Connection, host: string, close: () => void, security: ConnectionSecurity | undefined): void {
    const info: ConnectionInfo = {
      identity: this.state.connectionId(),
      host,
      container: connection.container_id ?? null,
      openedAtMs: this.stateOptions.now(),
      close,
      security,
    };
    this.connections.set(connection, info);
    this.state.connections.push(info);
    this.state.connectionsOpened++;
  }

  private connectionClosed(connection: Connection): void {
    const info = this.connections.get(connection);
    this.connections.delete(connection);
    const i = info ? this.state.connections.indexOf(info) : -1;
    if (i >= 0) this.state.connections.splice(i, 1);
  }

  private async crash(downMs: number): Promise<void> {
    if (this.closed) throw new Error('the simulator is closed');
    this.generation++;
    this.queues = { python: new SerialQueue(), c: new SerialQueue() };
    this.held.length = 0;
    this.server.dropConnections();
    this.connections.clear();
    const { tcpPlane, amqpListeners } = this.stateOptions;
    if (tcpPlane || amqpListeners) {
      // The process is gone: its sockets with it, and the ports are free before the new one binds.
      tcpPlane?.reset();
      amqpListeners?.reset();
      await Promise.all([tcpPlane?.settled(), amqpListeners?.settled()]);
      if (this.closed) return;
    }
    if (downMs > 0) {
      await this.server.stopListening();
      await this.sleeper.sleep(downMs);
      if (this.closed) return;
    }
    const wasSecured = this.endpoint.security !== undefined;
    try {
      this.state = this.boot();
      this.endpoint = this.resolveEndpoint(this.state);
    } catch (e) {
      // The router would now be crash-looping on its boot file: nothing listens.
      await this.server.stopListening();
      throw e;
    }
    this.server.setContainerId(this.state.routerId());
    // A secured endpoint listens anew: the restarted router has loaded its sslProfile files again
    // (a rotated certificate takes effect), and a boot file rewritten meanwhile may have secured
    // the listener or made it plain. A plain one keeps its socket unless the router was down
    // (downMs) or an earlier restart failed, which both closed it.
    if (wasSecured || this.endpoint.security !== undefined) await this.server.stopListening();
    if (this.closed) return;
    if (!this.server.listening) await this.server.listen(this.endpoint.host, this.port, this.endpoint.security);
    if (this.closed) return this.server.stopListening(); // closed while binding: let go of the socket
    try {
      await amqpListeners?.start(this.server, this.endpoint.listener);
    } catch (e) {
      // A boot listener that cannot bind ends the new router too.
      tcpPlane?.reset();
      amqpListeners?.reset();
      await this.server.stopListening();
      throw e;
    }
  }
}
