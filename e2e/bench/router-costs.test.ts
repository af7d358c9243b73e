// The bench's time limits and real-router sizes, from the latency model's predictions (no timings).
import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY, bootCost } from '../simulator/latency.js';
import { FIXED_ALLOWANCE_MS, TIME_MARGIN, convergeDeadlineMs, entityCounts, predictedBootMs, runsOn, simulatorOnlyNote, startTimeoutMs } from './router-costs.js';
import { desiredState } from './workload.js';

const simulator = { kind: 'simulator' } as const;
const real = { kind: 'binary' } as const;

describe('router costs of the bench workload', () => {
  it('counts the workload by kind, with the management listener the boot file adds', () => {
    expect(entityCounts(desiredState(10))).toEqual({ listener: 1, router: 1, tcpConnector: 7, address: 2, tcpListener: 1 });
  });

  it('predicts the boot from the model fitted to the real router, superlinear in the size', () => {
    const state = desiredState(4_000);
    expect(predictedBootMs(state)).toBe(bootCost(DEFAULT_LATENCY, entityCounts(state)));
    const boot = (n: number) => predictedBootMs(desiredState(n)) - DEFAULT_LATENCY.processStartMs;
    expect(boot(4_000) / boot(2_000)).toBeGreaterThan(2);
  });

  it('gives every start the predicted time with its margin', () => {
    const state = desiredState(1_000);
    expect(startTimeoutMs(state)).toBe(Math.ceil(TIME_MARGIN * predictedBootMs(state)) + FIXED_ALLOWANCE_MS);
    expect(Number.isInteger(startTimeoutMs(state))).toBe(true); // the management client takes whole milliseconds
    expect(convergeDeadlineMs(1_000)).toBe(startTimeoutMs(state));
    expect(convergeDeadlineMs(10_000)).toBeGreaterThan(convergeDeadlineMs(1_000));
  });

  it('runs every size on the simulator, and on a real router only what it boots within the budget', () => {
    const s = predictedBootMs(desiredState(5_000)) / 1000;
    expect(runsOn(simulator, 5_000, s / 10)).toBe(true);
    expect(runsOn(real, 5_000, s / 2)).toBe(false);
    expect(runsOn(real, 5_000, s * 2)).toBe(true);
    expect(simulatorOnlyNote('memory', 10_000, 120)).toMatch(/^memory, 10,000 entities: simulator only \(a real router is predicted to need \d+ s/);
  });
});
