/**
 * Section 4: cold start — the real CLI, process start → first converged pass, the router booting
 * from the file the controller wrote; target: management writes only for what the cold-start plan
 * leaves out of the boot file (`reconcilers/boot-split.ts`; none for a small config). The router's own loading is
 * the limit (superlinear: a real 3.5.1 takes 22 s for 4,000 tcpConnectors), so the figure is a
 * ratio to the router alone booting the same boot file (the same entities and the same mutual-TLS
 * management listener; spawn → management answers), runs alternating with the controller's. Also
 * compared with creating the same entities over management into an empty router (the
 * controller's own pipelined apply).
 */
import { readActual } from '../../controller/loop/read-actual.js';
import { ManagementClient } from '../../controller/management/index.js';
import { MANAGEMENT_NAMES } from '../../controller/router/boot-file.js';
import { applyPlan } from '../../reconcilers/apply.js';
import { splitBoot } from '../../reconcilers/boot-split.js';
import { plan } from '../../reconcilers/plan.js';
import { ControllerCli } from './controller-cli.js';
import { convergeDeadlineMs } from './router-costs.js';
import { RouterProcess, type BenchTarget } from './router-process.js';
import { median, ratio } from './stats.js';
import { ROUTER_ENTITY, desiredState, desiredText } from './workload.js';

export interface ColdStartResult {
  readonly entities: number;
  readonly runs: number;
  /** Medians over the runs, ms from process start. */
  readonly healthyMs: number;
  readonly connectedMs: number;
  readonly convergedMs: number;
  readonly firstPassMs: number;
  /** The router alone booting the same boot file, spawn → management answers (median of `runs`). */
  readonly routerBootMs: number;
  /** convergedMs ÷ routerBootMs: what the controller adds to the router's own boot (1 = nothing). */
  readonly vsRouterBoot: number;
  /** Most management writes seen in any run. */
  readonly managementWrites: number;
  /** What the cold-start plan leaves for management after boot (the target for `managementWrites`). */
  readonly expectedWrites: number;
  /**
   * The same entities created over management instead: an empty router started (`routerStartMs`,
   * spawn → management answers), then every CREATE through the controller's pipelined apply
   * (`createMs`); `ms` is the sum, comparable with `convergedMs`.
   */
  readonly viaManagement: { readonly creates: number; readonly routerStartMs: number; readonly createMs: number; readonly ms: number; readonly failed: number } | undefined;
  readonly viaManagementVsBoot: number;
}

export async function measureColdStart(
  target: BenchTarget,
  entities: number,
  runs: number,
  compare: boolean,
  progress: (line: string) => void,
): Promise<ColdStartResult> {
  const config = desiredText(entities);
  const starts = [];
  const routerBoots: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { cli, start } = await ControllerCli.start(target, config, convergeDeadlineMs(entities), { RESYNC_SECONDS: '3600' });
    await cli.stop();
    starts.push(start);
    progress(`cold start ${entities} entities: converged after ${start.convergedMs.toFixed(0)} ms, ${start.managementWrites} writes`);
    const router = await RouterProcess.start(target, desiredState(entities), { auth: 'mtls' });
    await router.stop();
    routerBoots.push(router.bootMs);
    progress(`router alone, same boot file: management answers after ${router.bootMs.toFixed(0)} ms`);
  }
  const viaManagement = compare ? await createOverManagement(target, entities, progress) : undefined;
  const convergedMs = median(starts.map((s) => s.convergedMs));
  const routerBootMs = median(routerBoots);
  return {
    entities,
    runs,
    healthyMs: median(starts.map((s) => s.healthyMs)),
    connectedMs: median(starts.map((s) => s.connectedMs)),
    convergedMs,
    firstPassMs: median(starts.map((s) => s.firstPassMs)),
    routerBootMs,
    vsRouterBoot: ratio(convergedMs, routerBootMs),
    managementWrites: Math.max(...starts.map((s) => Math.max(s.managementWrites, s.firstPassOperations))),
    expectedWrites: splitBoot(desiredState(entities)).afterBoot.length,
    viaManagement,
    viaManagementVsBoot: viaManagement ? ratio(viaManagement.ms, convergedMs) : Number.NaN,
  };
}

async function createOverManagement(
  target: BenchTarget,
  entities: number,
  progress: (line: string) => void,
): Promise<NonNullable<ColdStartResult['viaManagement']>> {
  const spawned = performance.now();
  const router = await RouterProcess.start(target, { entities: [ROUTER_ENTITY] });
  const routerStartMs = performance.now() - spawned;
  const client = new ManagementClient({ url: router.url, timeoutMs: 600_000 });
  try {
    const planned = plan(desiredState(entities), await readActual(client), { protectedNames: [...MANAGEMENT_NAMES] });
    const start = performance.now();
    const result = await applyPlan(planned, client);
    const createMs = performance.now() - start;
    progress(`cold start over management: ${planned.operations.length} creates in ${createMs.toFixed(0)} ms`);
    return { creates: planned.operations.length, routerStartMs, createMs, ms: routerStartMs + createMs, failed: result.failed.length };
  } finally {
    await client.close();
    await router.stop();
  }
}
