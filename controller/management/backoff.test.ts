import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles from the initial delay up to the maximum, and starts over after reset', () => {
    const backoff = new Backoff({ initialDelayMs: 250, maxDelayMs: 2_000, jitter: 0.2 }, () => 0);
    const delays = Array.from({ length: 6 }, () => backoff.next());
    expect(delays).toEqual([250, 500, 1_000, 2_000, 2_000, 2_000]);
    backoff.reset();
    expect(backoff.next()).toBe(250);
  });

  it('only ever shortens a delay by at most the jitter fraction', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (initial, factor, jitter, randoms) => {
          const max = initial * factor;
          let i = 0;
          const backoff = new Backoff({ initialDelayMs: initial, maxDelayMs: max, jitter }, () => randoms[i++ % randoms.length] ?? 0);
          for (let attempt = 0; attempt < randoms.length; attempt++) {
            const base = Math.min(max, initial * 2 ** attempt);
            const delay = backoff.next();
            expect(delay).toBeLessThanOrEqual(base);
            expect(delay).toBeGreaterThanOrEqual(Math.floor(base * (1 - jitter)));
          }
        },
      ),
    );
  });
});
