import { describe, expect, it } from 'vitest';
import { Liveness } from './liveness.js';

/** A liveness check on a clock the test moves by hand. */
function clocked(timeoutMs: number) {
  let now = 1_000;
  const liveness = new Liveness({ timeoutMs, now: () => now });
  return { liveness, advance: (ms: number) => (now += ms) };
}

describe('Liveness', () => {
  it('keeps a long pass alive while it completes operations, however long it runs', () => {
    const { liveness, advance } = clocked(30_000);
    liveness.passStarted();
    for (let i = 0; i < 100; i++) {
      advance(20_000);
      liveness.progress();
      expect(liveness.check().ok).toBe(true);
    }
  });

  it('fails when a running pass completes nothing for longer than the limit, and recovers on progress', () => {
    const { liveness, advance } = clocked(30_000);
    liveness.passStarted();
    advance(30_000);
    expect(liveness.check().ok).toBe(true);
    advance(1);
    const check = liveness.check();
    expect(check.ok).toBe(false);
    expect(check.reason).toMatch(/no progress for 30 s/);
    liveness.progress();
    expect(liveness.check().ok).toBe(true);
  });

  it('is alive while idle between passes, whatever the time since the last one', () => {
    const { liveness, advance } = clocked(30_000);
    liveness.passStarted();
    liveness.passEnded();
    advance(3_600_000);
    expect(liveness.check().ok).toBe(true);
    liveness.passStarted();
    expect(liveness.check().ok).toBe(true);
  });
});
