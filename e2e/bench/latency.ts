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
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { StatusDocument } from '../../controller/loop/status.js';
import { freePort } from '../../controller/net/free-port.js';
import { DEFAULT_LATENCY, operationCost } from '../simulator/latency.js';
import { convergeDeadlineMs } from './router-costs.js';
import { writeFileAtomic } from '../../controller/fs/atomic-write.js';
import { revisionOf } from '../../controller/sources/file-source.js';
import { BenchLoop, type PassRecord } from './bench-loop.js';
import { RouterProcess, simulatorTarget, type BenchTarget } from './router-process.js';
import { median, percentile, summarize, type Summary } from './stats.js';
import { changeable, desiredState, desiredText } from './workload.js';
import { IMAGE_NODE_OPTIONS, cliPath } from './controller-cli.js';

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

/**
 * A pass that reused the router state it last read (issue 15: only input changes triggered it)
 * sends no QUERY: its reading phase is then all of read start → first write, and readActual and
 * planning are 0.
 */
function phasesOf(p: PassRecord, t0: number): Record<Phase | 'total', number> {
  const t = p.trace;
  const readStart = defined(t.readStartAt, 'read start');
  const firstWrite = defined(t.firstWriteAt, 'write');
  const firstQuery = t.firstQueryAt ?? firstWrite;
  const lastQuery = t.lastQueryReplyAt ?? firstWrite;
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

/**
 * Issue 15's measurement, exactly as on a real router: the real CLI (this build) with default
 * settings supervising the router; atomic write of the desired file (kubernetes mode) or a `0x0C`
 * signal from the fake Edgelet (pot mode), then `/status` polled every {@link STATUS_POLL_MS} until
 * `source.appliedRevision` equals `source.revision` and both are the new revision. The limit is
 * 1.5× what the router itself needs for the change, from the latency model's coefficients (fitted
 * to a real 3.5.1): one QUERY of all rows plus the DELETE and CREATE of the replaced connector.
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/e2e/bench/latency.js [--sizes 10,100,1000] [--changes 20] [--no-pot]
 */
export const STATUS_POLL_MS = 2;

export interface AppliedRow {
  readonly mode: 'kubernetes' | 'pot';
  readonly entities: number;
  readonly changes: number;
  readonly p50: number;
  readonly p90: number;
  /** The router's own cost of the change, predicted by the latency model. */
  readonly routerMs: number;
  /** Passes and management writes over the measured changes; pot: config GETs per signal. */
  readonly passes: number;
  readonly writes: number;
  readonly getsPerSignal?: number;
}

/** QUERY of all rows + DELETE + CREATE at `entities` (+ the management listener), by the model. */
export function routerChangeCostMs(entities: number): number {
  const n = entities + 1;
  const cost = (operation: string, rows?: number) => operationCost(DEFAULT_LATENCY, { agent: 'python', operation, entityCount: n, ...(rows === undefined ? {} : { rows }) });
  return cost('QUERY', n) + cost('DELETE') + cost('CREATE');
}

interface Cli {
  readonly get: (path: string) => Promise<Response>;
  readonly stop: () => Promise<void>;
}

async function startCli(target: BenchTarget, dir: string, env: Record<string, string>): Promise<Cli> {
  const httpPort = await freePort();
  const child = spawn(process.execPath, [cliPath(), 'run'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env['PATH'] ?? '', QDROUTERD_HOME: dir, ROUTER_BOOT_FILE: join(dir, 'boot.json'), ROUTER_MGMT_PORT: String(await freePort()), HTTP_PORT: String(httpPort), LOG_LEVEL: 'warn', NODE_OPTIONS: IMAGE_NODE_OPTIONS, SKROUTERD_BIN: target.bin, ...target.env, ...env },
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const get = (path: string) => fetch(`http://127.0.0.1:${httpPort}${path}`);
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return { get, stop };
}

async function counter(cli: Cli, name: string): Promise<number> {
  const lines = (await (await cli.get('/metrics')).text()).split('\n').filter((l) => l.startsWith(name));
  return lines.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Polls `/status` every 2 ms until `done(source)`; returns the ms since `t0`. */
async function untilApplied(cli: Cli, t0: number, done: (s: StatusDocument['source']) => boolean, timeoutMs = 60_000): Promise<number> {
  for (;;) {
    const s = await cli.get('/status').then((r) => r.json() as Promise<StatusDocument>).catch(() => undefined);
    const now = performance.now();
    if (s && done(s.source)) return now - t0;
    if (now - t0 > timeoutMs) throw new Error(`not applied within ${timeoutMs} ms: ${JSON.stringify(s?.source)}`);
    await new Promise((r) => setTimeout(r, STATUS_POLL_MS));
  }
}

const applied = (revision: string) => (s: StatusDocument['source']) => s.revision === revision && s.appliedRevision === revision;

async function measured(cli: Cli, mode: AppliedRow['mode'], entities: number, times: number[], run: () => Promise<void>): Promise<Omit<AppliedRow, 'getsPerSignal'>> {
  const [passes, writes] = [await counter(cli, 'iofog_router_reconcile_total'), await counter(cli, 'iofog_router_management_operations_total')];
  await run();
  const done = { passes: (await counter(cli, 'iofog_router_reconcile_total')) - passes, writes: (await counter(cli, 'iofog_router_management_operations_total')) - writes };
  return { mode, entities, changes: times.length, p50: percentile(times, 50), p90: percentile(times, 90), routerMs: routerChangeCostMs(entities), ...done };
}

export async function measureApplied(target: BenchTarget, entities: number, changes: number): Promise<AppliedRow> {
  const dir = await mkdtemp(join(tmpdir(), 'iofog-router-bench-applied-'));
  // The desired file in a directory of its own, as a ConfigMap volume is mounted: the boot file the
  // controller rewrites after each change is elsewhere (QDROUTERD_HOME), so its writes do not wake
  // the watcher of the desired file's directory (chokidar re-reads and stats the whole directory).
  await mkdir(join(dir, 'config'));
  const file = join(dir, 'config', 'skrouterd.json');
  await writeFile(file, desiredText(entities));
  const cli = await startCli(target, dir, { SKUPPER_PLATFORM: 'kubernetes', QDROUTERD_CONF: file });
  try {
    const t = performance.now();
    await untilApplied(cli, t, applied(revisionOf(desiredText(entities))), convergeDeadlineMs(entities));
    const candidates = changeable(entities);
    const flipped = new Set<number>();
    const times: number[] = [];
    return await measured(cli, 'kubernetes', entities, times, async () => {
      for (let k = 0; k < changes + 2; k++) {
        const index = candidates[(k * 7_919) % candidates.length] ?? 0;
        if (!flipped.delete(index)) flipped.add(index);
        const text = desiredText(entities, flipped);
        await new Promise((r) => setTimeout(r, 150));
        await writeFileAtomic(file, text);
        const ms = await untilApplied(cli, performance.now(), applied(revisionOf(text)));
        if (k >= 2) times.push(ms);
      }
    });
  } finally {
    await cli.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** PoT: `0x0C` → applied, with the fake Edgelet; tcpListeners whose port a change moves. */
export async function measurePotApplied(target: BenchTarget, entities: number, changes: number): Promise<AppliedRow> {
  const source = fileURLToPath(new URL('../../../e2e/fake-edgelet/fixtures', import.meta.url));
  await cp(source, fileURLToPath(new URL('../fake-edgelet/fixtures', import.meta.url)), { recursive: true });
  const { FakeEdgelet } = await import('../fake-edgelet/fake-edgelet.js');
  const config = (shift: number) => ({
    metadata: { id: 'pot-bench', mode: 'interior' },
    bridges: { tcpListeners: Object.fromEntries(Array.from({ length: entities }, (_, i) => [`l${i}`, { name: `l${i}`, host: '127.0.0.1', port: String(i === 0 ? 42_000 + shift : 41_000 + i), address: `a${i}` }])) },
  });
  const fake = await FakeEdgelet.start({ config: config(0) });
  const dir = await mkdtemp(join(tmpdir(), 'iofog-router-bench-pot-'));
  const env = { SKUPPER_PLATFORM: 'pot', QDROUTERD_CONF: join(dir, 'skrouterd.json'), EDGELET_MICROSERVICE_UID: fake.uuid, EDGELET_HOST: '127.0.0.1', EDGELET_PORT: String(fake.port), EDGELET_TOKEN_DIR: fake.tokenDir, EDGELET_POLL_SECONDS: '0', SSL_PROFILE_PATH: dir };
  const cli = await startCli(target, dir, env);
  try {
    const ready = () => untilApplied(cli, performance.now(), (s) => s.revision !== undefined && s.revision === s.appliedRevision && fake.stats.controlOpens > 0, 60_000);
    await ready();
    await new Promise((r) => setTimeout(r, 500));
    const times: number[] = [];
    const gets = fake.stats.configRequests;
    const row = await measured(cli, 'pot', entities, times, async () => {
      for (let k = 0; k < changes; k++) {
        const before = (await (await cli.get('/status')).json() as StatusDocument).source.revision;
        fake.setConfig(config(k + 1));
        await new Promise((r) => setTimeout(r, 150));
        const t0 = performance.now();
        fake.signal(0x0c);
        times.push(await untilApplied(cli, t0, (s) => s.revision !== before && s.revision === s.appliedRevision));
      }
    });
    return { ...row, getsPerSignal: (fake.stats.configRequests - gets) / changes };
  } finally {
    await cli.stop();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatApplied(r: AppliedRow): string {
  const limit = 1.5 * r.routerMs;
  return `${r.mode.padEnd(10)} ${String(r.entities).padStart(5)} entities: p50 ${r.p50.toFixed(1)} ms, p90 ${r.p90.toFixed(1)} ms over ${r.changes}; router ${r.routerMs.toFixed(1)} ms, limit 1.5× = ${limit.toFixed(1)} ms, p50/router ${(r.p50 / r.routerMs).toFixed(2)}; ${r.passes} passes, ${r.writes} writes${r.getsPerSignal === undefined ? '' : `, ${r.getsPerSignal.toFixed(2)} GET/signal`}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10,100,1000' }, changes: { type: 'string', default: '20' }, 'no-pot': { type: 'boolean', default: false } } });
  const shims = await mkdtemp(join(tmpdir(), 'iofog-router-bench-'));
  const target = await simulatorTarget(shims);
  process.stdout.write(`${target.description}; load average ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} cores (shared machine)\n`);
  for (const n of (values.sizes ?? '').split(',').filter((s) => s !== '').map(Number)) process.stdout.write(`${formatApplied(await measureApplied(target, n, Number(values.changes)))}\n`);
  if (!values['no-pot']) process.stdout.write(`${formatApplied(await measurePotApplied(target, 10, Number(values.changes)))}\n`);
  await rm(shims, { recursive: true, force: true });
}
