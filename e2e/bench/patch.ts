/**
 * Bench section `patch` (issue 18): the cost of the plan as a JSON Patch beside the plan itself,
 * at each size, on the bench workload (`workload.ts`) against a router that runs it with
 * `changes` tcpConnectors' ports changed. Pure CPU, no router: run once per bench, not per target.
 *
 * - `plan`: `plan()` (index, decide, resolve, operations);
 * - `patch`: `planPatch()` on its own = `planDocuments()` (the planner's index, then both
 *   documents) + `fast-json-patch` `compare`;
 * - `both`: `planWithDocuments()` + `compare`: plan and patch from one index, as `plan --json` does;
 * - `compare`: `compare` alone, on documents built beforehand;
 * - `history`: `RevisionHistory.record()` of the changed revision after the unchanged one (two
 *   desired documents, compare, mask, bound).
 * Each figure is the median of `runs` rounds after {@link WARMUP} warm-up rounds, the five
 * measured in turn within each round.
 */
import { planDocuments } from '../../reconcilers/document.js';
import { diffDocuments, planPatch } from '../../reconcilers/patch.js';
import { plan, planWithDocuments } from '../../reconcilers/plan.js';
import { reportedState } from '../../reconcilers/reported-state.js';
import { RevisionHistory } from '../../reconcilers/revision-history.js';
import { table } from './report.js';
import { median, ratio, round } from './stats.js';
import { changeable, desiredState } from './workload.js';

export interface PatchBenchResult {
  readonly entities: number;
  readonly runs: number;
  /** Operations of the plan and of the patch (a replace is 2 plan operations, 1 patch operation). */
  readonly planOperations: number;
  readonly patchOperations: number;
  /** Medians, milliseconds. */
  readonly planMs: number;
  readonly patchMs: number;
  readonly bothMs: number;
  readonly compareMs: number;
  readonly historyMs: number;
  /** patchMs / planMs: the patch computed alone, against the plan. */
  readonly ratio: number;
  /** (bothMs - planMs) / planMs: what the patch adds to a plan computed anyway. */
  readonly overhead: number;
}

/** Warm-up rounds before the timed ones (the first ones pay for JIT compilation). */
const WARMUP = 3;

/**
 * Medians of each function over `runs` rounds; every round runs each function once, in turn, so
 * JIT tiering, GC and the machine's load weigh on all of them alike.
 */
function timedTogether<K extends string>(runs: number, fns: Readonly<Record<K, () => unknown>>): Record<K, number> {
  const entries = Object.entries(fns) as [K, () => unknown][];
  const samples = new Map<K, number[]>(entries.map(([k]) => [k, []]));
  for (let round = 0; round < WARMUP + runs; round++) {
    for (const [k, run] of entries) {
      const started = performance.now();
      run();
      if (round >= WARMUP) samples.get(k)?.push(performance.now() - started);
    }
  }
  return Object.fromEntries(entries.map(([k]) => [k, median(samples.get(k) ?? [])])) as Record<K, number>;
}

export function measurePatch(entities: number, runs: number, changes: number, progress: (line: string) => void): PatchBenchResult {
  const flipped = new Set(changeable(entities).slice(0, changes));
  const desired = desiredState(entities, flipped);
  const actual = reportedState(desiredState(entities));
  const docs = planDocuments(desired, actual);
  const unchanged = desiredState(entities);
  const ms = timedTogether(runs, {
    plan: () => plan(desired, actual),
    patch: () => planPatch(desired, actual),
    both: () => {
      const { documents } = planWithDocuments(desired, actual);
      return diffDocuments(documents.actual, documents.desired);
    },
    compare: () => diffDocuments(docs.actual, docs.desired),
    history: () => {
      const history = new RevisionHistory();
      history.record({ revision: 'a', at: '', source: 'bench', state: unchanged });
      return history.record({ revision: 'b', at: '', source: 'bench', state: desired });
    },
  });
  const result: PatchBenchResult = {
    entities,
    runs,
    planOperations: plan(desired, actual).operations.length,
    patchOperations: diffDocuments(docs.actual, docs.desired).length,
    planMs: ms.plan,
    patchMs: ms.patch,
    bothMs: ms.both,
    compareMs: ms.compare,
    historyMs: ms.history,
    ratio: round(ratio(ms.patch, ms.plan), 2),
    overhead: round(ratio(ms.both - ms.plan, ms.plan), 2),
  };
  progress(`patch ${entities} entities: plan ${round(ms.plan)} ms, patch ${round(ms.patch)} ms (compare ${round(ms.compare)} ms), ratio ${result.ratio}, plan+patch ${round(ms.both)} ms`);
  return result;
}

export function patchTable(results: readonly PatchBenchResult[]): string {
  return table(
    ['entities', 'runs', 'plan ops', 'patch ops', 'plan ms', 'patch ms', 'plan+patch ms', 'compare ms', 'history ms', 'patch/plan', 'overhead'],
    results.map((r) => [
      String(r.entities),
      String(r.runs),
      String(r.planOperations),
      String(r.patchOperations),
      String(round(r.planMs)),
      String(round(r.patchMs)),
      String(round(r.bothMs)),
      String(round(r.compareMs)),
      String(round(r.historyMs)),
      String(r.ratio),
      String(r.overhead),
    ]),
  );
}
