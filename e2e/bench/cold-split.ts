/**
 * Section `split`: cold start by the three paths side by side, per type mix — everything from the
 * boot file, everything that may wait over management after an almost empty boot, and the split
 * the product chooses (`reconcilers/boot-split.ts`) — each as process start → management answers
 * (the router's own boot of its file) plus the controller's pipelined apply of the rest. Also the
 * real CLI's cold start of the same config (process start → first converged pass), which boots
 * the router from the split boot file it writes. Beside each measured path, the model's
 * prediction for a real 3.5.1 (`reconcilers/boot-cost.ts`): on the simulator the absolute times
 * follow the simulator's latency model, so what to compare is which path wins and by how much.
 */
import { readActual } from '../../controller/loop/read-actual.js';
import { ManagementClient } from '../../controller/management/index.js';
import { MANAGEMENT_NAMES } from '../../controller/router/boot-file.js';
import { applyPlan } from '../../reconcilers/apply.js';
import { countByType } from '../../reconcilers/boot-cost.js';
import { BOOT_FILE_KINDS, splitBoot } from '../../reconcilers/boot-split.js';
import { plan } from '../../reconcilers/plan.js';
import { writeSkrouterdConfig } from '../../schemas/config/index.js';
import type { DesiredEntity, DesiredState, EntityKind } from '../../schemas/index.js';
import { ControllerCli } from './controller-cli.js';
import { startTimeoutMs } from './router-costs.js';
import { RouterProcess, type BenchTarget } from './router-process.js';
import { median, ratio } from './stats.js';
import { ROUTER_ENTITY } from './workload.js';

export interface ColdSplitMix {
  readonly name: string;
  readonly counts: Partial<Record<EntityKind, number>>;
}

/** The mixes of a full run: one type the file loads slowly, one it loads fast, and both together. */
export const COLD_SPLIT_MIXES: readonly ColdSplitMix[] = [
  { name: 'addresses 2,500', counts: { address: 2_500 } },
  { name: 'tcpConnectors 2,000', counts: { tcpConnector: 2_000 } },
  { name: 'mix', counts: { tcpConnector: 1_500, address: 2_000, tcpListener: 100 } },
];

/** A quick run: the same shapes, small enough for a smoke test (the product keeps them all in the file). */
export const COLD_SPLIT_QUICK_MIXES: readonly ColdSplitMix[] = [
  { name: 'addresses 300', counts: { address: 300 } },
  { name: 'mix 400', counts: { tcpConnector: 200, address: 200 } },
];

export interface ColdSplitPath {
  /** Entities booted from the file (without the router and the management listener) and created after boot. */
  readonly inFile: number;
  readonly afterBoot: number;
  /** Medians, ms: spawn → management answers; the apply of the rest; their sum. */
  readonly bootMs: number;
  readonly createMs: number;
  readonly ms: number;
  readonly failed: number;
  /** What the cost model predicts for a real skrouterd 3.5.1, ms. */
  readonly predictedMs: number;
}

export interface ColdSplitResult {
  readonly mix: string;
  readonly counts: Partial<Record<EntityKind, number>>;
  /** The types the product leaves for management (empty: everything in the file). */
  readonly deferredKinds: readonly EntityKind[];
  readonly fileOnly: ColdSplitPath;
  readonly managementOnly: ColdSplitPath;
  readonly split: ColdSplitPath;
  /** split.ms ÷ the faster of fileOnly and managementOnly (goal ≤ 1.1). */
  readonly vsFaster: number;
  /** The real CLI, same config: process start → first converged pass, and its management writes. */
  readonly controller: { readonly convergedMs: number; readonly managementWrites: number } | undefined;
}

function entityOf(kind: EntityKind, i: number): DesiredEntity {
  switch (kind) {
    case 'address':
      return { kind, name: `a-${i}`, attributes: { prefix: `split/${i}`, distribution: 'balanced' } };
    case 'tcpListener':
      return { kind, name: `l-${i}`, attributes: { address: `svc-${i}`, host: '127.0.0.1', port: String(40_000 + i) } };
    case 'tcpConnector':
      return { kind, name: `c-${i}`, attributes: { address: `svc-${i}`, host: '127.0.0.1', port: String(20_000 + (i % 20_000)) } };
    default:
      throw new RangeError(`no bench entity of type ${kind}`);
  }
}

export function mixState(mix: ColdSplitMix): DesiredState {
  const entities = [ROUTER_ENTITY];
  for (const [kind, n] of Object.entries(mix.counts) as [EntityKind, number][]) for (let i = 0; i < n; i++) entities.push(entityOf(kind, i));
  return { entities };
}

/** Boots `file`, then creates the rest of `desired` with the controller's pipelined apply. */
async function bootThenCreate(target: BenchTarget, desired: DesiredState, file: DesiredState): Promise<{ bootMs: number; createMs: number; failed: number }> {
  const router = await RouterProcess.start(target, file, { timeoutMs: startTimeoutMs(desired) });
  const client = new ManagementClient({ ...router.clientOptions, timeoutMs: 600_000 });
  try {
    const start = performance.now();
    const planned = plan(desired, await readActual(client), { protectedNames: [...MANAGEMENT_NAMES] });
    const result = planned.operations.length > 0 ? await applyPlan(planned, client) : { failed: [] };
    return { bootMs: router.bootMs, createMs: performance.now() - start, failed: result.failed.length };
  } finally {
    await client.close();
    await router.stop();
  }
}

async function measurePath(target: BenchTarget, desired: DesiredState, file: DesiredState, predictedS: number, runs: number): Promise<ColdSplitPath> {
  const samples = [];
  for (let run = 0; run < runs; run++) samples.push(await bootThenCreate(target, desired, file));
  const bootMs = median(samples.map((s) => s.bootMs));
  const createMs = median(samples.map((s) => s.createMs));
  return {
    inFile: file.entities.length - 1,
    afterBoot: desired.entities.length - file.entities.length,
    bootMs,
    createMs,
    ms: median(samples.map((s) => s.bootMs + s.createMs)),
    failed: Math.max(...samples.map((s) => s.failed)),
    predictedMs: predictedS * 1_000,
  };
}

export async function measureColdSplit(
  target: BenchTarget,
  mixes: readonly ColdSplitMix[],
  runs: number,
  progress: (line: string) => void,
  viaController = true,
): Promise<ColdSplitResult[]> {
  const results: ColdSplitResult[] = [];
  for (const mix of mixes) {
    const desired = mixState(mix);
    const choice = splitBoot(desired);
    const fixed: DesiredState = { entities: desired.entities.filter((e) => BOOT_FILE_KINDS.has(e.kind)) };
    const show = (p: ColdSplitPath) => `${p.inFile} in the file + ${p.afterBoot} over management: ${(p.ms / 1000).toFixed(1)} s (predicted for 3.5.1: ${(p.predictedMs / 1000).toFixed(1)} s)`;
    const fileOnly = await measurePath(target, desired, desired, choice.predicted.allInFile, runs);
    progress(`${mix.name}, file only: ${show(fileOnly)}`);
    const managementOnly = await measurePath(target, desired, fixed, choice.predicted.allOverManagement, runs);
    progress(`${mix.name}, management only: ${show(managementOnly)}`);
    // The product's choice is often one of the two: measured once, reported under both names.
    const split =
      choice.afterBoot.length === 0
        ? fileOnly
        : choice.boot.entities.length === fixed.entities.length
          ? managementOnly
          : await measurePath(target, desired, choice.boot, choice.predicted.seconds, runs);
    progress(`${mix.name}, split (${choice.deferredKinds.join(', ') || 'nothing'} after boot): ${show(split)}`);
    let controller: ColdSplitResult['controller'];
    if (viaController) {
      const { cli, start } = await ControllerCli.start(target, writeSkrouterdConfig(desired), startTimeoutMs(desired) * 2, { RESYNC_SECONDS: '3600' });
      await cli.stop();
      controller = { convergedMs: start.convergedMs, managementWrites: start.managementWrites };
      progress(`${mix.name}, the controller: converged after ${(start.convergedMs / 1000).toFixed(1)} s, ${start.managementWrites} writes`);
    }
    results.push({
      mix: mix.name,
      counts: countByType(desired.entities.filter((e) => e.kind !== 'router')),
      deferredKinds: choice.deferredKinds,
      fileOnly,
      managementOnly,
      split,
      vsFaster: ratio(split.ms, Math.min(fileOnly.ms, managementOnly.ms)),
      controller,
    });
  }
  return results;
}

/** The section's table (seconds; measured, with the 3.5.1 prediction in brackets). */
export function renderColdSplit(results: readonly ColdSplitResult[]): string {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const cell = (p: ColdSplitPath) => `${s(p.ms)} (${s(p.predictedMs)})`;
  const lines = [
    '| mix | after boot | file only | management only | split | split ÷ faster | controller, writes |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const controller = r.controller ? `${s(r.controller.convergedMs)}, ${r.controller.managementWrites}` : '–';
    lines.push(`| ${r.mix} | ${r.deferredKinds.join(', ') || '–'} | ${cell(r.fileOnly)} | ${cell(r.managementOnly)} | ${cell(r.split)} | ${r.vsFaster.toFixed(2)} | ${controller} |`);
  }
  return `${lines.join('\n')}\n\nseconds, measured (predicted for a real skrouterd 3.5.1)\n`;
}
