/** The latency model's shape, from its computed costs (never from wall-clock timing). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY, LatencyModel, operationCost } from './latency.js';

const cost = (operation: string, entityCount: number, extra: { rows?: number; sslProfileUpdate?: boolean } = {}) =>
  operationCost(DEFAULT_LATENCY, { agent: 'python', operation, entityCount, ...extra });

describe('latency model', () => {
  it('puts CREATE at the measured anchors: about 3 ms with 200 entities, about 8 ms with 4,000, linear between', () => {
    expect(cost('CREATE', 200)).toBeCloseTo(3, 6);
    expect(cost('CREATE', 4000)).toBeCloseTo(8, 6);
    expect(cost('CREATE', 2100)).toBeCloseTo(5.5, 6);
  });

  it('puts QUERY of 1,000 rows (over 1,000 entities) at about 25 ms', () => {
    expect(cost('QUERY', 1000, { rows: 1000 })).toBeGreaterThan(23);
    expect(cost('QUERY', 1000, { rows: 1000 })).toBeLessThan(27);
  });

  it('grows with the entity count for every Python-agent operation', () => {
    for (const op of ['CREATE', 'READ', 'UPDATE', 'DELETE', 'QUERY', 'GET-SCHEMA', 'GET-TYPES']) {
      const costs = [0, 100, 1000, 10_000].map((n) => cost(op, n));
      expect(costs, op).toEqual([...costs].sort((a, b) => a - b));
      expect(costs[3], op).toBeGreaterThan(costs[0] ?? Infinity);
    }
    expect(cost('QUERY', 500, { rows: 500 })).toBeGreaterThan(cost('QUERY', 500, { rows: 5 }));
    expect(cost('UPDATE', 100, { sslProfileUpdate: true })).toBeGreaterThan(cost('UPDATE', 100));
  });

  it('keeps the C agent flat in the entity count', () => {
    const c = (n: number) => operationCost(DEFAULT_LATENCY, { agent: 'c', operation: 'CREATE', entityCount: n });
    expect(c(10)).toBe(c(10_000));
  });

  it('is on by default, scalable, replaceable, and off with false', () => {
    const input = { agent: 'python', operation: 'CREATE', entityCount: 200 } as const;
    expect(new LatencyModel(undefined).cost(input)).toBeCloseTo(3, 6);
    expect(new LatencyModel({ scale: 2 }).cost(input)).toBeCloseTo(6, 6);
    expect(new LatencyModel({ coefficients: { createMs: 10, perEntityMs: 0 } }).cost(input)).toBe(10);
    const off = new LatencyModel(false);
    expect(off.enabled).toBe(false);
    expect(off.cost(input)).toBe(0);
    expect(() => new LatencyModel({ scale: -1 })).toThrow(RangeError);
  });
});
