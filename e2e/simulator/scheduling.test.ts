import { describe, expect, it } from 'vitest';
import { Pacer } from './scheduling.js';

/** A sleeper on a fake clock whose timers fire `lateMs` late, as Node's do. */
function fakeClock(lateMs: number) {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleeps,
    sleeper: {
      sleep: (ms: number) => {
        sleeps.push(ms);
        now += ms + lateMs;
        return Promise.resolve();
      },
    },
  };
}

describe('Pacer', () => {
  it('adds up costs below the timer floor instead of sleeping 1 ms for each', async () => {
    const clock = fakeClock(0);
    const pacer = new Pacer(clock.sleeper, clock.now);
    for (let i = 0; i < 100; i++) await pacer.hold(0.3);
    // 100 × 0.3 ms = 30 ms of modelled work, in sleeps of at least 1 ms each
    expect(clock.now()).toBeGreaterThanOrEqual(29);
    expect(clock.now()).toBeLessThanOrEqual(31);
    expect(clock.sleeps.every((ms) => ms >= 1)).toBe(true);
    expect(clock.sleeps.length).toBeLessThan(35);
  });

  it('repays timers that fire late, so the total stays the modelled cost', async () => {
    const clock = fakeClock(1);
    const pacer = new Pacer(clock.sleeper, clock.now);
    for (let i = 0; i < 100; i++) await pacer.hold(2);
    expect(clock.now()).toBeGreaterThanOrEqual(200);
    expect(clock.now()).toBeLessThanOrEqual(215);
  });

  it('sleeps a request that costs more than the floor at once', async () => {
    const clock = fakeClock(0);
    await new Pacer(clock.sleeper, clock.now).hold(5);
    expect(clock.sleeps).toEqual([5]);
  });
});
