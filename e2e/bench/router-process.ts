/**
 * A router for a benchmark: a separate process started the way the controller starts one
 * (`BIN -c BOOT_FILE`), booted from a file that holds the desired state plus the management
 * listener. The simulator always runs from this build (`dist-bench/e2e/simulator/main.js`, its
 * latency model on); a real router comes from `routerTarget()` (SKROUTERD_BIN or a container
 * engine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagementClient } from '../../controller/management/index.js';
import { freePort } from '../../controller/net/free-port.js';
import { bootConfig } from '../../controller/router/boot-file.js';
import type { DesiredState } from '../../schemas/index.js';

export interface BenchTarget {
  readonly kind: 'simulator' | 'binary' | 'container';
  readonly description: string;
  /** Command run as `bin -c BOOT_FILE` (for the simulator: a shim written at start-up). */
  readonly bin: string;
  readonly env: Readonly<Record<string, string>>;
}

/** The simulator's entry point in this build. */
const SIMULATOR_MAIN = fileURLToPath(new URL('../simulator/main.js', import.meta.url));

/**
 * The simulator of this build behind skrouterd's command line (a small shell shim in `dir`);
 * `latency: false` turns its latency model off (only for the client-overhead figures).
 */
export async function simulatorTarget(dir: string, latency = true): Promise<BenchTarget> {
  const bin = join(dir, latency ? 'skrouterd-sim' : 'skrouterd-sim-no-latency');
  const flag = latency ? '' : ' --no-latency';
  await writeFile(bin, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(SIMULATOR_MAIN)}${flag} "$@"\n`);
  await chmod(bin, 0o755);
  return { kind: 'simulator', description: `simulator (latency model ${latency ? 'on' : 'off'})`, bin, env: {} };
}

export class RouterProcess {
  readonly url: string;
  readonly dir: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly output: string[] = [];

  private constructor(url: string, dir: string, child: ChildProcess) {
    this.url = url;
    this.dir = dir;
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = (chunk: Buffer) => {
      if (this.output.length < 200) this.output.push(chunk.toString());
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Boots `target` from `state` and waits until management answers (up to `timeoutMs`). */
  static async start(target: BenchTarget, state: DesiredState, timeoutMs = 120_000): Promise<RouterProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'iofog-router-bench-router-'));
    const port = await freePort();
    const boot = join(dir, 'boot.json');
    await writeFile(boot, bootConfig(state, port));
    const child = spawn(target.bin, ['-c', boot], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...target.env } });
    const router = new RouterProcess(`amqp://127.0.0.1:${port}`, dir, child);
    const probe = new ManagementClient({ url: router.url, timeoutMs, connectTimeoutMs: 2_000, reconnectInitialDelayMs: 100, reconnectMaxDelayMs: 250 });
    try {
      await Promise.race([
        probe.checkRouter(),
        router.#exited.then(() => {
          throw new Error(`router exited during start-up: ${router.output.join('').slice(0, 2000)}`);
        }),
      ]);
    } catch (error) {
      await router.stop();
      throw error;
    } finally {
      await probe.close();
    }
    return router;
  }

  /** SIGTERM, SIGKILL after 5 s; removes the boot directory. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
      await this.#exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
