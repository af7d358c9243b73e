/**
 * Runs the real CLI (`dist/controller/cli/main.js run`) as a child process in kubernetes (file)
 * mode against the chosen router target, and gives scenarios what they observe it with: its
 * JSON log lines, `/status`, the router's management (through a client of our own) and its exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../controller/fs/atomic-write.js';
import type { StatusDocument } from '../../controller/loop/status.js';
import { ManagementClient } from '../../controller/management/index.js';
import { freePort } from '../../controller/net/free-port.js';

export { freePort };
import { revisionOf } from '../../controller/sources/file-source.js';
import type { RouterTarget } from './router-target.js';

const CLI = fileURLToPath(new URL('../../dist/controller/cli/main.js', import.meta.url));
const POLL_MS = 20;

export interface LogLine {
  readonly msg?: string;
  readonly level?: string;
  readonly [field: string]: unknown;
}

export interface ControllerProcessOptions {
  readonly target: RouterTarget;
  /** The first desired config file (skrouterd array or PoT object text). */
  readonly config: string;
  /** Extra settings (environment variables). */
  readonly env?: Readonly<Record<string, string>>;
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export class ControllerProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly dir: string;
  readonly configFile: string;
  readonly bootFile: string;
  readonly managementUrl: string;
  readonly httpPort: number;
  readonly #child: ChildProcess;
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #management: ManagementClient | undefined;

  private constructor(dir: string, managementPort: number, httpPort: number, child: ChildProcess) {
    this.dir = dir;
    this.configFile = join(dir, 'skrouterd.json');
    this.bootFile = join(dir, 'boot.json');
    this.managementUrl = `amqp://127.0.0.1:${managementPort}`;
    this.httpPort = httpPort;
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ msg: line });
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => this.stderr.push(line));
  }

  static async start(options: ControllerProcessOptions): Promise<ControllerProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'iofog-router-e2e-'));
    const [managementPort, httpPort] = [await freePort(), await freePort()];
    await writeFileAtomic(join(dir, 'skrouterd.json'), options.config);
    const child = spawn(process.execPath, [CLI, 'run'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        SKUPPER_PLATFORM: 'kubernetes',
        QDROUTERD_CONF: join(dir, 'skrouterd.json'),
        ROUTER_BOOT_FILE: join(dir, 'boot.json'),
        QDROUTERD_HOME: dir,
        ROUTER_MGMT_PORT: String(managementPort),
        // The harness checks the router through a management client of its own; the mTLS
        // channel admits only the controller, so scenarios that test it set MGMT_AUTH=mtls.
        MGMT_AUTH: 'none',
        HTTP_PORT: String(httpPort),
        DEBOUNCE_MS: '20',
        RESYNC_SECONDS: '3600',
        LOG_LEVEL: 'debug',
        SKROUTERD_BIN: options.target.bin,
        ...options.target.env,
        ...options.env,
      },
    });
    const controller = new ControllerProcess(dir, managementPort, httpPort, child);
    await waitFor('the controller to answer /healthz', async () => ((await controller.get('/healthz')).ok ? true : undefined));
    return controller;
  }

  async get(path: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.httpPort}${path}`);
  }

  async status(): Promise<StatusDocument> {
    return (await (await this.get('/status')).json()) as StatusDocument;
  }

  /** A client of our own to the router's management (the controller's listener). */
  get management(): ManagementClient {
    this.#management ??= new ManagementClient({ url: this.managementUrl, timeoutMs: 10_000 });
    return this.#management;
  }

  revisionOf(text: string): string {
    return revisionOf(text);
  }

  /** Writes the desired file atomically (like a ConfigMap update) and returns its revision. */
  async writeConfig(text: string): Promise<string> {
    await writeFileAtomic(this.configFile, text);
    return revisionOf(text);
  }

  /** Waits until a pass converged with `revision` applied; returns that pass's id. */
  async waitConverged(revision: string, timeoutMs?: number): Promise<number> {
    return this.#explained(waitFor(
      `convergence on revision ${revision}`,
      async () => {
        const s = await this.status();
        return s.source.appliedRevision === revision && s.lastPass?.result === 'converged' && s.source.revision === revision
          ? s.lastPass.id
          : undefined;
      },
      timeoutMs,
    ));
  }

  /** On failure, adds what the controller last said and reported, so a timeout can be diagnosed. */
  async #explained<T>(wait: Promise<T>): Promise<T> {
    try {
      return await wait;
    } catch (error) {
      const status = await this.status().catch(() => undefined);
      const logs = this.logs.filter((l) => l['component'] !== 'management').slice(-12);
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nstatus: ${JSON.stringify(status)}\nlast log lines:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`, {
        cause: error,
      });
    }
  }

  /** The log lines of passes (`pass converged`) with their reconcile id, in order. */
  passes(): { id: number; operations: number; revision: string | undefined }[] {
    return this.logs
      .filter((l) => l.msg === 'pass converged')
      .map((l) => ({ id: Number(l['reconcileId']), operations: Number(l['operations']), revision: l['revision'] as string | undefined }));
  }

  async routerPid(): Promise<number> {
    return waitFor('the router pid', async () => (await this.status()).router.pid);
  }

  /** SIGTERM (or `signal`) to the controller; resolves with how it exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    await this.#management?.close();
    this.#management = undefined;
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill(signal);
    return this.#exited;
  }

  /** Stops the controller if running and removes its directory. */
  async dispose(): Promise<void> {
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000);
    await this.stop();
    clearTimeout(timer);
    await rm(this.dir, { recursive: true, force: true });
  }
}
