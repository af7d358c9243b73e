/**
 * Runs skrouterd as a child process, one router per controller:
 * - before the first start, stops a router an earlier controller of this boot file left running
 *   (`leftover-router.ts`), and before every start checks that the management port is free
 *   (`port-check.ts`); a watchdog stops the router when this process ends, however it ends
 *   (`watchdog.ts`);
 * - boots it from the boot file (rewritten before every start), or, when that exact file exited
 *   during boot, from the last boot file that booted or a minimal one (`boot-files.ts`);
 * - turns its output into structured log lines and keeps its last stderr lines;
 * - restarts it when it exits unasked, with backoff, and for restart-only changes, rate-limited
 *   (`restart-policy.ts`); stops it gracefully (SIGTERM, then SIGKILL after a grace period);
 * - reports all of it as a {@link RouterProcessHealth} snapshot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { errorFields, type Log } from '../log.js';
import { BootFiles, type BootChoice } from './boot-files.js';
import { findLeftovers, identityOf, removePidRecord, stopLeftovers, writePidRecord } from './leftover-router.js';
import { assertPortFree } from './port-check.js';
import { DEFAULT_RESTART_TIMINGS, controlledRestartAt, crashDelayMs, nextConsecutive, shortenedDueAt, type RestartTimings } from './restart-policy.js';
import { CRASH_LOOP_EXITS, LineTail, type RestartCause, type RouterExit, type RouterProcessHealth } from './router-health.js';
import { logRouterLine } from './router-log.js';
import { startWatchdog } from './watchdog.js';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Timings default to {@link DEFAULT_RESTART_TIMINGS}. */
export interface SupervisorOptions extends Partial<RestartTimings> {
  readonly binary: string;
  /** Arguments before `-c BOOT_FILE` (e.g. the script when `binary` is an interpreter). */
  readonly args?: readonly string[];
  readonly bootFile: string;
  /** Working directory of the router (QDROUTERD_HOME when it exists). */
  readonly cwd?: string;
  readonly log: Log;
  /** Rewrites the boot file; runs before every start and restart. */
  readonly prepareBoot: () => Promise<void>;
  /**
   * Writes a minimal boot file (the router entity and the management listener) to `file`: the
   * fallback when the boot file exited during boot and no boot file of this run has booted yet.
   * Without it there is no such fallback.
   */
  readonly prepareMinimalBoot?: (file: string) => Promise<void>;
  /** The boot file's management port: checked free before every start. Default: not checked. */
  readonly managementPort?: number;
  /** Time between SIGTERM and SIGKILL on stop (ours, and a leftover's). Default 10 s. */
  readonly stopGraceMs?: number;
  /** Stop the router when this process ends (`watchdog.ts`). Default true. */
  readonly watchdog?: boolean;
  /** A new router process is up (first start, crash restart or controlled restart). */
  /** `bootSource`: which boot file it started from (`desired`, or a fallback). */
  readonly onStarted?: (pid: number, reason: string, bootSource: BootChoice['source']) => void;
  /** Each line the router writes (stdout or stderr), after it is logged. */
  readonly onLine?: (line: string) => void;
  /** The router exited without being asked to; it restarts in `restartInMs`. */
  readonly onCrash?: (exit: ExitInfo, restartInMs: number, cause: RestartCause) => void;
}

type Optional = 'cwd' | 'onStarted' | 'onCrash' | 'onLine' | 'prepareMinimalBoot' | 'managementPort';
type Resolved = Required<Omit<SupervisorOptions, Optional>> & Pick<SupervisorOptions, Optional>;

interface PendingRestart {
  readonly timer: NodeJS.Timeout;
  readonly dueAt: number;
  readonly cause: RestartCause;
  readonly reason: string;
}

export class RouterSupervisor {
  readonly #o: Resolved;
  readonly #boot: BootFiles;
  #child: ChildProcess | undefined;
  #exited: Promise<ExitInfo> | undefined;
  #choice: BootChoice | undefined;
  #stderr = new LineTail();
  /** The child we are stopping (its exit is no crash). */
  #stopping: ChildProcess | undefined;
  /** Stopped by its owner: nothing restarts until the next start(). */
  #closed = false;
  #launching: Promise<void> | undefined;
  #firstStart = true;
  /** The boot file's pid record and copies are ours (no other running controller has them). */
  #owner = false;
  #booted = false;
  #startedAt = -Infinity;
  #lastChangeAt = -Infinity;
  #consecutive = 0;
  #lastExit: RouterExit | undefined;
  #next: PendingRestart | undefined;
  readonly #restarts: Record<RestartCause, number> = { crash: 0, restartOnly: 0, bootFailure: 0 };

  constructor(options: SupervisorOptions) {
    this.#o = { ...DEFAULT_RESTART_TIMINGS, stopGraceMs: 10_000, args: [], watchdog: true, ...options };
    this.#boot = new BootFiles(options.bootFile);
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** A restart (crash backoff or restart-only change) is scheduled. */
  get restartPending(): boolean {
    return this.#next !== undefined;
  }

  /**
   * Starts the router: the first time, stops a router left by an earlier controller of this boot
   * file. Rejects when the binary cannot be started or the management port is held.
   */
  async start(reason = 'start'): Promise<void> {
    this.#closed = false;
    if (this.#firstStart) {
      this.#firstStart = false;
      // Throws when another running controller uses this boot file: its files are not ours to touch.
      const leftovers = await findLeftovers(this.#o.bootFile, this.#boot.all, new Set());
      this.#owner = true;
      await stopLeftovers(leftovers, this.#o.stopGraceMs, this.#o.log);
      await this.#boot.clearStale();
    }
    await this.#launch(reason);
  }

  /** The router answered management: the file it booted from is bootable. */
  async booted(): Promise<void> {
    const child = this.#child;
    const choice = this.#choice;
    if (!child || !choice || this.#booted) return;
    this.#booted = true;
    if (choice.source !== 'desired') this.#o.log.warn('router answers, booted from a fallback boot file; the loop applies the rest', { bootSource: choice.source });
    await this.#boot.booted(choice).catch((error: unknown) => this.#o.log.warn('last good boot file not kept', errorFields(error)));
  }

  /**
   * A restart-only change: restarts once the desired state has been still for `restartQuietMs`
   * and `restartMinIntervalMs` after the last start; requests meanwhile coalesce. Never throws.
   */
  requestRestart(reason: string): void {
    if (this.#closed || (this.#next && this.#next.cause !== 'restartOnly')) return;
    const now = performance.now();
    this.#schedule('restartOnly', controlledRestartAt(this.#lastChangeAt, this.#startedAt, this.#o) - now, reason);
  }

  /** The restart-only change is gone (the input went back): drop a pending restart for it. */
  cancelRestart(): void {
    if (this.#next?.cause === 'restartOnly') this.#clearNext();
  }

  /**
   * The desired boot file changed: a pending restart-only restart waits for a quiet input again,
   * and a pending crash restart runs no later than `restartBaseMs` from now (the new file may be
   * the fix; it must not wait out a backoff earned by the old one).
   */
  bootFileChanged(): void {
    const now = performance.now();
    this.#lastChangeAt = now;
    const next = this.#next;
    if (!next) return;
    if (next.cause === 'restartOnly') {
      this.#schedule('restartOnly', controlledRestartAt(now, this.#startedAt, this.#o) - now, next.reason);
      return;
    }
    const dueAt = shortenedDueAt(next.dueAt, now, this.#o);
    if (dueAt < next.dueAt) {
      this.#o.log.info('boot file changed: restarting the router sooner', { restartInMs: Math.round(dueAt - now) });
      this.#schedule(next.cause, dueAt - now, next.reason);
    }
  }

  health(): RouterProcessHealth {
    const running = this.#child !== undefined;
    const pid = this.#child?.pid;
    const next = this.#next;
    return {
      running,
      ...(pid !== undefined ? { pid } : {}),
      booted: running && this.#booted,
      crashLooping: this.#consecutive >= CRASH_LOOP_EXITS && !(running && this.#booted),
      consecutiveExits: this.#consecutive,
      ...(this.#lastExit ? { lastExit: this.#lastExit } : {}),
      stderrTail: running || !this.#lastExit ? this.#stderr.lines : this.#lastExit.stderr,
      bootSource: this.#choice?.source ?? 'desired',
      restarts: { ...this.#restarts },
      ...(next ? { nextRestart: { at: new Date(Date.now() + Math.max(0, next.dueAt - performance.now())).toISOString(), cause: next.cause } } : {}),
    };
  }

  /** Stops the router: `signal` first, SIGKILL after the grace period. Resolves with how it ended. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo | undefined> {
    this.#closed = true;
    this.#clearNext();
    await this.#launching?.catch(() => undefined);
    const exit = await this.#stopRouter(signal);
    // The copies name this run's management certificates, which go with it.
    if (this.#owner) await Promise.all([removePidRecord(this.#o.bootFile), this.#boot.clearStale()]).catch(() => undefined);
    return exit;
  }

  /** A controlled restart now (no rate limit): stop, rewrite the boot file, start. */
  async restart(reason: string): Promise<void> {
    this.#clearNext();
    await this.#launching?.catch(() => undefined);
    await this.#stopRouter();
    this.#restarts.restartOnly++;
    await this.#launch(reason);
  }

  #launch(reason: string): Promise<void> {
    const launching = this.#spawn(reason);
    this.#launching = launching;
    return launching.finally(() => {
      if (this.#launching === launching) this.#launching = undefined;
    });
  }

  async #spawn(reason: string): Promise<void> {
    const o = this.#o;
    await o.prepareBoot();
    const choice = await this.#boot.choose(o.prepareMinimalBoot);
    if (o.managementPort !== undefined) await assertPortFree(o.managementPort);
    const child = spawn(o.binary, [...o.args, '-c', choice.file], { cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const identity = child.pid === undefined ? undefined : identityOf(child.pid);
    const watchdog =
      o.watchdog && identity
        ? startWatchdog(identity, o.stopGraceMs / 1000, (error) => o.log.warn('no router watchdog: if this process is killed, the next controller stops its router', errorFields(error)))
        : undefined;
    const stderr = new LineTail();
    this.#child = child;
    this.#choice = choice;
    this.#stderr = stderr;
    this.#booted = false;
    this.#startedAt = performance.now();
    createInterface({ input: child.stdout }).on('line', (line) => {
      logRouterLine(o.log, 'stdout', line);
      o.onLine?.(line);
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderr.push(line);
      logRouterLine(o.log, 'stderr', line);
      o.onLine?.(line);
    });
    this.#exited = new Promise((resolve) => {
      // 'close': the exit status and every output line (the router's last words come last).
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        const exit = { code, signal };
        watchdog?.release();
        if (this.#child === child) this.#child = undefined;
        resolve(exit);
        if (this.#stopping !== child && !this.#closed) this.#crashed(exit, choice, stderr);
      });
    });
    if (child.pid !== undefined) await writePidRecord(o.bootFile, child.pid).catch((error: unknown) => o.log.warn('router pid file not written', errorFields(error)));
    o.log.info('router started', { pid: child.pid, binary: o.binary, bootFile: choice.file, bootSource: choice.source, reason });
    o.onStarted?.(child.pid ?? 0, reason, choice.source);
  }

  async #stopRouter(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo | undefined> {
    const child = this.#child;
    const exited = this.#exited;
    if (!child || !exited) return undefined;
    this.#stopping = child;
    child.kill(signal);
    const kill = setTimeout(() => child.kill('SIGKILL'), this.#o.stopGraceMs);
    const exit = await exited;
    clearTimeout(kill);
    this.#o.log.info('router stopped', { code: exit.code, signal: exit.signal });
    return exit;
  }

  #crashed(exit: ExitInfo, choice: BootChoice, stderr: LineTail): void {
    const o = this.#o;
    const duringBoot = !this.#booted;
    this.#consecutive = nextConsecutive(this.#consecutive, performance.now() - this.#startedAt, o);
    this.#lastExit = { ...exit, at: new Date().toISOString(), duringBoot, stderr: stderr.lines };
    let cause: RestartCause = 'crash';
    let delay = crashDelayMs(this.#consecutive, o);
    if (duringBoot) {
      cause = 'bootFailure';
      if (this.#boot.hasFallback(choice, o.prepareMinimalBoot !== undefined)) delay = 0;
      this.#boot.failedAtBoot(choice);
    }
    const fields = { code: exit.code, signal: exit.signal, restartInMs: delay, bootFile: choice.file, bootSource: choice.source, stderr: stderr.lines.slice(-5) };
    if (duringBoot) o.log.error(`router exited during boot from the ${choice.source} boot file; restarting${delay === 0 ? ' from a fallback boot file' : ''}`, fields);
    else o.log.error('router exited unexpectedly; restarting', fields);
    o.onCrash?.(exit, delay, cause);
    this.#schedule(cause, delay, cause === 'bootFailure' ? 'boot failure' : 'crash');
  }

  #schedule(cause: RestartCause, delayMs: number, reason: string): void {
    this.#clearNext();
    const delay = Math.max(0, delayMs);
    const timer = setTimeout(() => {
      this.#next = undefined;
      void this.#restartNow(cause, reason);
    }, delay);
    this.#next = { timer, dueAt: performance.now() + delay, cause, reason };
  }

  #clearNext(): void {
    clearTimeout(this.#next?.timer);
    this.#next = undefined;
  }

  async #restartNow(cause: RestartCause, reason: string): Promise<void> {
    try {
      // One router at a time: a start under way (a crash restart) finishes first.
      await this.#launching?.catch(() => undefined);
      if (this.#closed) return;
      if (cause === 'restartOnly') await this.#stopRouter();
      if (this.#closed) return;
      this.#restarts[cause]++;
      await this.#launch(reason);
    } catch (error) {
      this.#consecutive++;
      const delay = crashDelayMs(this.#consecutive, this.#o);
      this.#o.log.error('router restart failed; trying again', { restartInMs: delay, ...errorFields(error) });
      if (!this.#closed) this.#schedule(cause === 'restartOnly' ? 'crash' : cause, delay, reason);
    }
  }
}
