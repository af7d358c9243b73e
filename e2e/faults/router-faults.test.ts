/**
 * Router-side faults in the middle of an apply, against the in-process simulator (latency model
 * on, so an apply takes long enough to be cut): the router killed (its state returns to its boot
 * file, every connection drops) and the management connection cut (state kept, requests in
 * flight lost). Each cycle must end converged on the newest config with nothing lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { goodText } from '../hostile/catalogue-config.js';
import { Rig } from '../hostile/support/rig.js';
import { tally } from '../hostile/support/tally.js';
import { CYCLES, runCycles } from './support/cycles.js';

let rig: Rig | undefined;

afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const timeout = Math.max(60_000, CYCLES * 3_000);

describe('router faults mid-apply', () => {
  it(`the router killed mid-apply, ${CYCLES} times: converges each time, nothing lost`, { timeout }, async () => {
    rig = await Rig.start({ config: goodText(), latency: {} });
    const figures = await runCycles(rig, CYCLES, (r) => r.sim.faults.crash());
    console.info(`router killed mid-apply: ${JSON.stringify(figures)}`);
    tally('faults', 'router killed mid-apply', 'cycles', JSON.stringify(figures));
    expect(figures).toMatchObject({ cycles: CYCLES, converged: CYCLES, lost: 0 });
    expect(figures.midApply).toBeGreaterThan(0);
    expect(await rig.healthy()).toBe(true);
  });

  it(`the management connection cut mid-pipeline, ${CYCLES} times: converges each time, nothing lost`, { timeout }, async () => {
    rig = await Rig.start({ config: goodText(), latency: {} });
    const figures = await runCycles(rig, CYCLES, (r) => Promise.resolve(r.sim.faults.dropConnections()));
    console.info(`management connection cut mid-pipeline: ${JSON.stringify(figures)}`);
    tally('faults', 'connection cut mid-pipeline', 'cycles', JSON.stringify(figures));
    expect(figures).toMatchObject({ cycles: CYCLES, converged: CYCLES, lost: 0 });
    expect(figures.midApply).toBeGreaterThan(0);
    expect(await rig.healthy()).toBe(true);
  });

  it('replies that never come (held), then a cut: the pass times out, reconnects and converges', async () => {
    rig = await Rig.start({ config: goodText(), env: { MGMT_TIMEOUT_MS: '300' } });
    const r = rig;
    const figures = await runCycles(r, Math.min(CYCLES, 5), async () => {
      r.sim.faults.stallReplies('drop');
      await new Promise((resolve) => setTimeout(resolve, 400));
      r.sim.faults.stallReplies(false);
      r.sim.faults.dropConnections();
    });
    tally('faults', 'replies dropped then cut', 'cycles', JSON.stringify(figures));
    expect(figures.lost).toBe(0);
  });
});
