/**
 * Liveness of the loop, for `/healthz`: the loop is alive when it makes progress. Progress is a
 * pass starting or ending, or one step of a pass completing (a source read, a QUERY of the
 * router, an operation of the apply, whatever its result). A long pass that keeps completing
 * operations is alive however long it runs; the loop is stuck only when a pass is running and
 * nothing completed for `timeoutMs`. An idle loop (waiting for a trigger or its resync) is alive:
 * its timers cannot get stuck, and a blocked event loop would not answer `/healthz` at all.
 */

export interface LivenessOptions {
  /** Longest stretch without progress while a pass runs (`LIVENESS_TIMEOUT_SECONDS`). */
  readonly timeoutMs: number;
  /** Monotonic clock in ms. Default `performance.now`. */
  readonly now?: () => number;
}

export class Liveness {
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #running = false;
  #lastProgress: number;

  constructor(options: LivenessOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#now = options.now ?? (() => performance.now());
    this.#lastProgress = this.#now();
  }

  passStarted(): void {
    this.#running = true;
    this.progress();
  }

  passEnded(): void {
    this.#running = false;
    this.progress();
  }

  /** One step of the pass completed. */
  progress(): void {
    this.#lastProgress = this.#now();
  }

  check(): { ok: boolean; reason?: string } {
    if (!this.#running) return { ok: true };
    const quiet = this.#now() - this.#lastProgress;
    if (quiet <= this.#timeoutMs) return { ok: true };
    return { ok: false, reason: `no progress for ${Math.round(quiet / 1000)} s: the running pass completed no operation (limit ${Math.round(this.#timeoutMs / 1000)} s)` };
  }
}
