/**
 * `just bench`: the benchmarks of issue 8, against the simulator (latency model on) and, when
 * SKROUTERD_BIN or a container engine is present, against a real router too.
 *
 *   node dist-bench/e2e/bench/main.js [--quick] [--sections latency,throughput,cold,memory,channel]
 *                                     [--no-real] [--real-boot-budget SECONDS] [--out DIR]
 *
 * Sections: `latency` (1. convergence latency and 2. operations per pass), `throughput`
 * (3. apply throughput), `cold` (4. cold start), `memory` (5. RSS and leak check), `channel`
 * (the management channel: mTLS credentials, connect and apply throughput against the anonymous
 * listener). Prints the
 * tables, writes DIR/bench.json and DIR/bench-latency.svg (DIR defaults to e2e/results).
 * Timings are reported, never asserted; the exit status is 1 only when a section failed to run.
 *
 * Every section runs on each router, and every row names the router that produced it. Time limits
 * come from the router's predicted costs (`router-costs.ts`); a size a real router is predicted
 * to need more than `--real-boot-budget` seconds (default 120) to boot runs on the simulator only,
 * and the output says so.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { routerTarget } from '../harness/router-target.js';
import { measureChannelThroughput, measureConnect, measureCredentials } from './channel.js';
import { measureColdStart } from './cold-start.js';
import { formatApplied, measureApplied, measureLatency, measurePotApplied } from './latency.js';
import { measureLeak, measureRss } from './memory.js';
import { latencyChart, renderTables, type BenchReport, type Machine, type TargetResult } from './report.js';
import { simulatorTarget, type BenchTarget } from './router-process.js';
import { renderLineChart } from './svg.js';
import { measureThroughput } from './throughput.js';
import { PLANS, SECTIONS, parseSections, type RunPlan, type Section } from './plan.js';
import { DEFAULT_REAL_BOOT_BUDGET_S, runsOn, simulatorOnlyNote } from './router-costs.js';
import { measurePatch } from './patch.js';
import { measureHealthCost } from './health.js';
import { COLD_SPLIT_MIXES, COLD_SPLIT_QUICK_MIXES, measureColdSplit } from './cold-split.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sections: { type: 'string' },
    'no-real': { type: 'boolean', default: false },
    'real-boot-budget': { type: 'string', default: String(DEFAULT_REAL_BOOT_BUDGET_S) },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`usage: node dist-bench/e2e/bench/main.js [--quick] [--sections ${SECTIONS.join(',')}] [--no-real] [--real-boot-budget SECONDS] [--out DIR]\n`);
  process.exit(0);
}
const budgetS = Number(values['real-boot-budget']);
if (!(budgetS > 0)) throw new RangeError(`--real-boot-budget must be a number of seconds > 0, got ${values['real-boot-budget']}`);

const sections = parseSections(values.sections);
const plan: RunPlan = values.quick ? PLANS.quick : PLANS.full;
const outDir = resolve(values.out ?? fileURLToPath(new URL('../../../e2e/results/', import.meta.url)));
const progress = (line: string): void => void process.stderr.write(`  ${line}\n`);

function machine(): Machine {
  return {
    node: process.version,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown cpu',
    nproc: os.availableParallelism(),
    memoryGb: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg()[0] ?? Number.NaN,
  };
}

async function section(result: TargetResult, name: Section, run: () => Promise<void>): Promise<void> {
  if (!sections.includes(name)) return;
  process.stderr.write(`${result.target.description}: ${name}\n`);
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    result.errors.push(`${name}: ${message}`);
    process.stderr.write(`  failed: ${message}\n`);
  }
}

/** `first`: the first target also measures what does not depend on a router (credentials). */
async function runTarget(target: BenchTarget, noLatency: BenchTarget | undefined, first: boolean): Promise<TargetResult> {
  const result: TargetResult = { target: { kind: target.kind, description: target.description }, errors: [], notes: [] };
  /** Whether this target runs `entities` in `name`; when not, the note says so. */
  const runs = (name: Section, entities: number): boolean => {
    if (runsOn(target, entities, budgetS)) return true;
    if (sections.includes(name)) result.notes.push(simulatorOnlyNote(name, entities, budgetS));
    return false;
  };
  await section(result, 'latency', async () => {
    result.latency = [];
    for (const n of plan.latency.sizes.filter((n) => runs('latency', n))) result.latency.push(await measureLatency(target, n, plan.latency, progress));
    result.applied = [];
    for (const n of plan.applied.sizes.filter((n) => runs('latency', n))) result.applied.push(await measureApplied(target, n, plan.applied.changes));
    if (plan.applied.pot) result.applied.push(await measurePotApplied(target, 10, plan.applied.changes));
    for (const row of result.applied) progress(formatApplied(row));
  });
  await section(result, 'throughput', async () => {
    result.throughput = [await measureThroughput(target, plan.throughput.entities, plan.throughput.runs, 'on', progress)];
    if (noLatency) result.throughput.push(await measureThroughput(noLatency, plan.throughput.entities, plan.throughput.offRuns, 'off', progress));
  });
  await section(result, 'cold', async () => {
    if (runs('cold', plan.cold.entities)) result.coldStart = await measureColdStart(target, plan.cold.entities, plan.cold.runs, true, progress);
  });
  await section(result, 'split', async () => {
    result.coldSplit = await measureColdSplit(target, plan.split.quick ? COLD_SPLIT_QUICK_MIXES : COLD_SPLIT_MIXES, plan.split.runs, progress);
  });
  await section(result, 'memory', async () => {
    const memory: NonNullable<TargetResult['memory']> = {};
    result.memory = memory;
    memory.idle = await measureRss(target, plan.memory.idleEntities, plan.memory.settleMs);
    progress(`RSS idle: ${memory.idle.rssMb.toFixed(1)} MB`);
    if (plan.memory.mediumEntities !== plan.memory.largeEntities) {
      memory.medium = await measureRss(target, plan.memory.mediumEntities, plan.memory.settleMs);
      progress(`RSS ${memory.medium.entities} entities: ${memory.medium.rssMb.toFixed(1)} MB`);
    }
    if (runs('memory', plan.memory.largeEntities)) {
      memory.large = await measureRss(target, plan.memory.largeEntities, plan.memory.settleMs);
      progress(`RSS ${memory.large.entities} entities: ${memory.large.rssMb.toFixed(1)} MB`);
    }
    memory.leak = await measureLeak(target, plan.memory.leakEntities, plan.memory.leakPasses);
    progress(`leak check: heap ${(memory.leak.heapGrowthMb * 1024).toFixed(0)} KB over ${memory.leak.passes} passes`);
  });
  await section(result, 'channel', async () => {
    const c = plan.channel;
    const channel: NonNullable<TargetResult['channel']> = { connect: [], throughput: [] };
    result.channel = channel;
    if (first) channel.credentials = await measureCredentials(c.credentialCalls, c.credentialChildren, progress);
    channel.connect.push(await measureConnect(target, c.connects, 'on', progress));
    if (noLatency) channel.connect.push(await measureConnect(noLatency, c.connects, 'off', progress));
    channel.throughput.push(await measureChannelThroughput(target, c.entities, c.runs, 'on', progress));
    if (noLatency) channel.throughput.push(await measureChannelThroughput(noLatency, c.entities, c.offRuns, 'off', progress));
  });
  await section(result, 'health', async () => {
    result.health = [];
    for (const n of plan.health.sizes.filter((n) => runs('health', n))) result.health.push(await measureHealthCost(target, n, plan.health.readings, progress));
  });
  // Pure computation: measured once, with the first router's row.
  if (first) {
    await section(result, 'patch', () => {
      result.patch = plan.patch.sizes.map((n) => measurePatch(n, plan.patch.runs, plan.patch.changes, progress));
      return Promise.resolve();
    });
  }
  return result;
}

async function main(): Promise<number> {
  const started = performance.now();
  const shims = await mkdtemp(join(tmpdir(), 'iofog-router-bench-'));
  try {
    const targets: [BenchTarget, BenchTarget | undefined][] = [[await simulatorTarget(shims), await simulatorTarget(shims, false)]];
    const real = values['no-real'] ? undefined : routerTarget();
    if (real && real.kind !== 'simulator') targets.push([{ kind: real.kind, description: real.description, bin: real.bin, env: real.env }, undefined]);
    else process.stderr.write('no SKROUTERD_BIN and no container engine: simulator only\n');

    const report: BenchReport = {
      date: new Date().toISOString(),
      mode: values.quick ? 'quick' : 'full',
      sections,
      machine: machine(),
      durationS: 0,
      targets: [],
    };
    for (const [i, [target, noLatency]] of targets.entries()) report.targets.push(await runTarget(target, noLatency, i === 0));
    report.durationS = (performance.now() - started) / 1000;

    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
    const chart = report.targets.some((t) => (t.latency ?? []).length > 0);
    if (chart) await writeFile(join(outDir, 'bench-latency.svg'), renderLineChart(latencyChart(report)));
    process.stdout.write(`\n${renderTables(report)}\nwrote ${join(outDir, 'bench.json')}${chart ? ' and bench-latency.svg' : ''}\n`);
    return report.targets.some((t) => t.errors.length > 0) ? 1 : 0;
  } finally {
    await rm(shims, { recursive: true, force: true });
  }
}

process.exitCode = await main();
