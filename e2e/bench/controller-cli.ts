/**
 * The real CLI as a child process in kubernetes (file) mode, supervising a router it boots from
 * the file. Used for cold start and memory: process start → first converged pass, and the
 * controller's RSS (the router is a separate process and is not counted). It runs as the image
 * runs it: the esbuild bundle (`dist/bundle/iofog-router.mjs`, `just bundle`; `just bench` builds
 * it) with the image's NODE_OPTIONS; without a bundle, `controller/cli/main.js` of this build.
 * `BENCH_CLI=dist` or `BENCH_CLI=bundle` chooses (the latter fails when there is no bundle).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../controller/net/free-port.js';
import type { StatusDocument } from '../../controller/loop/status.js';
import type { BenchTarget } from './router-process.js';

/** `ENV NODE_OPTIONS` of the runtime image (`router-build/Containerfile`; its test keeps the two equal). */
export const IMAGE_NODE_OPTIONS = '--max-semi-space-size=1 --max-old-space-size=96';

/** `controller/cli/main.js` of this build (`dist-bench/`). */
const DIST_CLI = fileURLToPath(new URL('../../controller/cli/main.js', import.meta.url));
/** The runtime image's entry point, built by `router-build/bundle.mjs` into the repository's `dist/bundle/`. */
export const BUNDLE_CLI = fileURLToPath(new URL('../../../dist/bundle/iofog-router.mjs', import.meta.url));

export type CliEntry = 'bundle' | 'dist';

/** The entry the bench runs: `BENCH_CLI` when set, else the bundle when it is built, else dist. */
export function cliEntry(env: NodeJS.ProcessEnv = process.env): CliEntry {
  const chosen = env['BENCH_CLI'];
  if (chosen === 'bundle' || chosen === 'dist') {
    if (chosen === 'bundle' && !existsSync(BUNDLE_CLI)) throw new Error(`BENCH_CLI=bundle: ${BUNDLE_CLI} is not built (just bundle)`);
    return chosen;
  }
  if (chosen !== undefined && chosen !== '') throw new Error(`BENCH_CLI=${chosen}: expected bundle or dist`);
  return existsSync(BUNDLE_CLI) ? 'bundle' : 'dist';
}
/** The file {@link cliEntry} names. */
export function cliPath(): string {
  return cliEntry() === 'bundle' ? BUNDLE_CLI : DIST_CLI;
}
const POLL_MS = 5;

export interface CliStart {
  /** Spawn → first `/healthz` 200 (node start, module load, HTTP up). */
  readonly healthyMs: number;
  /** Spawn → `management connected` log line (the router is up and answering). */
  readonly connectedMs: number;
  /** Spawn → `/status` shows the first converged pass. */
  readonly convergedMs: number;
  /** Duration of that first pass as the controller measured it. */
  readonly firstPassMs: number;
  /** Operations the first pass planned and management writes counted by the metrics. */
  readonly firstPassOperations: number;
  readonly managementWrites: number;
}

export class ControllerCli {
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #httpPort: number;
  readonly #exited: Promise<void>;
  readonly #lines: { at: number; msg: string }[] = [];

  private constructor(child: ChildProcess, dir: string, httpPort: number) {
    this.#child = child;
    this.#dir = dir;
    this.#httpPort = httpPort;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg = line;
      try {
        msg = String((JSON.parse(line) as { msg?: unknown }).msg);
      } catch {
        // not JSON: keep the raw line
      }
      this.#lines.push({ at: performance.now(), msg });
    });
    child.stderr?.resume();
  }

  get pid(): number {
    const pid = this.#child.pid;
    if (pid === undefined) throw new Error('controller process has no pid');
    return pid;
  }

  /**
   * Starts the CLI on `config` (a skrouterd array file's text) and waits for the first converged
   * pass, up to `deadlineMs` (give it the router's predicted boot with a margin: `router-costs.ts`).
   */
  static async start(target: BenchTarget, config: string, deadlineMs: number, env: Record<string, string> = {}): Promise<{ cli: ControllerCli; start: CliStart }> {
    const dir = await mkdtemp(join(tmpdir(), 'iofog-router-bench-cli-'));
    const [managementPort, httpPort] = [await freePort(), await freePort()];
    // The desired file in a directory of its own, as a ConfigMap volume is mounted (see latency.ts).
    await mkdir(join(dir, 'config'));
    await writeFile(join(dir, 'config', 'skrouterd.json'), config);
    const t0 = performance.now();
    const child = spawn(process.execPath, [cliPath(), 'run'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        SKUPPER_PLATFORM: 'kubernetes',
        QDROUTERD_CONF: join(dir, 'config', 'skrouterd.json'),
        ROUTER_BOOT_FILE: join(dir, 'boot.json'),
        QDROUTERD_HOME: dir,
        ROUTER_MGMT_PORT: String(managementPort),
        HTTP_PORT: String(httpPort),
        LOG_LEVEL: 'info',
        // The V8 heap sizing the image ships with, so the bench measures what users run.
        NODE_OPTIONS: IMAGE_NODE_OPTIONS,
        SKROUTERD_BIN: target.bin,
        ...target.env,
        ...env,
      },
    });
    const cli = new ControllerCli(child, dir, httpPort);
    try {
      let healthyAt: number | undefined;
      let status: StatusDocument | undefined;
      for (const deadline = t0 + deadlineMs; ; ) {
        if (child.exitCode !== null) throw new Error(`controller exited with ${child.exitCode} during start-up`);
        if (performance.now() > deadline) throw new Error(`controller on ${target.description} did not converge within ${(deadlineMs / 1000).toFixed(0)} s`);
        try {
          if (healthyAt === undefined) {
            if ((await cli.#get('/healthz')).ok) healthyAt = performance.now();
          } else {
            status = (await (await cli.#get('/status')).json()) as StatusDocument;
            if (status.lastPass?.result === 'converged') break;
          }
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      const convergedAt = performance.now();
      const connected = cli.#lines.find((l) => l.msg === 'management connected');
      return {
        cli,
        start: {
          healthyMs: (healthyAt ?? convergedAt) - t0,
          connectedMs: (connected?.at ?? convergedAt) - t0,
          convergedMs: convergedAt - t0,
          firstPassMs: status?.lastPass?.durationMs ?? Number.NaN,
          firstPassOperations: status?.lastPass?.operations ?? Number.NaN,
          managementWrites: await cli.managementWrites(),
        },
      };
    } catch (error) {
      await cli.stop();
      throw error;
    }
  }

  /** Sum of `iofog_router_management_operations_total` (every CREATE/UPDATE/DELETE sent). */
  async managementWrites(): Promise<number> {
    const text = await (await this.#get('/metrics')).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('iofog_router_management_operations_total'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  }

  /** Passes counted by `iofog_router_reconcile_total`. */
  async passes(): Promise<number> {
    const text = await (await this.#get('/metrics')).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('iofog_router_reconcile_total'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  }

  /**
   * Resident set size, its peak, and the anonymous part (heap, stacks: what the process itself
   * allocated; the rest of RSS is the node binary's file-backed pages), in MB, from /proc (Linux).
   */
  async rss(): Promise<{ rssMb: number; peakMb: number; anonMb: number }> {
    const [status, rollup] = await Promise.all([
      readFile(`/proc/${this.pid}/status`, 'utf8'),
      readFile(`/proc/${this.pid}/smaps_rollup`, 'utf8').catch(() => ''),
    ]);
    const kb = (text: string, key: string) => Number(/(\d+) kB/.exec(text.split('\n').find((l) => l.startsWith(key)) ?? '')?.[1] ?? Number.NaN);
    return { rssMb: kb(status, 'VmRSS:') / 1024, peakMb: kb(status, 'VmHWM:') / 1024, anonMb: kb(rollup, 'Anonymous:') / 1024 };
  }

  #get(path: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.#httpPort}${path}`);
  }

  /** SIGTERM (the controller stops its router), SIGKILL after 15 s; removes the directory. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000);
      await this.#exited;
      clearTimeout(timer);
    }
    await rm(this.#dir, { recursive: true, force: true });
  }
}
