/**
 * Section `health`: what the router-health poll costs (`controller/health/read-health.ts`, four
 * QUERYs in sequence, every 10 s while someone scrapes) on a router booted with the bench
 * workload: the time of one reading, and the share of the management connection it takes at the
 * poll period. The loop never waits for it (the poller waits for a running pass instead).
 */
import { ManagementClient } from '../../controller/management/index.js';
import { readRouterHealth } from '../../controller/health/read-health.js';
import { POLL_PERIOD_MS } from '../../controller/health/health-poller.js';
import { RouterProcess, type BenchTarget } from './router-process.js';
import { median, percentile } from './stats.js';
import { desiredState } from './workload.js';

export interface HealthCostResult {
  readonly entities: number;
  readonly readings: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  /** p50 ÷ the poll period: the share of the connection's time a poll takes. */
  readonly shareOfPeriod: number;
}

export async function measureHealthCost(target: BenchTarget, entities: number, readings: number, progress: (line: string) => void): Promise<HealthCostResult> {
  const router = await RouterProcess.start(target, desiredState(entities));
  const client = new ManagementClient({ ...router.clientOptions });
  try {
    await readRouterHealth(client); // the connection and the first reading are not measured
    const ms: number[] = [];
    for (let i = 0; i < readings; i++) {
      const t0 = performance.now();
      await readRouterHealth(client);
      ms.push(performance.now() - t0);
    }
    const result = { entities, readings, p50Ms: median(ms), p90Ms: percentile(ms, 90), shareOfPeriod: median(ms) / POLL_PERIOD_MS };
    progress(`health reading, ${entities} entities: p50 ${result.p50Ms.toFixed(1)} ms, p90 ${result.p90Ms.toFixed(1)} ms (${(100 * result.shareOfPeriod).toFixed(2)} % of the ${POLL_PERIOD_MS / 1000} s period)`);
    return result;
  } finally {
    await client.close();
    await router.stop();
  }
}
