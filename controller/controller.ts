/**
 * The controller process, assembled: a desired-state source, the management client, the work
 * queue that runs {@link Reconciler} passes, the router supervisor (or attach mode), and HTTP.
 *
 * Triggers only enqueue a pass: a source change, a (re)connection to the router, a router
 * restart, the resync timer and a failed pass's backoff. The pass itself is in
 * `loop/reconciler.ts`.
 */
import { existsSync } from 'node:fs';
import type { Plan } from '../reconcilers/plan-types.js';
import { checkLogOutputFiles } from './checks/output-file.js';
import { reservedPortsOf } from './checks/reserved-ports.js';
import { configLimitsOf, type ConfigLimits } from './config-limits.js';
import { startHttpServer, type HttpServer, type Probe } from './http/server.js';
import { Metrics } from './http/metrics.js';
import { errorFields, type Log } from './log.js';
import { loadChecked, type DesiredCheck } from './loop/desired-input.js';
import { Liveness } from './loop/liveness.js';
import { reportPassEnd } from './loop/pass-end.js';
import { trackReachability } from './loop/reachability.js';
import { Reconciler, type PassReport } from './loop/reconciler.js';
import { StatusStore, type StatusDocument } from './loop/status.js';
import { entityKey } from '../reconcilers/boot-exclusions.js';
import { ListenerBinds } from './loop/listener-binds.js';
import { WorkQueue } from './loop/work-queue.js';
import { ManagementClient, type ManagementClientOptions } from './management/index.js';
import { MANAGEMENT_NAMES } from './router/boot-file.js';
import { BootWriter } from './router/boot-writer.js';
import { requireRouterBinary } from './router/find-binary.js';
import { openManagementChannel, type ManagementChannel } from './router/management-channel.js';
import { OperatorView, type OperatorStatus } from './health/operator-view.js';
import { routerNotReadyReason, type RouterProcessHealth } from './router/router-health.js';
import { listenerBindEvent } from './router/router-log.js';
import { RouterSupervisor, type ExitInfo, type SupervisorOptions } from './router/supervisor.js';
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
  readonly supervisor?: Pick<SupervisorOptions, 'restartBaseMs' | 'stopGraceMs' | 'restartQuietMs' | 'restartMinIntervalMs'>;
}

export interface RouterCommand {
  readonly binary: string;
  /** Arguments before `-c BOOT_FILE`. */
  readonly args?: readonly string[];
}

export { StartupError };

/**
 * On stop, how long the pass in progress may take to finish the requests it has in flight once
 * it stopped sending new ones; then the management connection closes and fails what is left.
 */
const STOP_IN_FLIGHT_MS = 2_000;

export class Controller {
  readonly status: StatusStore;
  readonly metrics = new Metrics();
  readonly #o: ControllerOptions;
  readonly #log: Log;
  readonly #source: DesiredSource;
  readonly #channel: ManagementChannel;
  /** `CONFIG_MAX_BYTES` / `CONFIG_MAX_ENTITIES` and the ports this controller holds, for every config this process loads. */
  readonly #limits: ConfigLimits;
  /** Checks of a valid config on this machine's files (supervised only: the router runs here). */
  readonly #checkDesired: DesiredCheck | undefined;
  readonly #management: ManagementClient;
  readonly #supervisor: RouterSupervisor | undefined;
  readonly #reconciler: Reconciler;
  readonly #ssl: SslProfileOverlay;
  readonly #queue: WorkQueue;
  #http: HttpServer | undefined;
  /** `/healthz`: the loop makes progress (see loop/liveness.ts). */
  readonly #liveness: Liveness;
  /** Listeners (AMQP and TCP) the router logged it could not bind (supervised only: we read its output). */
  readonly #binds: ListenerBinds | undefined;
  #stopping: Promise<ExitInfo | undefined> | undefined;
  /** Desired revision a policy restart was made for: never restart twice for the same input. */
  #restartedFor: string | undefined;
  /** Writes the boot file: only ever a bootable state (router/boot-writer.ts). */
  readonly #boot: BootWriter;
  /** Router health and certificates, for `/metrics` and `/status` (health/operator-view.ts). */
  readonly #operator: OperatorView;
  #passRunning = false;

  private constructor(options: ControllerOptions, source: DesiredSource, channel: ManagementChannel, router: RouterCommand | undefined) {
    const { settings } = options;
    this.#o = options;
    this.#log = options.log;
    this.#source = source;
    this.#channel = channel;
    this.#limits = { ...configLimitsOf(settings), reservedPorts: reservedPortsOf(settings, options.httpHost) };
    const routerHome = existsSync(settings.routerHome) ? settings.routerHome : process.cwd();
    this.#checkDesired = router === undefined ? undefined : (state, file, locate) => checkLogOutputFiles(state, { file, routerHome, locate });
    this.#boot = new BootWriter({
      file: settings.bootFile ?? settings.configFile,
      log: options.log,
      limits: this.#limits,
      desired: () => this.#reconciler.desired,
      refused: () => this.#reconciler.refusedKeys(),
      resolve: (state) => this.#ssl.resolve(state),
    });
    this.status = new StatusStore(source.describe(), channel.url);
    this.#liveness = new Liveness({ timeoutMs: settings.livenessTimeoutSeconds * 1000 });
    this.#binds = router === undefined ? undefined : new ListenerBinds({ trigger: (reason) => this.#queue.trigger(reason) });
    this.#management = new ManagementClient({
      ...this.managementConnection,
      // Supervised: only once the supervisor made sure the router on the port is ours, and then
      // retried often (a loopback dial is cheap) so a router that boots for seconds is seen at once.
      connectNow: router === undefined,
      ...(router === undefined ? {} : { reconnectInitialDelayMs: 100, reconnectMaxDelayMs: 500 }),
      timeoutMs: settings.managementTimeoutMs,
      maxInFlight: settings.managementMaxInFlight,
      logger: options.log.child({ component: 'management' }),
    });
    this.#operator = new OperatorView({
      management: this.#management,
      registry: this.metrics.registry,
      readiness: () => this.#readiness(),
      busy: () => this.#passRunning,
      sslProfilePath: settings.sslProfilePath,
      channel,
      log: options.log,
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
            prepareMinimalBoot: (file) => this.#boot.writeMinimal(file, this.#channel.bootEntities),
            managementPort: settings.managementPort,
            ...options.supervisor,
            onStarted: (pid, _reason, bootSource) => {
              this.status.update({ router: { ...this.status.document.router, pid } });
              // A fallback boot file leaves out more than the split: what the loop creates then is no drift either.
              const desired = this.#reconciler.desired?.entities ?? [];
              this.#reconciler.expectMissing(bootSource === 'desired' ? this.#boot.afterBootKeys : new Set(desired.map(entityKey)));
            },
            onLine: (line) => {
              const bind = listenerBindEvent(line);
              if (bind) this.#binds?.event(bind);
            },
            onCrash: (_exit, _delay, cause) => this.metrics.routerRestarts.inc({ reason: cause === 'bootFailure' ? 'boot-failure' : 'crash' }),
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
      ...(this.#checkDesired ? { checkDesired: this.#checkDesired } : {}),
      fullReadEveryMs: settings.fullReadSeconds * 1000,
      // pot: QDROUTERD_CONF always holds the desired state, for whatever starts the router next.
      onDesired: async () => {
        if (this.#supervisor || settings.platform === 'pot') await this.#writeBoot();
        this.#supervisor?.bootFileChanged();
      },
      onRestartRequired: (plan) => Promise.resolve(this.#restartRequired(plan)),
      onProgress: () => this.#liveness.progress(),
      ...(this.#binds ? { listenerBinds: this.#binds } : {}),
      onPass: (report) => {
        this.#afterPass(report);
        options.onPass?.(report);
      },
    });
    this.metrics.observeSource(() => this.#reconciler.sourceHealth());
    this.#queue = new WorkQueue(
      async (ctx) => {
        this.#liveness.passStarted();
        this.#passRunning = true;
        try {
          return await this.#reconciler.reconcile(ctx);
        } finally {
          this.#passRunning = false;
          this.#liveness.passEnded();
        }
      },
      {
        resyncMs: settings.resyncSeconds * 1000,
        onPassEnd: (ctx, outcome) => reportPassEnd(ctx, outcome, { metrics: this.metrics, status: this.status, log: this.#log }),
      },
    );
  }

  /**
   * Starts everything: HTTP first (so probes answer during start-up), then the router (unless
   * attaching), then the source watch and the first pass.
   */
  static async start(options: ControllerOptions): Promise<Controller> {
    const { settings } = options;
    const router = settings.routerUrl === undefined ? (options.router ?? { binary: requireRouterBinary(settings.routerBinary, process.env['PATH']) }) : undefined;
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
        readiness: () => this.#readiness(),
        status: () => this.#statusDocument(),
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
      // The router answers: the file it booted from is bootable (kept as the fallback).
      void this.#supervisor?.booted();
      this.#queue.trigger(e.reconnected ? 'router reconnected' : 'router connected');
    });
    trackReachability(this.#management, this.status);
    this.#management.on('routerRestarted', (e) => {
      if (!this.#supervisor) this.metrics.routerRestarts.inc({ reason: 'detected' });
      this.#queue.trigger(`router restarted (${e.reason})`);
    });
    if (this.#supervisor) {
      await this.#readInitialDesired();
      await this.#supervisor.start();
      this.#management.connect();
    }
    await this.#source.start((reason) => this.#queue.trigger(reason));
    await this.#ssl.start((reason) => this.#queue.trigger(reason));
    // The first /status already lists the certificates.
    this.#operator.refreshCertificates();
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
      const loaded = await loadChecked(snapshot.text, snapshot.file, this.#limits, this.#checkDesired);
      if (loaded.ok) this.#reconciler.adopt(loaded.state, snapshot.revision);
      else this.#log.warn('desired state invalid before the router starts; the first pass reports it', { errors: loaded.errors.length });
    } catch (error) {
      this.#log.warn('desired state not readable before the router starts', errorFields(error));
    }
  }

  /** The boot file (router/boot-writer.ts); `channelEntities` `[]` for the file a stopped controller leaves. */
  #writeBoot(channelEntities = this.#channel.bootEntities): Promise<void> {
    return this.#boot.write(channelEntities);
  }

  /**
   * After every pass: a restart-only change that went away cancels its pending restart, and a
   * change in what the router refused rewrites the boot file (the next boot must not hold it).
   */
  #afterPass(report: PassReport): void {
    if (report.plan.restart.length === 0) {
      // Nothing restart-only remains: the input went back, or a restart took it.
      this.#supervisor?.cancelRestart();
      this.#restartedFor = undefined;
    }
    if (!this.#supervisor && this.#o.settings.platform !== 'pot') return;
    if (!this.#boot.stale) return;
    this.#writeBoot().then(
      () => this.#supervisor?.bootFileChanged(),
      (error: unknown) => this.#log.warn('boot file not rewritten without the refused entities', errorFields(error)),
    );
  }

  /**
   * Restart-only changes under `auto`: the supervisor restarts the router once the input has been
   * still for a moment (and not sooner than its minimum interval after the last start), so a
   * flapping input costs one restart; a pass meanwhile leaves the scheduled restart as it is.
   */
  #restartRequired(plan: Plan): void {
    const { restartPolicy } = this.#o.settings;
    const changes = plan.restart.map((c) => `${c.kind}/${c.name}.${c.attribute}`);
    const supervisor = this.#supervisor;
    const canRestart = supervisor !== undefined && restartPolicy === 'auto';
    const policy = supervisor ? restartPolicy : 'attach (the controller does not run this router)';
    if (canRestart && (this.#restartedFor !== this.#reconciler.revision || supervisor.restartPending)) {
      if (this.#restartedFor !== this.#reconciler.revision) {
        this.#restartedFor = this.#reconciler.revision;
        this.#log.warn('restart-only changes: the router restarts from a new boot file once the input is still', { changes });
        this.metrics.routerRestarts.inc({ reason: 'policy' });
        supervisor.requestRestart(`restart-only change: ${changes.join(', ')}`);
      }
      // Not "pending" in /status: under auto it is on its way (the supervisor's health says when).
      return;
    }
    if (canRestart) this.#log.error('restart-only changes remain after a restart for this input', { changes });
    else this.#log.warn('restart-only changes pending', { changes, policy });
    this.status.update({ restartPending: { changes: plan.restart, policy } });
  }

  /** The router process as the supervisor sees it (undefined when attached), for `/status` and `/readyz`. */
  get routerProcess(): RouterProcessHealth | undefined {
    return this.#supervisor?.health();
  }

  /** `/readyz`: a crash-looping router first (the process says why), then the loop's readiness. */
  #readiness(): Probe {
    const process = this.routerProcess;
    const why = process && routerNotReadyReason(process);
    return why ? { ok: false, reason: why } : this.status.readiness();
  }

  /** `/status`: the loop's document, the router process as the supervisor sees it, router health and certificates. */
  #statusDocument(): StatusDocument & OperatorStatus {
    const doc = { ...this.status.document, ...this.#operator.status() };
    const process = this.routerProcess;
    return process ? { ...doc, router: { ...doc.router, process } } : doc;
  }

  #health(): Probe {
    if (this.#stopping) return { ok: false, reason: 'stopping' };
    return this.#liveness.check();
  }

  /**
   * Stops the loop, the source, HTTP and the management connection, then the router (SIGTERM,
   * SIGKILL after the grace period). Resolves with how the router ended (undefined when attached).
   */
  stop(): Promise<ExitInfo | undefined> {
    this.#stopping ??= (async () => {
      this.#log.info('controller stopping');
      // The pass in progress stops at its next operation boundary, whatever the size of its plan;
      // requests still in flight after STOP_IN_FLIGHT_MS fail when the connection closes.
      const passEnded = this.#queue.stop();
      this.#binds?.close();
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([passEnded.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), STOP_IN_FLIGHT_MS)))]);
      clearTimeout(timer);
      // A source read in flight (an Edgelet request) ends when the source closes.
      if (!ended) await Promise.all([this.#management.close(), this.#source.close()]);
      await passEnded;
      if (ended) await this.#source.close();
      await this.#ssl.close();
      await this.#http?.close();
      this.#operator.close();
      await this.#management.close();
      let exit: ExitInfo | undefined;
      try {
        if (this.#supervisor) this.#log.info('loop stopped; stopping the router');
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
