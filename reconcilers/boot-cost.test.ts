import { describe, expect, it } from 'vitest';
import { ENTITY_KINDS, type EntityKind } from '../schemas/index.js';
import { SKROUTERD_3_5_1 as MODEL, bootSeconds, countByType, managementSeconds, pythonCreateMs } from './boot-cost.js';
import { bootCostsByType, timingProfile } from '../e2e/reference/fixtures.js';

// The test holds the product's coefficients to the recordings; the product never reads them.

const BY_TYPE = bootCostsByType();
const TIMING = timingProfile();

const TOLERANCE = 0.3;
/** Within ±30 % of the value, or of the nearer bound of a recorded range. */
function within(modelled: number, m: { seconds?: number; secondsMin?: number; secondsMax?: number }): boolean {
  const lo = (m.seconds ?? m.secondsMin ?? Number.NaN) * (1 - TOLERANCE);
  const hi = (m.seconds ?? m.secondsMax ?? Number.NaN) * (1 + TOLERANCE);
  return modelled >= lo && modelled <= hi;
}

describe('the cost model of skrouterd 3.5.1 (boot file vs management, by type)', () => {
  it('has every recorded point of the by-type file within ±30 %', () => {
    expect(BY_TYPE.length).toBeGreaterThanOrEqual(15);
    for (const m of BY_TYPE) {
      const modelled = m.path === 'bootFile' ? bootSeconds(MODEL, m.counts) : managementSeconds(MODEL, m.counts);
      expect(within(modelled, m), `${m.path} ${JSON.stringify(m.counts)}: modelled ${modelled.toFixed(2)} s, recorded ${m.seconds ?? `${m.secondsMin}–${m.secondsMax}`} s`).toBe(true);
    }
  });

  it('has the recorded boot time and CREATE cost at 10 to 4,000 tcpConnectors within ±30 %', () => {
    expect(TIMING).toHaveLength(6);
    for (const p of TIMING) {
      const boot = bootSeconds(MODEL, { tcpConnector: p.entities });
      expect(within(boot, { seconds: p.boot_s }), `boot ${p.entities}: ${boot.toFixed(3)} s vs ${p.boot_s} s`).toBe(true);
      const create = pythonCreateMs(MODEL, p.entities);
      expect(within(create, { seconds: p.create_ms }), `CREATE at ${p.entities}: ${create.toFixed(2)} ms vs ${p.create_ms} ms`).toBe(true);
    }
  });

  it('is superlinear in the boot file, and an entity in the file slows the loading of the others', () => {
    for (const kind of ['tcpConnector', 'tcpListener', 'address'] as const) {
      expect(bootSeconds(MODEL, { [kind]: 4_000 }) - MODEL.processStartS).toBeGreaterThan(2.5 * (bootSeconds(MODEL, { [kind]: 2_000 }) - MODEL.processStartS));
    }
    const mixed = bootSeconds(MODEL, { tcpConnector: 2_000, address: 2_000 });
    expect(mixed).toBeGreaterThan(bootSeconds(MODEL, { tcpConnector: 2_000 }) + bootSeconds(MODEL, { address: 2_000 }));
  });

  it('makes Python-agent CREATEs dearer as the router fills up, C-agent CREATEs flat', () => {
    expect(managementSeconds(MODEL, { tcpConnector: 100 }, { tcpConnector: 3_000 })).toBeGreaterThan(3 * managementSeconds(MODEL, { tcpConnector: 100 }));
    expect(managementSeconds(MODEL, { address: 100 }, { tcpConnector: 3_000 })).toBeCloseTo(managementSeconds(MODEL, { address: 100 }), 9);
    // Every entity held counts, addresses too (not recorded; the cautious side), and the planner creates addresses first.
    expect(managementSeconds(MODEL, { tcpConnector: 100 }, { address: 3_000 })).toBeCloseTo(managementSeconds(MODEL, { tcpConnector: 100 }, { tcpConnector: 3_000 }), 9);
    expect(managementSeconds(MODEL, { tcpConnector: 100, address: 3_000 })).toBeCloseTo(managementSeconds(MODEL, { tcpConnector: 100 }, { address: 3_000 }) + 0.96, 9);
  });

  it('sums Python CREATEs in steps close to the exact sum', () => {
    let exact = 0;
    for (let k = 0; k < 9_000; k++) exact += pythonCreateMs(MODEL, k);
    expect(managementSeconds(MODEL, { tcpConnector: 9_000 }) / (exact / 1_000)).toBeCloseTo(1, 3);
    expect(managementSeconds(MODEL, { tcpConnector: 3 }, { listener: 2 })).toBeCloseTo((pythonCreateMs(MODEL, 2) + pythonCreateMs(MODEL, 3) + pythonCreateMs(MODEL, 4)) / 1_000, 12);
  });

  it('has a cost for every entity type, and counts entities by type', () => {
    expect(Object.keys(MODEL.types).sort()).toEqual([...ENTITY_KINDS].sort());
    const kinds: EntityKind[] = ['address', 'tcpConnector', 'address'];
    expect(countByType(kinds.map((kind) => ({ kind })))).toEqual({ address: 2, tcpConnector: 1 });
    expect(bootSeconds(MODEL, {})).toBe(MODEL.processStartS);
    expect(managementSeconds(MODEL, {})).toBe(0);
  });
});
