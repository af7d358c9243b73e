/**
 * Section 5: memory of the controller process — RSS idle (small config), with 1,000 and with
 * 10,000 entities (each: the real CLI supervising its router, default settings, sampled 5 times
 * after convergence and `settleMs` of idle), and a leak check: the Controller through 1,000 passes in a child process, heap
 * measured after a full GC (`leak-child.ts`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ControllerCli } from './controller-cli.js';
import { convergeDeadlineMs } from './router-costs.js';
import { RouterProcess, type BenchTarget } from './router-process.js';
import { median, slope } from './stats.js';
import { desiredState, desiredText } from './workload.js';

const LEAK_CHILD = fileURLToPath(new URL('./leak-child.js', import.meta.url));

export interface RssResult {
  readonly entities: number;
  /** Median of the samples, and the process's peak (VmHWM), MB. */
  readonly rssMb: number;
  readonly peakMb: number;
  /** Median anonymous memory (RSS minus the file-backed pages of the node binary and libraries). */
  readonly anonMb: number;
  readonly passes: number;
}

export interface LeakResult {
  readonly entities: number;
  readonly passes: number;
  readonly writes: number;
  readonly samples: readonly { pass: number; heapUsedMb: number; rssMb: number }[];
  /** Heap growth from the first to the last sample, MB, and the fitted slope in KB per pass. */
  readonly heapGrowthMb: number;
  readonly heapSlopeKbPerPass: number;
  readonly rssGrowthMb: number;
}

export interface MemoryResult {
  readonly idle: RssResult;
  readonly large: RssResult;
  readonly leak: LeakResult;
}

export async function measureRss(target: BenchTarget, entities: number, settleMs: number): Promise<RssResult> {
  // Default settings, as the footprint goals are set: converged, then idle (no pass runs while sampled).
  const { cli } = await ControllerCli.start(target, desiredText(entities), convergeDeadlineMs(entities));
  try {
    await new Promise((r) => setTimeout(r, settleMs));
    const samples: { rssMb: number; anonMb: number }[] = [];
    for (let k = 0; k < 5; k++) {
      samples.push(await cli.rss());
      await new Promise((r) => setTimeout(r, 200));
    }
    return {
      entities,
      rssMb: median(samples.map((x) => x.rssMb)),
      peakMb: (await cli.rss()).peakMb,
      anonMb: median(samples.map((x) => x.anonMb)),
      passes: await cli.passes(),
    };
  } finally {
    await cli.stop();
  }
}

export async function measureLeak(target: BenchTarget, entities: number, passes: number): Promise<LeakResult> {
  const router = await RouterProcess.start(target, desiredState(entities));
  try {
    const child = spawn(process.execPath, ['--expose-gc', LEAK_CHILD, '--url', router.url, '--entities', String(entities), '--passes', String(passes), '--sample', String(Math.max(1, Math.round(passes / 10)))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`leak child exited with ${code}`);
    const parsed = JSON.parse(out) as Pick<LeakResult, 'samples' | 'passes' | 'writes'>;
    const first = parsed.samples[0];
    const last = parsed.samples[parsed.samples.length - 1];
    // The slope ignores the first sample: right after warm-up, caches (JIT, lazily built tables) still fill.
    const fitted = parsed.samples.slice(1).map((s) => ({ x: s.pass, y: s.heapUsedMb * 1024 }));
    return {
      entities,
      ...parsed,
      heapGrowthMb: first && last ? last.heapUsedMb - first.heapUsedMb : Number.NaN,
      heapSlopeKbPerPass: slope(fitted),
      rssGrowthMb: first && last ? last.rssMb - first.rssMb : Number.NaN,
    };
  } finally {
    await router.stop();
  }
}
