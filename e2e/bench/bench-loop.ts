/**
 * The controller's loop, assembled from its real pieces — FileSource (chokidar + debounce),
 * WorkQueue, Reconciler, ManagementClient, all with the product's default settings — with the
 * probes of `instrument.ts` between them, so a pass can be split into debounce, reading,
 * planning and applying without logging anything. `Controller` builds the same pieces the same
 * way; it adds HTTP and the supervisor, which a pass does not touch.
 */
import { Metrics } from '../../controller/http/metrics.js';
import { createLog } from '../../controller/log.js';
import { Reconciler, type PassReport } from '../../controller/loop/reconciler.js';
import { StatusStore } from '../../controller/loop/status.js';
import { WorkQueue } from '../../controller/loop/work-queue.js';
import { ManagementClient } from '../../controller/management/index.js';
import { MANAGEMENT_NAMES } from '../../controller/router/boot-file.js';
import { loadSettings, type Settings } from '../../controller/settings.js';
import { FileSource } from '../../controller/sources/file-source.js';
import { TimedManagement, TimedSource, Tracer, type PassTrace } from './instrument.js';

export interface PassRecord {
  readonly report: PassReport;
  readonly trace: PassTrace;
  readonly endAt: number;
}

export class BenchLoop {
  readonly settings: Settings;
  readonly #client: ManagementClient;
  readonly #source: TimedSource;
  readonly #queue: WorkQueue;
  readonly #passes: PassRecord[] = [];
  #waiters: (() => void)[] = [];

  private constructor(file: string, routerUrl: string) {
    this.settings = loadSettings({ SKUPPER_PLATFORM: 'kubernetes', QDROUTERD_CONF: file, ROUTER_URL: routerUrl });
    const tracer = new Tracer();
    this.#client = new ManagementClient({
      url: routerUrl,
      timeoutMs: this.settings.managementTimeoutMs,
      maxInFlight: this.settings.managementMaxInFlight,
    });
    this.#source = new TimedSource(new FileSource({ file, debounceMs: this.settings.debounceMs }), tracer);
    const reconciler = new Reconciler({
      source: this.#source,
      management: new TimedManagement(this.#client, tracer),
      log: createLog({ level: 'error', json: true, write: () => undefined }),
      metrics: new Metrics({ processMetrics: false }),
      status: new StatusStore(this.#source.describe(), routerUrl),
      planOptions: { protectedNames: [...MANAGEMENT_NAMES], ignore: this.settings.ignoreNames },
      fullReadEveryMs: this.settings.fullReadSeconds * 1000,
      onPass: (report) => {
        this.#passes.push({ report, trace: tracer.next(), endAt: performance.now() });
        for (const wake of this.#waiters.splice(0)) wake();
      },
    });
    // No resync during a measurement: passes happen only when the bench asks or the file changes.
    this.#queue = new WorkQueue((ctx) => reconciler.reconcile(ctx), { resyncMs: 3_600_000 });
  }

  /** Starts watching `file` and runs the first pass against the router at `routerUrl`. */
  static async start(file: string, routerUrl: string): Promise<{ loop: BenchLoop; first: PassRecord }> {
    const loop = new BenchLoop(file, routerUrl);
    const from = loop.#passes.length;
    await loop.#source.start((reason) => loop.#queue.trigger(reason));
    loop.#queue.trigger('start');
    return { loop, first: await loop.waitPass(from, () => true) };
  }

  get passCount(): number {
    return this.#passes.length;
  }

  /** A pass now (as the resync timer would ask for one). */
  trigger(reason: string): void {
    this.#queue.trigger(reason);
  }

  /** The first pass with index ≥ `from` that satisfies `match`. */
  async waitPass(from: number, match: (p: PassRecord) => boolean, timeoutMs = 120_000): Promise<PassRecord> {
    const deadline = performance.now() + timeoutMs;
    for (let seen = from; ; ) {
      for (; seen < this.#passes.length; seen++) {
        const pass = this.#passes[seen];
        if (pass && match(pass)) return pass;
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no matching pass within ${timeoutMs} ms (passes so far: ${this.#passes.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    await this.#queue.stop();
    await this.#source.close();
    await this.#client.close();
  }
}
