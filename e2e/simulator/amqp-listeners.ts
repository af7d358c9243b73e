/**
 * The AMQP listeners besides the management endpoint (`serveListeners`): skrouterd accepts client
 * connections, and serves `$management`, on every listener of role `normal` (the default) or
 * `route-container`, each secured by its own sslProfile, requireSsl, authenticatePeer and
 * saslMechanisms (listener-security.ts). All of them go to the same AmqpServer, so one router
 * state and one management node answer on every port.
 *
 * - `inter-router`, `edge`, `inter-edge` and `inter-network` listeners are router-to-router and
 *   bind nothing here; neither do `http` listeners (HTTP and websockets in the real router).
 * - The boot file's listeners are recorded while the router boots and bound by `start`, which
 *   skips the listener the management endpoint already serves; later CREATEs bind at once (the
 *   reply does not wait for the bind, as the router's does not).
 * - Each bind is logged as skrouterd logs it (`SERVER (info) Listening on ...`). One that fails
 *   (port in use, no such address, unknown service name) is logged like skrouterd logs it
 *   (`SERVER (error) Listener error on ...`). The router carries on, except for a listener of its
 *   boot file: then it logs `Shutting down, required listener failed ...` and exits with status 1.
 * - A listener's security is resolved where it is configured (dataplane.ts, listener-security.ts),
 *   because skrouterd's listener creation sets TLS up: a profile that cannot be used refuses the
 *   listener there (a CREATE gets the 500, a boot fails), so every listener handed here is served.
 * - DELETE closes the listening socket; connections it accepted stay open, as skrouterd's
 *   `qd_listener_delete` only closes its pn_listener.
 * - A crash (`reset`) closes every listener; the next boot's `start` binds them again.
 *
 * Entities are tracked by object, like the TCP data plane (tcp-plane.ts).
 */
import type { AmqpServer, OpenListener } from './amqp-server.js';
import { SimulatorBootError } from './errors.js';
import { bindHost, bindPort, hostPort, listenerErrorLine } from './listener-address.js';
import type { ListenerSecurity } from './listener-security.js';
import { pyStr } from './python-values.js';
import type { PyEntity } from './state.js';
import { Teardowns } from './teardowns.js';

interface Configured {
  readonly entity: PyEntity;
  /** undefined: plain AMQP (no sslProfile). */
  readonly security: ListenerSecurity | undefined;
}

interface Served {
  readonly entity: PyEntity;
  open: OpenListener | undefined;
  /** Resolves once the bind has succeeded or failed. */
  bound: Promise<void>;
  /** The bind failed (and was logged). */
  failed: boolean;
  closed: boolean;
}

const CLIENT_ROLES = new Set(['normal', 'route-container']);

/** Whether the router accepts AMQP clients on this listener. */
function takesClients(entity: PyEntity): boolean {
  const a = entity.attributes;
  const role = a['role'] === undefined || a['role'] === null ? 'normal' : pyStr(a['role']);
  const http = a['http'] === true || (typeof a['httpRootDir'] === 'string' && a['httpRootDir'] !== '');
  return CLIENT_ROLES.has(role) && !http;
}

export class AmqpListeners {
  /** Set between `start` and the next `reset`: where binds go. */
  private server: AmqpServer | undefined;
  /** Configured during boot, bound by `start`. */
  private readonly waiting: Configured[] = [];
  private readonly served = new Map<PyEntity, Served>();
  private readonly teardowns = new Teardowns();
  private closed = false;

  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** Whether this is a listener the router accepts AMQP clients on: those are served here. */
  serves(entity: PyEntity): boolean {
    return entity.type.shortName === 'listener' && takesClients(entity);
  }

  /** A listener was configured (boot file or CREATE), with the security its creation resolved. */
  configured(entity: PyEntity, security: ListenerSecurity | undefined): void {
    if (this.closed || !this.serves(entity)) return;
    if (this.server) this.bind(this.server, { entity, security });
    else this.waiting.push({ entity, security });
  }

  /** The listener is being deleted: it stops accepting; its connections stay. */
  unconfigured(entity: PyEntity): void {
    const i = this.waiting.findIndex((w) => w.entity === entity);
    if (i >= 0) this.waiting.splice(i, 1);
    const served = this.served.get(entity);
    if (!served) return;
    this.served.delete(entity);
    this.unbind(served);
  }

  /**
   * The router is up: binds the listeners its boot configured, except `management` (served by
   * the management endpoint). Resolves once every bind has succeeded; a boot listener that cannot
   * bind ends the router (connection_manager.c sets `exit_on_error` on the listeners of the first
   * start, and qd_listener.c then logs a critical line and exits with status 1).
   */
  async start(server: AmqpServer, management: PyEntity | undefined): Promise<void> {
    if (this.closed) return;
    this.server = server;
    const booted = this.waiting.splice(0).filter((w) => w.entity !== management).map((w) => this.bind(server, w));
    await Promise.all(booted.map((s) => s.bound));
    const failed = booted.find((s) => s.failed && !s.closed);
    if (failed) {
      const line = `SERVER (critical) Shutting down, required listener failed ${hostPort(failed.entity.attributes)}`;
      this.log(line);
      throw new SimulatorBootError(line, { exit: { exitCode: 1 }, logged: false });
    }
  }

  /** Router crash: every listener closes at once; `settled()` waits for the sockets. */
  reset(): void {
    this.server = undefined;
    this.waiting.length = 0;
    for (const served of this.served.values()) this.unbind(served);
    this.served.clear();
  }

  /** Resolves once every teardown started so far has released its socket. */
  async settled(): Promise<void> {
    await this.teardowns.settled();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reset();
    await this.settled();
  }

  private bind(server: AmqpServer, { entity, security }: Configured): Served {
    const a = entity.attributes;
    const port = bindPort(a['port']);
    const served: Served = { entity, open: undefined, bound: Promise.resolve(), failed: false, closed: false };
    if (port === undefined) {
      this.log(listenerErrorLine(a, 'EAI_SERVICE'));
      served.failed = true;
      return served;
    }
    served.bound = server.open(bindHost(a['host']), port, security).then(
      async (open) => {
        if (served.closed) return open.close();
        served.open = open;
        // qd_listener.c: the assigned port is only worth telling (with the name) for port 0.
        this.log(`SERVER (info) Listening on ${port === 0 ? `${open.address} (${pyStr(a['name'] ?? null)})` : hostPort(a)}`);
      },
      (e: NodeJS.ErrnoException) => {
        served.failed = true;
        if (!served.closed) this.log(listenerErrorLine(a, e));
      },
    );
    this.served.set(entity, served);
    return served;
  }

  private unbind(served: Served): void {
    served.closed = true;
    this.teardowns.track(served.bound.then(() => served.open?.close()));
  }
}
