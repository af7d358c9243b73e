/**
 * Section `channel`: what the mutual-TLS management channel (`MGMT_AUTH=mtls`, the default)
 * costs against the anonymous loopback listener (`MGMT_AUTH=none`).
 *
 * - credentials: `createManagementCredentials()` in this process (the first call, then the
 *   median of `calls` after it), and the first call of a fresh child process with the RSS and
 *   heap it leaves behind (`credentials-child.ts`; median over `children` processes);
 * - connect: `new ManagementClient(...)` → first answered QUERY (`checkRouter()`), a fresh client
 *   each time, alternating between two routers of the same target booted with each channel;
 * - apply throughput: the controller's client (`applyPlan`, default window) creating `entities`
 *   tcpConnectors then deleting them, over each channel; best of the runs, runs alternate.
 * Both routers are booted by `RouterProcess.start(..., { auth })`, i.e. through the product's
 * `openManagementChannel`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readActual } from '../../controller/loop/read-actual.js';
import { ManagementClient } from '../../controller/management/index.js';
import { loadSettings } from '../../controller/settings.js';
import { createManagementCredentials } from '../../controller/tls/management-credentials.js';
import { applyPlan } from '../../reconcilers/apply.js';
import { plan } from '../../reconcilers/plan.js';
import { RouterProcess, type BenchTarget, type ChannelAuth } from './router-process.js';
import { median, percentile, ratio } from './stats.js';
import { PLAN_OPTIONS, checked, expectOps, rate, timed } from './throughput.js';
import { ROUTER_ENTITY, connectors } from './workload.js';

const CREDENTIALS_CHILD = fileURLToPath(new URL('./credentials-child.js', import.meta.url));
export const AUTHS: readonly ChannelAuth[] = ['none', 'mtls'];

export interface CredentialsResult {
  /** Timed calls after the first. */
  readonly calls: number;
  /** The first call in the benchmark process. */
  readonly firstMs: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  /** A fresh process's first call (medians over `runs` processes); absent with no child runs. */
  readonly child?: ChildSample & { readonly runs: number };
}

/** What `credentials-child.ts` prints: its first and second call, and the memory the first kept. */
export interface ChildSample {
  readonly firstMs: number;
  readonly secondMs: number;
  readonly rssDeltaMb: number;
  readonly heapDeltaMb: number;
}

export interface ConnectTimes {
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly minMs: number;
}

export interface ConnectResult {
  /** `on`: the simulator's latency model (or a real router); `off`: client and TLS overhead only. */
  readonly latencyModel: 'on' | 'off';
  /** Fresh clients per channel. */
  readonly clients: number;
  readonly none: ConnectTimes;
  readonly mtls: ConnectTimes;
  /** mtls ÷ none of the connect time (> 1: mTLS is slower). */
  readonly mtlsVsNone: { readonly median: number; readonly p90: number };
}

export interface ChannelRate {
  readonly createsPerSec: number;
  readonly deletesPerSec: number;
}

export interface ChannelThroughputResult {
  readonly latencyModel: 'on' | 'off';
  readonly entities: number;
  readonly runs: number;
  readonly none: ChannelRate;
  readonly mtls: ChannelRate;
  /** mtls ÷ none of the rate (< 1: mTLS is slower). */
  readonly mtlsVsNone: { readonly creates: number; readonly deletes: number };
}

export interface ChannelResult {
  /** Measured once per run (no router involved): on the first target only. */
  credentials?: CredentialsResult;
  readonly connect: ConnectResult[];
  readonly throughput: ChannelThroughputResult[];
}

export async function measureCredentials(calls: number, children: number, progress: (line: string) => void): Promise<CredentialsResult> {
  const timedCall = () => {
    const start = performance.now();
    createManagementCredentials();
    return performance.now() - start;
  };
  const firstMs = timedCall();
  const ms = Array.from({ length: calls }, timedCall);
  const samples: ChildSample[] = [];
  for (let k = 0; k < children; k++) samples.push(await credentialsChild());
  const pick = (key: keyof ChildSample) => median(samples.map((s) => s[key]));
  const result: CredentialsResult = {
    calls,
    firstMs,
    medianMs: median(ms),
    p90Ms: percentile(ms, 90),
    ...(samples.length > 0
      ? { child: { runs: samples.length, firstMs: pick('firstMs'), secondMs: pick('secondMs'), rssDeltaMb: pick('rssDeltaMb'), heapDeltaMb: pick('heapDeltaMb') } }
      : {}),
  };
  progress(`credentials: first ${result.firstMs.toFixed(1)} ms, median ${result.medianMs.toFixed(1)} ms of ${calls}` + (result.child ? `; fresh process ${result.child.firstMs.toFixed(1)} ms, RSS +${result.child.rssDeltaMb.toFixed(1)} MB` : ''));
  return result;
}

async function credentialsChild(): Promise<ChildSample> {
  const child = spawn(process.execPath, ['--expose-gc', CREDENTIALS_CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`credentials child exited with ${code}`);
  return JSON.parse(out) as ChildSample;
}

/** Boots one router per channel from `state`; always stops both. */
async function withRouters<T>(target: BenchTarget, run: (routers: Record<ChannelAuth, RouterProcess>) => Promise<T>): Promise<T> {
  const started: RouterProcess[] = [];
  try {
    for (const auth of AUTHS) started.push(await RouterProcess.start(target, { entities: [ROUTER_ENTITY] }, { auth }));
    const [none, mtls] = started as [RouterProcess, RouterProcess];
    return await run({ none, mtls });
  } finally {
    for (const router of started) await router.stop();
  }
}

async function connectOnce(router: RouterProcess): Promise<number> {
  const start = performance.now();
  const client = new ManagementClient({ ...router.clientOptions, timeoutMs: 30_000, connectTimeoutMs: 10_000 });
  try {
    await client.checkRouter();
    return performance.now() - start;
  } finally {
    await client.close();
  }
}

export async function measureConnect(target: BenchTarget, clients: number, latencyModel: 'on' | 'off', progress: (line: string) => void): Promise<ConnectResult> {
  return withRouters(target, async (routers) => {
    for (const auth of AUTHS) for (let k = 0; k < 2; k++) await connectOnce(routers[auth]);
    const ms: Record<ChannelAuth, number[]> = { none: [], mtls: [] };
    for (let i = 0; i < clients; i++) {
      // Alternate which channel goes first, so neither always follows the other's close.
      for (const auth of i % 2 === 0 ? AUTHS : [...AUTHS].reverse()) ms[auth].push(await connectOnce(routers[auth]));
    }
    const times = (values: number[]): ConnectTimes => ({ medianMs: median(values), p90Ms: percentile(values, 90), minMs: Math.min(...values) });
    const result: ConnectResult = {
      latencyModel,
      clients,
      none: times(ms.none),
      mtls: times(ms.mtls),
      mtlsVsNone: { median: ratio(median(ms.mtls), median(ms.none)), p90: ratio(percentile(ms.mtls, 90), percentile(ms.none, 90)) },
    };
    progress(`connect (latency ${latencyModel}): none ${result.none.medianMs.toFixed(1)} ms, mtls ${result.mtls.medianMs.toFixed(1)} ms (median of ${clients})`);
    return result;
  });
}

export async function measureChannelThroughput(
  target: BenchTarget,
  entities: number,
  runs: number,
  latencyModel: 'on' | 'off',
  progress: (line: string) => void,
): Promise<ChannelThroughputResult> {
  return withRouters(target, async (routers) => {
    const { managementMaxInFlight } = loadSettings({ SKUPPER_PLATFORM: 'kubernetes', ROUTER_URL: routers.none.url });
    const clients: Record<ChannelAuth, ManagementClient> = {
      none: new ManagementClient({ ...routers.none.clientOptions, timeoutMs: 600_000, maxInFlight: managementMaxInFlight }),
      mtls: new ManagementClient({ ...routers.mtls.clientOptions, timeoutMs: 600_000, maxInFlight: managementMaxInFlight }),
    };
    try {
      const empty = { entities: [ROUTER_ENTITY] };
      /** Creates everything `state` adds, then deletes it again; ms of each half. */
      const cycle = async (auth: ChannelAuth, count: number, from: number): Promise<{ create: number; del: number }> => {
        const client = clients[auth];
        const creates = plan({ entities: [ROUTER_ENTITY, ...connectors(count, from)] }, await readActual(client), PLAN_OPTIONS);
        expectOps(creates, count, 'create');
        const create = await timed(() => checked(applyPlan(creates, client)));
        const deletes = plan(empty, await readActual(client), PLAN_OPTIONS);
        expectOps(deletes, count, 'delete');
        return { create, del: await timed(() => checked(applyPlan(deletes, client))) };
      };
      for (const auth of AUTHS) await cycle(auth, Math.min(200, entities), 1_000_000);
      const ms: Record<ChannelAuth, { create: number[]; del: number[] }> = { none: { create: [], del: [] }, mtls: { create: [], del: [] } };
      for (let run = 0; run < runs; run++) {
        for (const auth of run % 2 === 0 ? AUTHS : [...AUTHS].reverse()) {
          const { create, del } = await cycle(auth, entities, 0);
          ms[auth].create.push(create);
          ms[auth].del.push(del);
          progress(`channel throughput (latency ${latencyModel}) ${auth}: ${rate(entities, create)} creates/s, ${rate(entities, del)} deletes/s`);
        }
      }
      const best = (auth: ChannelAuth): ChannelRate => ({
        createsPerSec: rate(entities, Math.min(...ms[auth].create)),
        deletesPerSec: rate(entities, Math.min(...ms[auth].del)),
      });
      const none = best('none');
      const mtls = best('mtls');
      return {
        latencyModel,
        entities,
        runs,
        none,
        mtls,
        mtlsVsNone: { creates: ratio(mtls.createsPerSec, none.createsPerSec), deletes: ratio(mtls.deletesPerSec, none.deletesPerSec) },
      };
    } finally {
      await clients.none.close();
      await clients.mtls.close();
    }
  });
}
