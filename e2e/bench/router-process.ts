/**
 * A router for a benchmark: a separate process started the way the controller starts one
 * (`BIN -c BOOT_FILE`), booted from a file that holds the desired state plus the management
 * listener. The simulator always runs from this build (`dist-bench/e2e/simulator/main.js`, its
 * latency model on); a real router comes from `routerTarget()` (SKROUTERD_BIN or a container
 * engine). The management channel is the anonymous loopback listener by default, or with
 * `auth: 'mtls'` the product's mutual-TLS channel (`openManagementChannel`): callers then build
 * their ManagementClient from {@link RouterProcess.clientOptions}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagementClient, type ManagementTlsOptions } from '../../controller/management/index.js';
import { freePort } from '../../controller/net/free-port.js';
import { bootConfig } from '../../controller/router/boot-file.js';
import { anonymousListener, openManagementChannel, type ManagementChannel } from '../../controller/router/management-channel.js';
import type { DesiredState } from '../../schemas/index.js';
import { startTimeoutMs } from './router-costs.js';

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

/** How the benchmark's client reaches the router's management listener. */
export type ChannelAuth = 'none' | 'mtls';

export interface RouterStartOptions {
  /** How long to wait until management answers. Default: the predicted boot of the state with its margin (`router-costs.ts`). */
  readonly timeoutMs?: number;
  /**
   * `none` (default): the anonymous loopback listener (`MGMT_AUTH=none`); `mtls`: the product's
   * mutual-TLS channel (fresh credentials, sslProfile + listener with requireSsl,
   * authenticatePeer, SASL EXTERNAL), as the controller boots its router by default.
   */
  readonly auth?: ChannelAuth;
}

/** The connection part of ManagementClientOptions: spread it into `new ManagementClient({...})`. */
export type ClientConnection = { readonly url: string } | { readonly url: string; readonly tls: ManagementTlsOptions };

export class RouterProcess {
  readonly url: string;
  readonly dir: string;
  readonly auth: ChannelAuth;
  /** The client's TLS material with `auth: 'mtls'`; undefined over plain AMQP. */
  readonly tls: ManagementTlsOptions | undefined;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly #closeChannel: () => Promise<void>;
  readonly output: string[] = [];
  /** Spawn → first answered management request (the router's own boot of its file), ms. */
  bootMs = Number.NaN;

  private constructor(dir: string, child: ChildProcess, auth: ChannelAuth, channel: Pick<ManagementChannel, 'url' | 'tls' | 'close'>) {
    this.url = channel.url;
    this.tls = channel.tls;
    this.dir = dir;
    this.auth = auth;
    this.#closeChannel = channel.close;
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

  /** `{ url }`, plus `tls` over the mTLS channel. */
  get clientOptions(): ClientConnection {
    return this.tls === undefined ? { url: this.url } : { url: this.url, tls: this.tls };
  }

  /** Boots `target` from `state` and waits until management answers (up to `timeoutMs`). */
  static async start(target: BenchTarget, state: DesiredState, options: RouterStartOptions = {}): Promise<RouterProcess> {
    const { timeoutMs = startTimeoutMs(state), auth = 'none' } = options;
    const dir = await mkdtemp(join(tmpdir(), 'iofog-router-bench-router-'));
    const port = await freePort();
    const boot = join(dir, 'boot.json');
    let channel: Pick<ManagementChannel, 'url' | 'tls' | 'bootEntities' | 'close'>;
    try {
      channel =
        auth === 'mtls'
          ? await openManagementChannel({ managementAuth: 'mtls', managementPort: port, bootFile: boot, configFile: boot })
          : { url: `amqp://127.0.0.1:${port}`, tls: undefined, bootEntities: [anonymousListener(port)], close: async () => {} };
      await writeFile(boot, bootConfig(state, channel.bootEntities));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    const spawnedAt = performance.now();
    const child = spawn(target.bin, ['-c', boot], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...target.env } });
    const router = new RouterProcess(dir, child, auth, channel);
    let probe: ManagementClient | undefined;
    try {
      // Retries every ≤ 100 ms, so that bootMs is the router's own boot to about 0.1 s.
      probe = new ManagementClient({ ...router.clientOptions, timeoutMs, connectTimeoutMs: 2_000, reconnectInitialDelayMs: 25, reconnectMaxDelayMs: 100 });
      await Promise.race([
        probe.checkRouter(),
        router.#exited.then(() => {
          throw new Error(`router exited during start-up: ${router.output.join('').slice(0, 2000)}`);
        }),
      ]);
      router.bootMs = performance.now() - spawnedAt;
    } catch (error) {
      await router.stop();
      if (router.#child.exitCode !== null || router.#child.signalCode !== null) throw error;
      throw new Error(`${target.description}: management did not answer within ${(timeoutMs / 1000).toFixed(0)} s of the router's start`, { cause: error });
    } finally {
      await probe?.close();
    }
    return router;
  }

  /** SIGTERM, SIGKILL after 5 s; removes the channel's certificates and the boot directory. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
      await this.#exited;
      clearTimeout(timer);
    }
    await this.#closeChannel();
    await rm(this.dir, { recursive: true, force: true });
  }
}
