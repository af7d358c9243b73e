/**
 * How long a router needs for the benchmark's workloads, predicted by the latency model fitted to
 * a real 3.5.1 (`e2e/simulator/latency.ts`, checked against `e2e/reference/`): the time limits of
 * every section come from it (a real router's loading is superlinear: 4,000 tcpConnectors take
 * 22 s), and sizes a real router would need longer than the budget to boot are run on the
 * simulator only, and reported so.
 */
import type { DesiredState } from '../../schemas/index.js';
import { DEFAULT_LATENCY, bootCost } from '../simulator/latency.js';
import type { BenchTarget } from './router-process.js';
import { desiredState } from './workload.js';

/** Margin on a predicted time before a section gives up (the model is within ±30 % on the machine it was fitted on). */
export const TIME_MARGIN = 3;
/** Added to every time limit: process starts, a slower or busier machine, the controller's first passes. */
export const FIXED_ALLOWANCE_MS = 60_000;
/** Default budget (`--real-boot-budget`): a real router is not asked to boot a file predicted to take longer. */
export const DEFAULT_REAL_BOOT_BUDGET_S = 120;

/** Entities by kind in a desired state, plus the management listener the boot file adds. */
export function entityCounts(state: DesiredState): Record<string, number> {
  const counts: Record<string, number> = { listener: 1 };
  for (const e of state.entities) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}

/** Predicted ms from process start until management answers, for a router booting `state`. */
export function predictedBootMs(state: DesiredState): number {
  return bootCost(DEFAULT_LATENCY, entityCounts(state));
}

/** How long to wait for a router booting `state` to answer: the prediction with its margin. */
export function startTimeoutMs(state: DesiredState): number {
  return Math.ceil(TIME_MARGIN * predictedBootMs(state)) + FIXED_ALLOWANCE_MS;
}

/** How long to wait for a controller booting its router with the workload of `entities` to converge. */
export function convergeDeadlineMs(entities: number): number {
  return startTimeoutMs(desiredState(entities));
}

/** Whether `target` runs the workload of `entities`: always on the simulator, within the budget on a real router. */
export function runsOn(target: Pick<BenchTarget, 'kind'>, entities: number, budgetS: number): boolean {
  return target.kind === 'simulator' || predictedBootMs(desiredState(entities)) <= budgetS * 1000;
}

/** The note printed for a size a real router does not run. */
export function simulatorOnlyNote(section: string, entities: number, budgetS: number): string {
  const s = predictedBootMs(desiredState(entities)) / 1000;
  return `${section}, ${entities.toLocaleString('en-US')} entities: simulator only (a real router is predicted to need ${s.toFixed(0)} s to boot them; budget ${budgetS} s, --real-boot-budget)`;
}
