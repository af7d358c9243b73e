/**
 * Reconnect delays: exponential from `initialDelayMs`, capped at `maxDelayMs`, each shortened
 * by a random fraction up to `jitter` so that many clients losing one router do not all come
 * back in the same millisecond. A successful connection resets the sequence.
 */
export interface BackoffSettings {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** 0..1: the largest fraction a delay may be shortened by. */
  readonly jitter: number;
}

export class Backoff {
  readonly #settings: BackoffSettings;
  readonly #random: () => number;
  #attempt = 0;

  constructor(settings: BackoffSettings, random: () => number = Math.random) {
    this.#settings = settings;
    this.#random = random;
  }

  /** The delay before the next attempt; every call counts as one more failed attempt. */
  next(): number {
    const { initialDelayMs, maxDelayMs, jitter } = this.#settings;
    // Cap the exponent so the multiplication never overflows to Infinity.
    const exponential = initialDelayMs * 2 ** Math.min(this.#attempt, 40);
    this.#attempt += 1;
    const base = Math.min(maxDelayMs, exponential);
    return Math.round(base * (1 - jitter * this.#random()));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
