/**
 * The latency model against the real router's recordings (`e2e/reference/`): every recorded
 * point within ±30 %, from the model's computed costs (never from wall-clock timing).
 */
import { describe, expect, it } from 'vitest';
import { writeSkrouterdConfig } from '../../schemas/config/index.js';
import type { EntityKind } from '../../schemas/index.js';
import { bootRouter } from './boot.js';
import { typeOfKind } from './catalog.js';
import { DEFAULT_LATENCY, LatencyModel, bootCost, bootEntityCounts, bootLoadCost, operationCost, type EntityCounts } from './latency.js';
import { bootCostsByType, timingProfile } from '../reference/fixtures.js';


const timing = timingProfile();
const byType = bootCostsByType();

const TOLERANCE = 0.3;
const cost = (operation: string, entityCount: number, extra: { rows?: number; sslProfileUpdate?: boolean } = {}) =>
  operationCost(DEFAULT_LATENCY, { agent: 'python', operation, entityCount, ...extra });

/** Within ±30 % of `recorded`, or of the nearer end of a recorded range. */
function expectNear(modelled: number, recorded: number | { min: number; max: number }, what: string): void {
  const [min, max] = typeof recorded === 'number' ? [recorded, recorded] : [recorded.min, recorded.max];
  expect(modelled, `${what}: modelled ${modelled.toFixed(2)}, recorded ${min}…${max}`).toBeGreaterThanOrEqual(min * (1 - TOLERANCE));
  expect(modelled, `${what}: modelled ${modelled.toFixed(2)}, recorded ${min}…${max}`).toBeLessThanOrEqual(max * (1 + TOLERANCE));
}

/** The CREATEs of `counts` into a running router, one after the other (the router runs one at a time). */
function managementSeconds(counts: EntityCounts): number {
  let held = 0;
  let ms = 0;
  for (const [type, n] of Object.entries(counts)) {
    const agent = typeOfKind(type as EntityKind).agent;
    for (let k = 0; k < n; k++) ms += operationCost(DEFAULT_LATENCY, { agent, operation: 'CREATE', entityCount: held++ });
  }
  return ms / 1000;
}

describe('latency model against the recorded timing profile (tcpConnectors booted from the file)', () => {
  it('has the fixture it is checked against', () => {
    expect(timing.map((p) => p.entities)).toEqual([10, 100, 500, 1000, 2000, 4000]);
    expect(byType.length).toBeGreaterThan(10);
  });

  it.each(timing)('is within ±30 % of every recorded cost with $entities entities', (p) => {
    const n = p.entities;
    expectNear(bootCost(DEFAULT_LATENCY, { tcpConnector: n }) / 1000, p.boot_s, 'boot s');
    expectNear(cost('CREATE', n), p.create_ms, 'CREATE ms');
    expectNear(cost('DELETE', n), p.delete_ms, 'DELETE ms');
    expectNear(cost('QUERY', n, { rows: n }), p.query_all_rows_ms, 'QUERY all rows ms');
    expectNear(cost('READ', n), p.read_ms, 'READ ms');
    expectNear(cost('UPDATE', n), p.log_update_ms, 'log UPDATE ms');
  });
});

describe('latency model against the boot file vs management costs by type', () => {
  it.each(byType.map((m) => ({ ...m, label: `${m.path} ${JSON.stringify(m.counts)}` })))('is within ±30 % of $label', (m) => {
    const recorded = m.seconds ?? { min: m.secondsMin ?? Number.NaN, max: m.secondsMax ?? Number.NaN };
    const modelled = m.path === 'bootFile' ? bootCost(DEFAULT_LATENCY, m.counts) / 1000 : managementSeconds(m.counts);
    expectNear(modelled, recorded, m.path);
  });

  it('makes the file the slow path for addresses and the fast one for tcpConnectors', () => {
    const fileAddresses = bootLoadCost(DEFAULT_LATENCY, { address: 10_000 }) / 1000;
    expect(fileAddresses).toBeGreaterThan(10 * managementSeconds({ address: 10_000 }));
    expect(bootLoadCost(DEFAULT_LATENCY, { tcpConnector: 4_000 }) / 1000).toBeLessThan(managementSeconds({ tcpConnector: 4_000 }));
  });

  it('weights a mixed file by type at its total count, and loads nothing for an empty one', () => {
    const mixed = bootLoadCost(DEFAULT_LATENCY, { tcpConnector: 2_000, tcpListener: 2_000 });
    const connectors = bootLoadCost(DEFAULT_LATENCY, { tcpConnector: 4_000 });
    const listeners = bootLoadCost(DEFAULT_LATENCY, { tcpListener: 4_000 });
    expect(mixed).toBeCloseTo((connectors + listeners) / 2, 6);
    expect(bootLoadCost(DEFAULT_LATENCY, { sslProfile: 1_000 })).toBe(bootLoadCost(DEFAULT_LATENCY, { tcpConnector: 1_000 }));
    expect(bootLoadCost(DEFAULT_LATENCY, {})).toBe(0);
    expect(bootCost(DEFAULT_LATENCY, {})).toBe(DEFAULT_LATENCY.processStartMs);
  });
});

describe('latency model shape', () => {
  it('grows with the entity count for every Python-agent operation, and the boot superlinearly', () => {
    for (const op of ['CREATE', 'READ', 'UPDATE', 'DELETE', 'QUERY', 'GET-SCHEMA', 'GET-TYPES']) {
      const costs = [0, 100, 1000, 10_000].map((n) => cost(op, n));
      expect(costs, op).toEqual([...costs].sort((a, b) => a - b));
      expect(costs[3], op).toBeGreaterThan(costs[0] ?? Infinity);
    }
    expect(cost('QUERY', 500, { rows: 500 })).toBeGreaterThan(cost('QUERY', 500, { rows: 5 }));
    expect(cost('UPDATE', 100, { sslProfileUpdate: true })).toBeGreaterThan(cost('UPDATE', 100));
    const load = (n: number) => bootLoadCost(DEFAULT_LATENCY, { tcpConnector: n });
    expect(load(4_000) / load(2_000)).toBeGreaterThan(2);
  });

  it('keeps the C agent flat in the entity count', () => {
    const c = (n: number) => operationCost(DEFAULT_LATENCY, { agent: 'c', operation: 'CREATE', entityCount: n });
    expect(c(10)).toBe(c(10_000));
  });

  it('is on by default, scalable, replaceable, and off with false', () => {
    const input = { agent: 'python', operation: 'READ', entityCount: 0 } as const;
    expect(new LatencyModel(undefined).cost(input)).toBe(DEFAULT_LATENCY.readMs);
    expect(new LatencyModel({ scale: 2 }).cost(input)).toBe(2 * DEFAULT_LATENCY.readMs);
    expect(new LatencyModel({ coefficients: { createMs: 10, createGrowth: { atThousandMs: 0, exponent: 1 } } }).cost({ ...input, operation: 'CREATE' })).toBe(10);
    const off = new LatencyModel(false);
    expect(off.enabled).toBe(false);
    expect(off.cost(input)).toBe(0);
    expect(() => new LatencyModel({ scale: -1 })).toThrow(RangeError);
  });
});

describe('boot hold of a booted simulator', () => {
  const booted = (connectors: number, addresses: number) =>
    bootRouter(
      {
        text: writeSkrouterdConfig({
          entities: [
            { kind: 'router', name: 'router', attributes: { id: 'r', mode: 'standalone' } },
            ...Array.from({ length: connectors }, (_, i) => ({ kind: 'tcpConnector' as const, name: `c-${i}`, attributes: { address: `s-${i}`, host: '127.0.0.1', port: '9090' } })),
            ...Array.from({ length: addresses }, (_, i) => ({ kind: 'address' as const, name: `a-${i}`, attributes: { prefix: `p/${i}`, distribution: 'balanced' } })),
          ],
        }),
      },
      { now: Date.now, checkTlsFiles: false },
      'r',
    );

  it('counts what the file loaded by type and holds management for its modelled loading', () => {
    const state = booted(1_000, 200);
    const counts = bootEntityCounts(state);
    expect(counts).toMatchObject({ tcpConnector: 1_000, address: 200 });
    const model = new LatencyModel(undefined);
    expect(model.bootHoldMs(state)).toBeCloseTo(bootLoadCost(DEFAULT_LATENCY, counts), 6);
    expect(model.bootHoldMs(state, 500)).toBeCloseTo(bootLoadCost(DEFAULT_LATENCY, counts) - 500, 6);
    expect(model.bootHoldMs(state, 1e9)).toBe(0);
    expect(new LatencyModel(false).bootHoldMs(state)).toBe(0);
  });

  it('holds a small file for a few milliseconds only, even scaled (the process start is the simulator\'s own)', () => {
    const small = booted(10, 0);
    expect(new LatencyModel(undefined).bootHoldMs(small)).toBeLessThan(5);
    expect(new LatencyModel({ scale: 20 }).bootHoldMs(small)).toBeLessThan(50);
  });
});
