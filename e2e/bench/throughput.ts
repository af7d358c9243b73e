/**
 * Section 3: apply throughput — creates and deletes per second for a 2,000-entity change.
 *
 * Three clients send the same operations (taken from the controller's own plan) to a router
 * holding nothing but itself and its management listener:
 * - controller: `applyPlan` through the product's ManagementClient with the default settings
 *   (MGMT_MAX_IN_FLIGHT window, apply concurrency) — what a pass does after planning;
 * - limit: a minimal rhea client that sends every request at once (`raw-client.ts`);
 * - one at a time: the same minimal client, waiting for each reply (the peers' way).
 * Every client first runs an untimed warm-up (up to 200 creates and deletes: JIT, buffers); then
 * timed runs alternate between clients so that a noisy neighbour hurts them alike.
 */
import { readActual } from '../../controller/loop/read-actual.js';
import { ManagementClient } from '../../controller/management/index.js';
import { MANAGEMENT_NAMES } from '../../controller/router/boot-file.js';
import { loadSettings } from '../../controller/settings.js';
import { applyPlan } from '../../reconcilers/apply.js';
import { plan } from '../../reconcilers/plan.js';
import type { Plan } from '../../reconcilers/plan-types.js';
import { RawManagementClient, type RawOp } from './raw-client.js';
import { RouterProcess, type BenchTarget } from './router-process.js';
import { ratio } from './stats.js';
import { ROUTER_ENTITY, connectors } from './workload.js';

export const CLIENTS = ['controller', 'limit', 'serial'] as const;
export type ClientName = (typeof CLIENTS)[number];

export interface Rate {
  /** Best operations per second over the runs (noise on a shared machine only ever slows a run). */
  readonly createsPerSec: number;
  readonly deletesPerSec: number;
  readonly runs: number;
}

export interface ThroughputResult {
  readonly entities: number;
  /** `on`: the simulator's latency model (or a real router); `off`: client overhead only. */
  readonly latencyModel: 'on' | 'off';
  readonly clients: Record<ClientName, Rate>;
  /** controller ÷ limit (creates, deletes). */
  readonly controllerVsLimit: { readonly creates: number; readonly deletes: number };
  readonly controllerVsSerial: { readonly creates: number; readonly deletes: number };
}

export const PLAN_OPTIONS = { protectedNames: [...MANAGEMENT_NAMES], ignore: ['auto-mesh*'] };

function rawOps(p: Plan): RawOp[] {
  return p.operations.map((op) => ({
    operation: op.op === 'create' ? 'CREATE' : 'DELETE',
    type: op.longType,
    name: op.name,
    body: { ...op.attributes },
  }));
}

export async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

export async function measureThroughput(
  target: BenchTarget,
  entities: number,
  runs: number,
  latencyModel: 'on' | 'off',
  progress: (line: string) => void,
): Promise<ThroughputResult> {
  const router = await RouterProcess.start(target, { entities: [ROUTER_ENTITY] });
  const settings = loadSettings({ SKUPPER_PLATFORM: 'kubernetes', ROUTER_URL: router.url });
  const client = new ManagementClient({ url: router.url, timeoutMs: 600_000, maxInFlight: settings.managementMaxInFlight });
  const raw = await RawManagementClient.connect(router.url);
  try {
    const full = { entities: [ROUTER_ENTITY, ...connectors(entities)] };
    const empty = { entities: [ROUTER_ENTITY] };
    const createPlan = plan(full, await readActual(client), PLAN_OPTIONS);
    expectOps(createPlan, entities, 'create');
    /** Creates everything `creates` plans, then deletes it again; ms of each half. */
    const cycle = async (name: ClientName, creates: Plan): Promise<{ create: number; del: number }> => {
      const send = (p: Plan) =>
        name === 'controller' ? checked(applyPlan(p, client)) : name === 'limit' ? raw.pipelined(rawOps(p)) : raw.serial(rawOps(p));
      const create = await timed(() => send(creates));
      const deletes = plan(empty, await readActual(client), PLAN_OPTIONS);
      expectOps(deletes, creates.operations.length, 'delete');
      return { create, del: await timed(() => send(deletes)) };
    };
    const warmup = plan({ entities: [ROUTER_ENTITY, ...connectors(Math.min(200, entities), 1_000_000)] }, await readActual(client), PLAN_OPTIONS);
    for (const name of CLIENTS) await cycle(name, warmup);
    const ms: Record<ClientName, { create: number[]; delete: number[] }> = {
      controller: { create: [], delete: [] },
      limit: { create: [], delete: [] },
      serial: { create: [], delete: [] },
    };
    for (let run = 0; run < runs; run++) {
      for (const name of CLIENTS) {
        const { create, del } = await cycle(name, createPlan);
        ms[name].create.push(create);
        ms[name].delete.push(del);
        progress(`throughput (latency ${latencyModel}) ${name}: ${rate(entities, create)} creates/s, ${rate(entities, del)} deletes/s`);
      }
    }
    const clients = Object.fromEntries(
      CLIENTS.map((name) => [
        name,
        { createsPerSec: rate(entities, Math.min(...ms[name].create)), deletesPerSec: rate(entities, Math.min(...ms[name].delete)), runs },
      ]),
    ) as Record<ClientName, Rate>;
    return {
      entities,
      latencyModel,
      clients,
      controllerVsLimit: {
        creates: ratio(clients.controller.createsPerSec, clients.limit.createsPerSec),
        deletes: ratio(clients.controller.deletesPerSec, clients.limit.deletesPerSec),
      },
      controllerVsSerial: {
        creates: ratio(clients.controller.createsPerSec, clients.serial.createsPerSec),
        deletes: ratio(clients.controller.deletesPerSec, clients.serial.deletesPerSec),
      },
    };
  } finally {
    await raw.close();
    await client.close();
    await router.stop();
  }
}

/** Operations per second, rounded. */
export function rate(ops: number, ms: number): number {
  return Math.round((ops * 1000) / ms);
}

/** Awaits an applyPlan and throws unless every operation succeeded. */
export async function checked(result: ReturnType<typeof applyPlan>): Promise<void> {
  const { failed, skipped } = await result;
  if (failed.length > 0 || skipped.length > 0) throw new Error(`apply: ${failed.length} failed, ${skipped.length} skipped`);
}

/** Throws unless the plan is exactly `count` operations of kind `op`. */
export function expectOps(p: Plan, count: number, op: 'create' | 'delete'): void {
  if (p.operations.length !== count || p.operations.some((o) => o.op !== op)) {
    throw new Error(`expected ${count} ${op}s, the plan has ${p.operations.length} operations`);
  }
}
