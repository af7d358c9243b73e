/**
 * A fault cycle: write a new desired config that needs dozens of operations, wait until the
 * apply has started (the router has seen a CREATE of this cycle), inject the fault, then wait
 * until the controller converged on that config. "Nothing lost" is checked by the router itself:
 * a fresh plan of the desired state against it plans nothing (no entity missing, none extra,
 * none different).
 */
import { expect } from 'vitest';
import { GOOD } from '../../hostile/catalogue-config.js';
import { stateOf, waitFor, type Rig } from '../../hostile/support/rig.js';

/** Cycles per case: CI runs the 20; FAULTS_LONG=1 runs 200. */
export const CYCLES = process.env['FAULTS_LONG'] === '1' ? 200 : 20;

export interface CycleFigures {
  cycles: number;
  /** Faults that landed while the apply was under way (some of its writes done, some not). */
  midApply: number;
  /** Cycles that ended converged with the router equal to the desired state. */
  converged: number;
  /** Entities missing, extra or different after convergence, summed over all cycles. */
  lost: number;
  /**
   * Cycles where /status still said "converged" (from a pass that ended before the fault) while
   * the router had already been reset; the controller converged again on its own.
   */
  staleConverged: number;
}

/** The good config plus `size` listeners and tcpListeners that belong to cycle `i` only. */
export function cycleConfig(i: number, size = SIZE): string {
  const extra: [string, Record<string, unknown>][] = [];
  for (let j = 0; j < size; j++) {
    extra.push(['listener', { name: `c${i}-l${j}`, host: '127.0.0.1', port: String(31000 + ((i * size + j) % 30000)) }]);
    extra.push(['tcpListener', { name: `c${i}-t${j}`, host: '127.0.0.2', port: String(31000 + ((i * size + j) % 30000)), address: `c${i}-${j}` }]);
  }
  return JSON.stringify([...GOOD, ...extra]);
}

/** Listeners (and as many tcpListeners) each cycle creates. */
const SIZE = 10;

const creates = (rig: Rig): number => rig.sim.stats.requests['CREATE'] ?? 0;

/** Resolves on the first turn of the event loop after the router saw a CREATE of this cycle. */
async function applyStarted(rig: Rig, before: number, cycle: number): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (creates(rig) <= before) {
    if (performance.now() > deadline) throw new Error(`cycle ${cycle}: the apply never started`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function runCycles(rig: Rig, count: number, fault: (rig: Rig, cycle: number) => Promise<void>): Promise<CycleFigures> {
  const figures: CycleFigures = { cycles: 0, midApply: 0, converged: 0, lost: 0, staleConverged: 0 };
  for (let i = 0; i < count; i++) {
    const text = cycleConfig(i);
    const desired = stateOf(text);
    const before = creates(rig);
    const revision = await rig.write(text);
    await applyStarted(rig, before, i);
    const done = creates(rig) - before;
    await fault(rig, i);
    figures.cycles++;
    // 2 × SIZE creates per cycle: a fault after the first and before the last landed mid-apply.
    if (done > 0 && done < 2 * SIZE) figures.midApply++;
    await rig.waitConverged(revision, 30_000);
    // A pass that finished just before the fault leaves "converged" in /status until the
    // controller notices the reset and converges again: wait for the router itself.
    if ((await rig.planAgainstRouter(desired)).operations.length > 0) {
      figures.staleConverged++;
      await waitFor(`cycle ${i}: the router equal to the desired state`, async () =>
        (await rig.planAgainstRouter(desired)).operations.length === 0 ? true : undefined, 30_000).catch(() => undefined);
      await rig.waitConverged(revision, 30_000);
    }
    const remaining = await rig.planAgainstRouter(desired);
    figures.lost += remaining.operations.length;
    expect(remaining.operations, `cycle ${i}: the router differs from the desired state`).toEqual([]);
    figures.converged++;
  }
  return figures;
}
