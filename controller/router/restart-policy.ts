/**
 * When the supervisor restarts the router: pure arithmetic over times and counts, so the policy is
 * tested without timers.
 *
 * - A crashed router restarts after an exponential backoff (`restartBaseMs` doubling up to
 *   `restartMaxMs`); a run of `stableAfterMs` resets it.
 * - A router that exited while booting from a new desired boot file restarts at once from the last
 *   boot file that booted: the cause is known, and waiting only keeps everything down.
 * - A new boot file (the input changed) cuts a pending crash backoff back to `restartBaseMs`: the
 *   fix should not wait out a delay earned by the broken file.
 * - A restart-only change waits until the desired state has been still for `restartQuietMs`, and
 *   at least `restartMinIntervalMs` after the last start, so a flapping input causes one restart,
 *   not one per revision.
 */

export interface RestartTimings {
  /** First delay before restarting a crashed router. Default 1 s. */
  readonly restartBaseMs: number;
  /** Largest crash restart delay. Default 30 s. */
  readonly restartMaxMs: number;
  /** A router that ran this long is healthy again: the crash backoff resets. Default 60 s. */
  readonly stableAfterMs: number;
  /** A restart-only change waits until the desired state was unchanged this long. Default 1 s. */
  readonly restartQuietMs: number;
  /** Least time between a router start and a restart for a restart-only change. Default 5 s. */
  readonly restartMinIntervalMs: number;
}

export const DEFAULT_RESTART_TIMINGS: RestartTimings = {
  restartBaseMs: 1_000,
  restartMaxMs: 30_000,
  stableAfterMs: 60_000,
  restartQuietMs: 1_000,
  restartMinIntervalMs: 5_000,
};

/** Delay before the `consecutive`-th restart in a row (1-based) of a crashed router. */
export function crashDelayMs(consecutive: number, t: Pick<RestartTimings, 'restartBaseMs' | 'restartMaxMs'>): number {
  return Math.min(t.restartMaxMs, t.restartBaseMs * 2 ** Math.max(0, consecutive - 1));
}

/** Consecutive unasked exits after one more, given how long the router that just exited ran. */
export function nextConsecutive(previous: number, ranMs: number, t: Pick<RestartTimings, 'stableAfterMs'>): number {
  return ranMs >= t.stableAfterMs ? 1 : previous + 1;
}

/**
 * A pending crash restart due at `dueAt`, after the boot file changed at `now`: due no later than
 * `restartBaseMs` from now.
 */
export function shortenedDueAt(dueAt: number, now: number, t: Pick<RestartTimings, 'restartBaseMs'>): number {
  return Math.min(dueAt, now + t.restartBaseMs);
}

/** When a restart for a restart-only change may run: desired still for the quiet window, and the minimum interval since the last start. */
export function controlledRestartAt(lastChangeAt: number, lastStartAt: number, t: Pick<RestartTimings, 'restartQuietMs' | 'restartMinIntervalMs'>): number {
  return Math.max(lastChangeAt + t.restartQuietMs, lastStartAt + t.restartMinIntervalMs);
}
