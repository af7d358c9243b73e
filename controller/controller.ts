/**
 * The controller process, assembled: a desired-state source, the management client, the work
 * queue that runs {@link Reconciler} passes, the router supervisor (or attach mode), and HTTP.
 *
 * Triggers only enqueue a pass: a source change, a (re)connection to the router, a router
 * restart, the resync timer and a failed pass's backoff. The pass itself is in
 * `loop/reconciler.ts`.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../schemas/config/index.js';
import type { DesiredState } from '../schemas/index.js';
import type { Plan } from '../reconcilers/plan-types.js';
import { CONFIG_LIMIT_SETTINGS, configLimitsOf, configLoadOptions, type ConfigLimits } from './config-limits.js';
import { readBoundedText } from './fs/read-bounded.js';
import { startHttpServer, type HttpServer, type Probe } from './http/server.js';
import { Metrics } from './http/metrics.js';
import { errorFields, type Log } from './log.js';
import { Reconciler, type PassReport } from './loop/reconciler.js';
import { StatusStore, describeError } from './loop/status.js';
import { WorkQueue } from './loop/work-queue.js';
import { ManagementClient, type ManagementClientOptions } from './management/index.js';
import { MANAGEMENT_NAMES, writeBootFile } from './router/boot-file.js';
import { findRouterBinary } from './router/find-binary.js';
import { openManagementChannel, type ManagementChannel } from './router/management-channel.js';
import { RouterSupervisor, type ExitInfo } from './router/supervisor.js';
import type { Settings } from './settings.js';
import { sourceFromSettings } from './sources/from-settings.js';
import type { DesiredSource } from './sources/source.js';
import { StartupError } from './startup-error.js';
import { SslProfileDirectory } from './tls/ssl-profile-dir.js';
import { SslProfileOverlay } from './tls/ssl-overlay.js';

export interface ControllerOptions {
  readonly settings: Settings;
  readonly log: Log;
  /** The desired-state source; default from the settings (kubernetes: the watched file). */
  readonly source?: DesiredSource;
  /** Address of the HTTP server. Default all interfaces. */
  readonly httpHost?: string;
  /** Every finished pass (the demo prints them). */
  readonly onPass?: (report: PassReport) => void;
  /** The router command, instead of finding skrouterd (the demo runs the simulator this way). */
  readonly router?: RouterCommand;
  /** Timings of the supervisor, for tests. */
  readonly supervisor?: { restartBaseMs?: number; stopGraceMs?: number };
}

export interface RouterCommand {
  readonly binary: string;
  /** Arguments before `-c BOOT_FILE`. */
  readonly args?: readonly string[];
}

export { StartupError };

/** A pass running this much longer than the management timeout means the loop is stuck. */
const STUCK_FACTOR = 10;

export class Controller {
  readonly status: StatusStore;
  readonly metrics = new Metrics();
  readonly #o: ControllerOptions;
  readonly #log: Log;
  readonly #source: DesiredSource;
  readonly #channel: ManagementChannel;
  /** `CONFIG_MAX_BYTES` / `CONFIG_MAX_ENTITIES`, for every config this process loads. */
  readonly #limits: ConfigLimits;
  readonly #management: ManagementClient;
  readonly #supervisor: RouterSupervisor | undefined;
  readonly #reconciler: Reconciler;
  readonly #ssl: SslProfileOverlay;
  readonly #queue: WorkQueue;
  #http: HttpServer | undefined;
  #passStartedAt: number | undefined;
  #stopping: Promise<ExitInfo | undefined> | undefined;
  /** Desired revision a policy restart was made for: never restart twice for the same input. */
  #restartedFor: string | undefined;

  private constructor(options: ControllerOptions, source: DesiredSource, channel: ManagementChannel, router: RouterCommand | undefined) {
    const { settings } = options;
    this.#o = options;
    this.#log = options.log;
    this.#source = source;
    this.#channel = channel;
    this.#limits = configLimitsOf(settings);
    this.status = new StatusStore(source.describe(), channel.url);
    this.#management = new ManagementClient({
      ...this.managementConnection,
      timeoutMs: settings.managementTimeoutMs,
      maxInFlight: settings.managementMaxInFlight,
      logger: options.log.child({ component: 'management' }),
    });
    this.#supervisor =
      router === undefined
        ? undefined
        : new RouterSupervisor({
            ...router,
            bootFile: settings.bootFile ?? settings.configFile,
            ...(existsSync(settings.routerHome) ? { cwd: settings.routerHome } : {}),
            log: options.log.child({ component: 'router' }),
            prepareBoot: () => this.#writeBoot(),
            ...options.supervisor,
            onStarted: (pid) => this.status.update({ router: { ...this.status.document.router, pid } }),
            onCrash: () => this.metrics.routerRestarts.inc({ reason: 'crash' }),
          });
    this.#ssl = new SslProfileOverlay(
      new SslProfileDirectory({ dir: settings.sslProfilePath, debounceMs: settings.debounceMs, log: options.log.child({ component: 'ssl-profiles' }) }),
      { oldestValidOrdinal: settings.oldestValidOrdinal },
    );
    this.#reconciler = new Reconciler({
      source,
      sslProfiles: this.#ssl,
      management: this.#management,
      log: options.log,
      metrics: this.metrics,
      status: this.status,
      planOptions: { protectedNames: [...MANAGEMENT_NAMES], ignore: settings.ignoreNames },
      loadLimits: this.#limits,
      fullReadEveryMs: settings.fullReadSeconds * 1000,
      // pot: QDROUTERD_CONF always holds the desired state, for whatever starts the router next.
      onDesired: async () => {
        if (this.#supervisor || settings.platform === 'pot') await this.#writeBoot();
      },
      onRestartRequired: (plan) => this.#restartRequired(plan),
      ...(options.onPass ? { onPass: options.onPass } : {}),
    });
    this.#queue = new WorkQueue(
      async (ctx) => {
        this.#passStartedAt = performance.now();
        try {
          return await this.#reconciler.reconcile(ctx);
        } finally {
          this.#passStartedAt = undefined;
        }
      },
      {
        resyncMs: settings.resyncSeconds * 1000,
        onPassEnd: (ctx, outcome) => {
          this.metrics.passes.inc({ result: outcome.result });
          this.metrics.passDuration.observe(outcome.durationMs / 1000);
          if (outcome.result === 'success') return;
          const log = this.#log.child({ reconcileId: ctx.id });
          if (outcome.result === 'terminal') log.error('pass stopped: waiting for new input', errorFields(outcome.error));
          else log.warn('pass failed; retrying', { retryInMs: outcome.retryInMs, ...errorFields(outcome.error) });
          const last = this.status.document.lastPass;
          if (last?.id !== ctx.id) {
            this.status.update({
              lastPass: {
                id: ctx.id,
                result: 'failed',
                at: new Date().toISOString(),
                durationMs: Math.round(outcome.durationMs),
                operations: 0,
                failed: 0,
                error: describeError(outcome.error),
              },
            });
          }
        },
      },
    );
  }

  /**
   * Starts everything: HTTP first (so probes answer during start-up), then the router (unless
   * attaching), then the source watch and the first pass.
   */
  static async start(options: ControllerOptions): Promise<Controller> {
    const { settings } = options;
    let router: RouterCommand | undefined;
    if (settings.routerUrl === undefined) {
      const binary = findRouterBinary(settings.routerBinary, process.env['PATH']);
      router = options.router ?? (binary === undefined ? undefined : { binary });
      if (router === undefined) {
        throw new StartupError(
          settings.routerBinary !== undefined
            ? `SKROUTERD_BIN=${settings.routerBinary} is not an executable file`
            : 'no skrouterd found (not on PATH, not at /usr/sbin/skrouterd): set SKROUTERD_BIN, or attach to a running router with --router amqp://host:port',
        );
      }
    }
    const source = options.source ?? (await sourceFromSettings(settings, options.log));
    const channel = await openManagementChannel(settings);
    let controller: Controller;
    try {
      controller = new Controller(options, source, channel, router);
    } catch (error) {
      await channel.close();
      throw error;
    }
    try {
      await controller.#start();
    } catch (error) {
      // Whatever did start (the router, watches, the certificate directory) must not outlive the failure.
      await controller.stop().catch(() => undefined);
      throw error;
    }
    return controller;
  }

  get httpPort(): number | undefined {
    return this.#http?.port;
  }

  /** The router's process id when supervised and running. */
  get routerPid(): number | undefined {
    return this.#supervisor?.pid;
  }

  /**
   * Where and how this controller reaches the router's management. With mTLS this holds the
   * controller's private key: for in-process tools (the demo), never for logs or status.
   */
  get managementConnection(): Pick<ManagementClientOptions, 'url' | 'tls'> {
    const { url, tls } = this.#channel;
    return tls ? { url, tls } : { url };
  }

  /** Asks for a pass now (as a trigger would). */
  trigger(reason: string): void {
    this.#queue.trigger(reason);
  }

  /** Resolves when no pass is running or queued. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  async #start(): Promise<void> {
    const { settings } = this.#o;
    this.#http = await startHttpServer(
      {
        health: () => this.#health(),
        readiness: () => this.status.readiness(),
        status: () => this.status.document,
        metrics: this.metrics,
      },
      settings.httpPort,
      this.#o.httpHost,
    );
    this.#log.info('controller starting', {
      mode: this.#supervisor ? 'supervised' : 'attach',
      source: this.#source.describe(),
      router: this.status.document.router.url,
      managementAuth: this.#channel.auth,
      httpPort: this.#http.port,
    });
    this.#management.on('connected', (e) => {
      this.#log.info('management connected', { reconnected: e.reconnected });
      this.#queue.trigger(e.reconnected ? 'router reconnected' : 'router connected');
    });
    this.#management.on('disconnected', (e) => {
      this.status.update({ router: { ...this.status.document.router, reachable: false, lastError: e.reason } });
    });
    this.#management.on('routerRestarted', (e) => {
      if (!this.#supervisor) this.metrics.routerRestarts.inc({ reason: 'detected' });
      this.#queue.trigger(`router restarted (${e.reason})`);
    });
    if (this.#supervisor) {
      await this.#readInitialDesired();
      await this.#supervisor.start();
    }
    await this.#source.start((reason) => this.#queue.trigger(reason));
    await this.#ssl.start((reason) => this.#queue.trigger(reason));
    this.#queue.trigger('start');
  }

  /**
   * Before the first boot, read the source once so the router boots with the desired state and
   * the first pass has nothing to write. An unreadable or invalid input boots what the boot file
   * already holds (or nothing); the first pass reports the problem.
   */
  async #readInitialDesired(): Promise<void> {
    try {
      const snapshot = await this.#source.read();
      const loaded = loadConfig(snapshot.text, configLoadOptions(snapshot.file, this.#limits));
      if (loaded.ok) this.#reconciler.adopt(loaded.state, snapshot.revision);
      else this.#log.warn('desired state invalid before the router starts; the first pass reports it', { errors: loaded.errors.length });
    } catch (error) {
      this.#log.warn('desired state not readable before the router starts', errorFields(error));
    }
  }

  /**
   * The boot file: the last good desired state (else what the file holds if valid, else empty),
   * with sslProfiles resolved and the entities whose TLS material is missing left out, since the
   * router refuses to boot from a file that names missing certificates.
   */
  async #writeBoot(channelEntities = this.#channel.bootEntities): Promise<void> {
    const { settings } = this.#o;
    const file = settings.bootFile ?? settings.configFile;
    const state = this.#reconciler.desired ?? (await readValidFile(file, this.#limits)) ?? { entities: [] };
    const resolved = await this.#ssl.resolve(state);
    await writeBootFile(file, resolved.state, channelEntities);
  }

  async #restartRequired(plan: Plan): Promise<void> {
    const { restartPolicy } = this.#o.settings;
    const changes = plan.restart.map((c) => `${c.kind}/${c.name}.${c.attribute}`);
    const canRestart = this.#supervisor !== undefined && restartPolicy === 'auto';
    if (canRestart && this.#restartedFor !== this.#reconciler.revision) {
      this.#restartedFor = this.#reconciler.revision;
      this.#log.warn('restart-only changes: restarting the router from a new boot file', { changes });
      this.metrics.routerRestarts.inc({ reason: 'policy' });
      await this.#supervisor?.restart(`restart-only change: ${changes.join(', ')}`);
      return;
    }
    const policy = this.#supervisor ? restartPolicy : 'attach (the controller does not run this router)';
    if (canRestart) this.#log.error('restart-only changes remain after a restart for this input', { changes });
    else this.#log.warn('restart-only changes pending', { changes, policy });
    this.status.update({ restartPending: { changes: plan.restart, policy } });
  }

  #health(): Probe {
    if (this.#stopping) return { ok: false, reason: 'stopping' };
    const started = this.#passStartedAt;
    const limit = STUCK_FACTOR * this.#o.settings.managementTimeoutMs;
    if (started !== undefined && performance.now() - started > limit) {
      return { ok: false, reason: `pass running for more than ${Math.round(limit / 1000)} s` };
    }
    return { ok: true };
  }

  /**
   * Stops the loop, the source, HTTP and the management connection, then the router (SIGTERM,
   * SIGKILL after the grace period). Resolves with how the router ended (undefined when attached).
   */
  stop(): Promise<ExitInfo | undefined> {
    this.#stopping ??= (async () => {
      this.#log.info('controller stopping');
      await this.#queue.stop();
      await this.#source.close();
      await this.#ssl.close();
      await this.#http?.close();
      await this.#management.close();
      let exit: ExitInfo | undefined;
      try {
        exit = await this.#supervisor?.stop();
        // The boot file outlives us (pot: QDROUTERD_CONF); it must not name the certificates about to go.
        if (this.#channel.auth === 'mtls') await this.#writeBoot([]).catch((error: unknown) => this.#log.warn('boot file not rewritten without the management listener', errorFields(error)));
      } finally {
        await this.#channel.close();
      }
      this.#log.info('controller stopped', exit ? { routerCode: exit.code, routerSignal: exit.signal } : {});
      return exit;
    })();
    return this.#stopping;
  }
}

async function readValidFile(file: string, limits: ConfigLimits): Promise<DesiredState | undefined> {
  try {
    const text = await readBoundedText(file, { maxBytes: limits.maxBytes, limitName: CONFIG_LIMIT_SETTINGS.maxBytes });
    const loaded = loadConfig(text, configLoadOptions(file, limits));
    return loaded.ok ? loaded.state : undefined;
  } catch {
    return undefined;
  }
}
