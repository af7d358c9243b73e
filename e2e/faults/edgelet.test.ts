/**
 * The Edgelet unavailable (CI: 3 s; FAULTS_LONG=1: the 60 s) and flapping, with the
 * config changed on the Edgelet while the controller cannot reach it. The router must keep the
 * last good state throughout, and end converged on the newest config with nothing lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { revisionOf } from '../../controller/sources/file-source.js';
import { FakeEdgelet } from '../fake-edgelet/fake-edgelet.js';
import { GOOD, goodText } from '../hostile/catalogue-config.js';
import { edgeletSourceFor } from '../hostile/support/edgelet-source.js';
import { Rig, stateOf } from '../hostile/support/rig.js';
import { tally } from '../hostile/support/tally.js';
import { CYCLES } from './support/cycles.js';

const LONG = process.env['FAULTS_LONG'] === '1';
const OUTAGE_MS = LONG ? 60_000 : 3_000;

let fake: FakeEdgelet | undefined;
let rig: Rig | undefined;

afterEach(async () => {
  await rig?.close();
  await fake?.close();
  rig = undefined;
  fake = undefined;
});

async function start(): Promise<{ fake: FakeEdgelet; rig: Rig }> {
  const f = (fake = await FakeEdgelet.start({ config: GOOD }));
  const source = edgeletSourceFor(f, { requestTimeoutMs: 1000, reconnectMaxMs: 250 });
  const r = (rig = await Rig.start({ config: goodText(), source }));
  await r.waitConverged(revisionOf(goodText()));
  return { fake: f, rig: r };
}

const configNumber = (i: number): string =>
  JSON.stringify([...GOOD, ['address', { name: `edgelet-${i}`, prefix: `edgelet-${i}`, distribution: 'closest' }]], null, 2);

describe('the Edgelet unavailable and flapping', () => {
  it(`unavailable for ${OUTAGE_MS / 1000} s while its config changes: the router keeps the last good state, then converges`, { timeout: OUTAGE_MS + 60_000 }, async () => {
    const { fake: f, rig: r } = await start();
    const before = await r.snapshot();
    await f.down();
    f.setConfig(JSON.parse(configNumber(1)) as unknown);
    const deadline = Date.now() + OUTAGE_MS;
    let sourceDownPasses = 0;
    while (Date.now() < deadline) {
      const last = (await r.status()).lastPass?.id ?? 0;
      r.controller.trigger('test: read during the outage');
      const s = await r.waitPass('a pass during the outage', last, () => true);
      // The router is held to the last good state (the pass converged on it); the source is reported down beside it.
      if (s.source.up === false && s.lastPass?.result === 'converged') sourceDownPasses++;
      expect(await r.snapshot()).toEqual(before);
      expect(await r.healthy()).toBe(true);
      expect((await r.get('/readyz')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, OUTAGE_MS / 10)));
    }
    await f.up();
    await r.waitConverged(revisionOf(configNumber(1)), 30_000);
    const remaining = await r.planAgainstRouter(stateOf(configNumber(1)));
    const figures = { outageMs: OUTAGE_MS, sourceDownPassesDuringOutage: sourceDownPasses, lost: remaining.operations.length };
    console.info(`edgelet unavailable: ${JSON.stringify(figures)}`);
    tally('faults', 'edgelet unavailable', 'outage', JSON.stringify(figures));
    expect(sourceDownPasses).toBeGreaterThan(0);
    expect(remaining.operations).toEqual([]);
  });

  it(`flapping ${CYCLES} times with a config change each time: converges on the newest, nothing lost`, { timeout: Math.max(60_000, CYCLES * 2_000) }, async () => {
    const { fake: f, rig: r } = await start();
    let lost = 0;
    for (let i = 0; i < CYCLES; i++) {
      await f.down();
      f.setConfig(JSON.parse(configNumber(100 + i)) as unknown);
      await new Promise((resolve) => setTimeout(resolve, 50 + ((i * 37) % 150)));
      await f.up();
      if (i % 2 === 0) {
        // Sometimes a signal also arrives once it is back; sometimes only the reconnect refetch tells.
        f.signal();
      }
      await r.waitConverged(revisionOf(configNumber(100 + i)), 30_000);
      lost += (await r.planAgainstRouter(stateOf(configNumber(100 + i)))).operations.length;
    }
    const figures = { flaps: CYCLES, lost, controlOpens: f.stats.controlOpens };
    console.info(`edgelet flapping: ${JSON.stringify(figures)}`);
    tally('faults', 'edgelet flapping', 'flaps', JSON.stringify(figures));
    expect(lost).toBe(0);
  });
});
