/**
 * Sections 1 and 2: convergence latency of a one-entity change, and the management operations
 * of a no-op resync pass and of a single-change pass, in configurations of several sizes.
 *
 * Timed: from the moment the atomic write of the desired file returned (the rename is done) to
 * the reply to the last management operation. Phases, from the probes of `instrument.ts`:
 * - debounce: file event, the source's quiet time (DEBOUNCE_MS), its content check, the queue;
 * - reading: the desired file read, parsed and validated, then the QUERYs of the router;
 * - planning: last QUERY reply → first write sent (the pure plan);
 * - applying: first write sent → last write acknowledged.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../controller/fs/atomic-write.js';
import { revisionOf } from '../../controller/sources/file-source.js';
import { BenchLoop, type PassRecord } from './bench-loop.js';
import { RouterProcess, type BenchTarget } from './router-process.js';
import { median, summarize, type Summary } from './stats.js';
import { changeable, desiredState, desiredText } from './workload.js';

export const PHASES = ['debounce', 'readDesired', 'readActual', 'planning', 'applying'] as const;
export type Phase = (typeof PHASES)[number];

export interface PassOps {
  /** Median over the passes measured. */
  readonly queries: number;
  readonly writes: number;
  /** Owned kinds present: kinds whose QUERY returned rows. */
  readonly kindsPresent: number;
  readonly durationMs: Summary;
}

export interface LatencyResult {
  readonly entities: number;
  readonly changes: number;
  readonly totalMs: Summary;
  readonly phasesMs: Record<Phase, Summary>;
  /** The first pass after the router booted from the file. */
  readonly firstPass: { readonly queries: number; readonly writes: number; readonly durationMs: number };
  readonly noop: PassOps;
  readonly change: PassOps & { readonly minimalWrites: number };
}

export interface LatencyOptions {
  readonly sizes: readonly number[];
  readonly changes: number;
  readonly warmup: number;
  readonly noopPasses: number;
}

const defined = (v: number | undefined, what: string): number => {
  if (v === undefined) throw new Error(`pass trace has no ${what}`);
  return v;
};

function phasesOf(p: PassRecord, t0: number): Record<Phase | 'total', number> {
  const t = p.trace;
  const readStart = defined(t.readStartAt, 'read start');
  const firstQuery = defined(t.firstQueryAt, 'query');
  const lastQuery = defined(t.lastQueryReplyAt, 'query reply');
  const firstWrite = defined(t.firstWriteAt, 'write');
  const lastWrite = defined(t.lastWriteReplyAt, 'write reply');
  return {
    debounce: readStart - t0,
    readDesired: firstQuery - readStart,
    readActual: lastQuery - firstQuery,
    planning: firstWrite - lastQuery,
    applying: lastWrite - firstWrite,
    total: lastWrite - t0,
  };
}

function opsOf(passes: readonly PassRecord[]): PassOps {
  return {
    queries: median(passes.map((p) => p.trace.queries)),
    writes: median(passes.map((p) => p.trace.writes)),
    kindsPresent: median(passes.map((p) => p.trace.nonEmptyKinds)),
    durationMs: summarize(passes.map((p) => p.report.durationMs)),
  };
}

export async function measureLatency(
  target: BenchTarget,
  entities: number,
  o: LatencyOptions,
  progress: (line: string) => void,
): Promise<LatencyResult> {
  const dir = await mkdtemp(join(tmpdir(), 'iofog-router-bench-latency-'));
  const file = join(dir, 'skrouterd.json');
  const router = await RouterProcess.start(target, desiredState(entities));
  let loop: BenchLoop | undefined;
  try {
    await writeFile(file, desiredText(entities));
    const started = await BenchLoop.start(file, router.url);
    loop = started.loop;
    const first = started.first;

    const noop: PassRecord[] = [];
    for (let k = 0; k < o.noopPasses; k++) {
      const from = loop.passCount;
      loop.trigger('resync');
      noop.push(await loop.waitPass(from, () => true));
    }

    const candidates = changeable(entities);
    const flipped = new Set<number>();
    const totals: number[] = [];
    const phases: Record<Phase, number[]> = { debounce: [], readDesired: [], readActual: [], planning: [], applying: [] };
    const changePasses: PassRecord[] = [];
    for (let k = 0; k < o.warmup + o.changes; k++) {
      const index = candidates[(k * 7_919) % candidates.length] ?? 0;
      if (!flipped.delete(index)) flipped.add(index);
      const text = desiredText(entities, flipped);
      const revision = revisionOf(text);
      const from = loop.passCount;
      await writeFileAtomic(file, text);
      const t0 = performance.now();
      const pass = await loop.waitPass(from, (p) => p.report.revision === revision && p.report.result === 'converged');
      if (pass.trace.writes === 0) throw new Error(`change ${k} converged without writes: the pass did not see it`);
      if (k < o.warmup) continue;
      const split = phasesOf(pass, t0);
      totals.push(split.total);
      for (const phase of PHASES) phases[phase].push(split[phase]);
      changePasses.push(pass);
    }
    progress(`latency ${entities} entities: p50 ${median(totals).toFixed(1)} ms over ${totals.length} changes`);
    return {
      entities,
      changes: totals.length,
      totalMs: summarize(totals),
      phasesMs: Object.fromEntries(PHASES.map((p) => [p, summarize(phases[p])])) as Record<Phase, Summary>,
      firstPass: { queries: first.trace.queries, writes: first.trace.writes, durationMs: first.report.durationMs },
      noop: opsOf(noop),
      change: { ...opsOf(changePasses), minimalWrites: 2 },
    };
  } finally {
    await loop?.close();
    await router.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
