/**
 * Runs skrouterd as a child process: boots it from the boot file (rewritten before every start),
 * turns its output into structured log lines, restarts it with backoff when it crashes, and stops
 * it gracefully (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Log } from '../log.js';
import { logRouterLine } from './router-log.js';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SupervisorOptions {
  readonly binary: string;
  /** Arguments before `-c BOOT_FILE` (e.g. the script when `binary` is an interpreter). */
  readonly args?: readonly string[];
  readonly bootFile: string;
  /** Working directory of the router (QDROUTERD_HOME when it exists). */
  readonly cwd?: string;
  readonly log: Log;
  /** Rewrites the boot file; runs before every start and restart. */
  readonly prepareBoot: () => Promise<void>;
  /** First delay before restarting a crashed router. Default 1 s. */
  readonly restartBaseMs?: number;
  /** Largest restart delay. Default 30 s. */
  readonly restartMaxMs?: number;
  /** A router that ran this long is healthy again: the crash backoff resets. Default 60 s. */
  readonly stableAfterMs?: number;
  /** Time between SIGTERM and SIGKILL on stop. Default 10 s. */
  readonly stopGraceMs?: number;
  /** A new router process is up (first start, crash restart or controlled restart). */
  readonly onStarted?: (pid: number, reason: string) => void;
  /** The router exited without being asked to. */
  readonly onCrash?: (exit: ExitInfo, restartInMs: number) => void;
}

export class RouterSupervisor {
  readonly #o: Required<Omit<SupervisorOptions, 'cwd' | 'onStarted' | 'onCrash'>> &
    Pick<SupervisorOptions, 'cwd' | 'onStarted' | 'onCrash'>;
  #child: ChildProcess | undefined;
  #exited: Promise<ExitInfo> | undefined;
  #stopping = false;
  #crashes = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #startedAt = 0;

  constructor(options: SupervisorOptions) {
    this.#o = {
      restartBaseMs: 1000,
      restartMaxMs: 30_000,
      stableAfterMs: 60_000,
      stopGraceMs: 10_000,
      args: [],
      ...options,
    };
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Writes the boot file and starts the router; rejects when the binary cannot be started. */
  async start(reason = 'start'): Promise<void> {
    this.#stopping = false;
    await this.#o.prepareBoot();
    const child = spawn(this.#o.binary, [...this.#o.args, '-c', this.#o.bootFile], {
      cwd: this.#o.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    this.#child = child;
    this.#startedAt = performance.now();
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream] }).on('line', (line) => logRouterLine(this.#o.log, stream, line));
    }
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const exit = { code, signal };
        if (this.#child === child) this.#child = undefined;
        resolve(exit);
        if (!this.#stopping) this.#crashed(exit);
      });
    });
    this.#o.log.info('router started', { pid: child.pid, binary: this.#o.binary, bootFile: this.#o.bootFile, reason });
    this.#o.onStarted?.(child.pid ?? 0, reason);
  }

  /** Stops the router: `signal` first, SIGKILL after the grace period. Resolves with how it ended. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo | undefined> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (!child || !this.#exited) return undefined;
    child.kill(signal);
    const kill = setTimeout(() => child.kill('SIGKILL'), this.#o.stopGraceMs);
    const exit = await this.#exited;
    clearTimeout(kill);
    this.#o.log.info('router stopped', { code: exit.code, signal: exit.signal });
    return exit;
  }

  /** A controlled restart (restart-only change): stop, rewrite the boot file, start. */
  async restart(reason: string): Promise<void> {
    await this.stop();
    await this.start(reason);
  }

  #crashed(exit: ExitInfo): void {
    if (performance.now() - this.#startedAt >= this.#o.stableAfterMs) this.#crashes = 0;
    this.#crashes++;
    const delay = Math.min(this.#o.restartMaxMs, this.#o.restartBaseMs * 2 ** (this.#crashes - 1));
    this.#o.log.error('router exited unexpectedly; restarting', { code: exit.code, signal: exit.signal, restartInMs: delay });
    this.#o.onCrash?.(exit, delay);
    this.#restartTimer = setTimeout(() => {
      this.start('crash').catch((error: unknown) => {
        this.#o.log.error('router restart failed', { error: String(error) });
        this.#crashed({ code: null, signal: null });
      });
    }, delay);
  }
}
