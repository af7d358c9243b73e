/**
 * `/healthz` means "the loop makes progress". A pass that runs far longer than
 * LIVENESS_TIMEOUT_SECONDS while completing operations (a large plan against the simulator's
 * latency model) stays healthy the whole time; a pass whose replies never come (the router stalls)
 * fails `/healthz` once nothing completed for that long, and is healthy again once it moves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { revisionOf } from '../../controller/sources/file-source.js';
import { goodText } from '../hostile/catalogue-config.js';
import { Rig, waitFor } from '../hostile/support/rig.js';
import { tally } from '../hostile/support/tally.js';
import { cycleConfig } from './support/cycles.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('liveness: progress, not pass duration', () => {
  it('a long pass that keeps completing operations stays healthy past the limit', { timeout: 120_000 }, async () => {
    const r = (rig = await Rig.start({ config: goodText(), latency: { scale: 2 }, env: { LIVENESS_TIMEOUT_SECONDS: '1', MGMT_TIMEOUT_MS: '1000', MGMT_MAX_IN_FLIGHT: '2' } }));
    await r.waitConverged(revisionOf(goodText()));
    const text = cycleConfig(0, 600);
    const revision = await r.write(text);
    let probes = 0;
    let unhealthy = 0;
    for (;;) {
      const s = await r.status();
      if (s.source.appliedRevision === revision && s.lastPass?.result === 'converged') break;
      probes++;
      if (!(await r.healthy())) unhealthy++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The longest pass, from its first log line to its last (it may have ended failed if an
    // operation timed out on a loaded machine; liveness is about progress either way).
    const spans = new Map<number, { first: number; last: number }>();
    for (const l of r.logs) {
      const id = Number(l['reconcileId']);
      if (!Number.isInteger(id) || typeof l['time'] !== 'string') continue;
      const t = Date.parse(l['time']);
      const span = spans.get(id);
      spans.set(id, { first: span?.first ?? t, last: t });
    }
    const pass = { durationMs: Math.max(...[...spans.values()].map((x) => x.last - x.first)) };
    const figures = { longestPassMs: pass.durationMs, probes, unhealthy };
    console.info(`liveness, long pass: ${JSON.stringify(figures)}`);
    tally('faults', 'liveness during a long pass', 'probes', JSON.stringify(figures));
    // The case means something only if the pass outlived the limit several times over (and the
    // old rule, "unhealthy after 10 × MGMT_TIMEOUT_MS", i.e. 10 s here).
    expect(pass.durationMs).toBeGreaterThan(10_000);
    expect(unhealthy).toBe(0);
  });

  it('a pass stuck on replies that never come fails /healthz, and recovers once it moves', { timeout: 60_000 }, async () => {
    const r = (rig = await Rig.start({ config: goodText(), env: { LIVENESS_TIMEOUT_SECONDS: '1', MGMT_TIMEOUT_MS: '60000' } }));
    await r.waitConverged(revisionOf(goodText()));
    r.sim.faults.stallReplies('hold');
    const text = cycleConfig(1, 4);
    await r.write(text);
    const reason = await waitFor('/healthz to fail', async () => {
      const res = await r.get('/healthz');
      return res.status === 503 ? res.text() : undefined;
    });
    expect(reason).toMatch(/no progress for \d+ s/);
    r.sim.faults.stallReplies(false);
    r.sim.faults.dropConnections();
    await r.waitConverged(revisionOf(text), 30_000);
    expect(await r.healthy()).toBe(true);
  });
});
