/**
 * Where a pass's memory goes, stage by stage, at `--entities` tcpConnectors (plus the router
 * entity): the heap held after a full GC above a baseline (router connected, nothing loaded), and
 * what each stage allocates (heapUsed growth without a GC in between; `gcDuring` when a scavenge
 * ran, so more than that: run with a large young generation). Stages: writing the file, parsing it
 * (JSON plus the position map), loading it (parse, validate, locate), the desired state alone (what
 * a pass keeps between passes), the QUERY rows of a router booted from it (the simulator, latency
 * off), the planner's index (both sides normalised) and a converged plan.
 *
 *   npx tsc -p tsconfig.bench.json
 *   node --expose-gc --max-semi-space-size=64 dist-bench/e2e/bench/memory-phases.js --entities 10000
 *
 * Prints one JSON line: { entities, baselineMb, textMb, stages: [{ stage, holding, heldMb, allocatedMb, gcDuring }] }.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readActual } from '../../controller/loop/read-actual.js';
import { ManagementClient } from '../../controller/management/index.js';
import { buildIndex } from '../../reconcilers/plan-index.js';
import { plan } from '../../reconcilers/plan.js';
import type { DesiredEntity, DesiredState } from '../../schemas/index.js';
import { loadConfig, writeSkrouterdConfig } from '../../schemas/config/index.js';
import { parseJson } from '../../schemas/config/json-text.js';
import { RouterProcess, simulatorTarget } from './router-process.js';
import { ROUTER_ENTITY } from './workload.js';

const { values } = parseArgs({ options: { entities: { type: 'string', default: '1000' } } });
const entities = Number(values.entities);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined || !Number.isSafeInteger(entities) || entities < 1) {
  throw new Error('usage: node --expose-gc [--max-semi-space-size=64] memory-phases.js --entities N');
}

let gcs = 0;
new PerformanceObserver((list) => (gcs += list.getEntries().length)).observe({ entryTypes: ['gc'] });
// GC entries reach the observer asynchronously: wait for those of the last full GC before a stage.
const settle = () => new Promise((r) => setTimeout(r, 20));
const heapMb = () => process.memoryUsage().heapUsed / 2 ** 20;
const fullGc = () => {
  gc();
  gc();
  return heapMb();
};

interface Stage {
  readonly stage: string;
  /** Heap after a full GC above the baseline (router connected, nothing loaded), holding what is listed. */
  readonly heldMb: number;
  readonly holding: string;
  /** What the stage allocated; with `gcDuring` a scavenge ran, so more than that. */
  readonly allocatedMb: number;
  readonly gcDuring: boolean;
}
const stages: Stage[] = [];
let baseline = 0;
const round = (x: number) => Math.round(x * 100) / 100;
/** Runs `make` and records what it allocated and the heap held afterwards (the caller holds the result). */
async function stage<T>(name: string, holding: string, make: () => T | Promise<T>): Promise<T> {
  fullGc();
  await settle();
  const gcsBefore = gcs;
  const before = heapMb();
  const value = await make();
  const allocated = heapMb() - before;
  await settle();
  const gcDuring = gcs > gcsBefore;
  stages.push({ stage: name, holding, heldMb: round(fullGc() - baseline), allocatedMb: round(allocated), gcDuring });
  return value;
}
/** Records the heap held now, after dropping what a stage made. */
async function hold(name: string, holding: string): Promise<void> {
  // Another await first: the last awaited value can stay in the async frame until overwritten.
  await settle();
  stages.push({ stage: name, holding, heldMb: round(fullGc() - baseline), allocatedMb: 0, gcDuring: false });
}

const connectors: DesiredEntity[] = Array.from({ length: entities }, (_, i) => ({
  kind: 'tcpConnector',
  name: `c-${i}`,
  attributes: { address: `svc-${i}`, host: '127.0.0.1', port: String(20_000 + (i % 20_000)) },
}));
const state: DesiredState = { entities: [ROUTER_ENTITY, ...connectors] };
const dir = await mkdtemp(join(tmpdir(), 'memory-phases-'));
const router = await RouterProcess.start(await simulatorTarget(dir, false), state);
const management = new ManagementClient({ ...router.clientOptions, timeoutMs: 120_000 });
try {
  await management.checkRouter();
  await management.query('io.skupper.router.network', ['name']);
  baseline = fullGc();
  const text = await stage('write the file', 'text', () => writeSkrouterdConfig(state));
  // What a stage made, held until its figure is taken, then dropped.
  const held: unknown[] = [await stage('parse', 'text, parsed JSON + positions', () => parseJson(text))];
  held.length = 0;
  await hold('parse dropped', 'text');
  let loaded: ReturnType<typeof loadConfig> | undefined = await stage('load (parse, validate, locate)', 'text, load result', () =>
    loadConfig(text, { file: 'phases', maxEntities: 1_000_000, maxBytes: 256 * 2 ** 20 }),
  );
  if (!loaded.ok) throw new Error(`config rejected: ${loaded.errors[0]?.message ?? ''}`);
  const desired = loaded.state;
  loaded = undefined;
  await hold('between passes', 'text, desired state');
  const actual = await stage('QUERY', 'text, desired, QUERY rows', () => readActual(management, ['tcpConnector', 'router', 'network']));
  held.push(await stage('planner index', 'text, desired, rows, index (both normalised)', () => buildIndex(desired, actual, {})));
  held.length = 0;
  await hold('after planning', 'text, desired, rows');
  const planned = await stage('plan (converged: no operations)', 'text, desired, rows, plan', () => plan(desired, actual, {}));
  if (planned.operations.length !== 0) throw new Error(`expected a converged router, planned ${planned.operations.length} operations`);
  process.stdout.write(`${JSON.stringify({ entities, baselineMb: round(baseline), textMb: round(Buffer.byteLength(text) / 2 ** 20), stages })}\n`);
} finally {
  await management.close();
  await router.stop();
  await rm(dir, { recursive: true, force: true });
}
