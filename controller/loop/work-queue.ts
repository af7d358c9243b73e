/**
 * The work queue of the loop, with controller-runtime's semantics for a single key (the router):
 * - a trigger only asks for a pass; it never says what changed;
 * - triggers that arrive during a pass coalesce into exactly one more pass;
 * - a failed pass is retried with capped exponential backoff; success resets the backoff;
 * - a {@link TerminalError} is reported and not retried: the next trigger (an input change, the
 *   resync timer) runs a pass again;
 * - after every pass the next resync is scheduled with jitter;
 * - a pass is {@link PassContext.full} (it must read the whole router) unless every trigger since
 *   the last pass was a change of the input ({@link INPUT_CHANGE_REASONS}) and a full pass started
 *   less than the shortest resync period ago: the router is read in full at least once per resync
 *   however often the input changes, and after any failure, reconnect or restart.
 */

/** Triggers that say only "the desired input changed": the router itself is as the last pass left it. */
export const INPUT_CHANGE_REASONS: ReadonlySet<string> = new Set(['file-changed', 'edgelet-signal']);

/** A failure that retrying cannot fix (invalid desired state): no backoff retry. */
export class TerminalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }

  override get name(): string {
    return 'TerminalError';
  }
}

export interface PassContext {
  /** Increments per pass; logged on every line of the pass. */
  readonly id: number;
  /** Why the pass runs (for logs and metrics; what it may skip reading is {@link full}, decided here). */
  readonly reasons: readonly string[];
  /** Fires when the queue stops: the pass ends at its next operation boundary. */
  readonly signal: AbortSignal;
  /**
   * True when the pass must read the router in full (the first pass, resync, retry, reconnect,
   * restart, any trigger but an input change, or no full pass within the shortest resync period).
   * When false the pass may reuse the router state it last read plus the replies of its own writes.
   * Absent (a caller other than the queue) means true.
   */
  readonly full?: boolean;
}

export type PassResult = { readonly requeueAfterMs?: number } | void;

export interface WorkQueueOptions {
  /** First retry delay after a failure. Default 500 ms. */
  readonly backoffBaseMs?: number;
  /** Largest retry delay. Default 60 s. */
  readonly backoffMaxMs?: number;
  /** Period of the resync pass. Default 60 s. */
  readonly resyncMs?: number;
  /** Resync jitter as a fraction of the period (±). Default 0.1. */
  readonly jitter?: number;
  /** Source of randomness for jitter (tests pass a fixed one). Default Math.random. */
  readonly random?: () => number;
  /** Called after each pass (for metrics and status). */
  readonly onPassEnd?: (ctx: PassContext, outcome: PassOutcome) => void;
}

export type PassOutcome =
  | { readonly result: 'success'; readonly durationMs: number }
  | { readonly result: 'error' | 'terminal'; readonly durationMs: number; readonly error: unknown; readonly retryInMs?: number }
  /** The queue stopped while the pass ran (it ended early; nothing is retried). */
  | { readonly result: 'stopped'; readonly durationMs: number; readonly error?: unknown };

export class WorkQueue {
  readonly #run: (ctx: PassContext) => Promise<PassResult>;
  readonly #options: Required<Omit<WorkQueueOptions, 'onPassEnd'>> & { onPassEnd: WorkQueueOptions['onPassEnd'] | undefined };
  #timer: NodeJS.Timeout | undefined;
  #timerDueAt = Infinity;
  #running: Promise<void> | undefined;
  /** True from the start of a pass until its end-of-pass decision (set and cleared synchronously). */
  #busy = false;
  #dirty = false;
  #reasons = new Set<string>();
  #failures = 0;
  #passes = 0;
  /** Start of the last full pass (performance.now()); a failed pass makes the next one full. */
  #lastFullAt = -Infinity;
  #stopped = false;
  readonly #abort = new AbortController();

  constructor(run: (ctx: PassContext) => Promise<PassResult>, options: WorkQueueOptions = {}) {
    this.#run = run;
    this.#options = {
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 60_000,
      resyncMs: options.resyncMs ?? 60_000,
      jitter: options.jitter ?? 0.1,
      random: options.random ?? Math.random,
      onPassEnd: options.onPassEnd,
    };
  }

  /** Asks for a pass as soon as possible (or after `delayMs`). */
  trigger(reason: string, delayMs = 0): void {
    if (this.#stopped) return;
    this.#reasons.add(reason);
    if (this.#busy) {
      this.#dirty = true;
      return;
    }
    this.#schedule(delayMs);
  }

  /** Consecutive failed passes (0 after a success). */
  get failures(): number {
    return this.#failures;
  }

  /**
   * Stops scheduling, tells the pass in progress to stop at its next operation boundary (its
   * {@link PassContext.signal} fires) and waits for it to end.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimer();
    this.#abort.abort();
    await this.#running;
  }

  /** Whether a pass is running now. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Waits until no pass runs and none is due right away (for tests and the demo). */
  async idle(): Promise<void> {
    while (this.#running || this.#timerDueAt <= performance.now() + 5) {
      await (this.#running ?? new Promise((r) => setTimeout(r, 5)));
    }
  }

  /** `reason` (resync, retry) joins the pass's reasons only if this timer is the one that fires. */
  #schedule(delayMs: number, reason?: string): void {
    // Monotonic: a wall-clock jump must not make a far timer look due earlier than a trigger.
    const dueAt = performance.now() + Math.max(0, delayMs);
    if (this.#timer && this.#timerDueAt <= dueAt) return;
    this.#clearTimer();
    this.#timerDueAt = dueAt;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerDueAt = Infinity;
      if (reason !== undefined) this.#reasons.add(reason);
      this.#busy = true;
      this.#running = this.#pass().finally(() => {
        this.#running = undefined;
      });
    }, Math.max(0, delayMs));
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDueAt = Infinity;
  }

  async #pass(): Promise<void> {
    const started = performance.now();
    const reasons = [...this.#reasons];
    const { resyncMs, jitter } = this.#options;
    const full = started - this.#lastFullAt >= resyncMs * (1 - jitter) || reasons.length === 0 || reasons.some((r) => !INPUT_CHANGE_REASONS.has(r));
    if (full) this.#lastFullAt = started;
    const ctx: PassContext = { id: ++this.#passes, reasons, signal: this.#abort.signal, full };
    this.#reasons.clear();
    this.#dirty = false;
    let next: number;
    let outcome: PassOutcome;
    try {
      const result = await this.#run(ctx);
      this.#failures = 0;
      next = result?.requeueAfterMs ?? this.#resyncDelay();
      outcome = { result: 'success', durationMs: performance.now() - started };
    } catch (error) {
      const durationMs = performance.now() - started;
      this.#lastFullAt = -Infinity;
      if (this.#stopped) {
        next = 0;
        outcome = { result: 'stopped', durationMs, error };
      } else if (error instanceof TerminalError) {
        next = this.#resyncDelay();
        outcome = { result: 'terminal', durationMs, error };
      } else {
        this.#failures++;
        next = this.#backoff();
        outcome = { result: 'error', durationMs, error, retryInMs: next };
      }
    }
    try {
      this.#options.onPassEnd?.(ctx, outcome);
    } catch {
      // A reporting hook must never wedge the queue (`#busy` would stay set).
    }
    this.#busy = false;
    if (this.#stopped) return;
    if (this.#dirty) {
      // Triggers that came during the pass become exactly one more pass, right away (a new
      // input may be what fixes a failure); the backoff applies when nothing new arrived.
      this.#dirty = false;
      this.#schedule(0);
      return;
    }
    this.#schedule(next, outcome.result === 'error' ? 'retry' : 'resync');
  }

  #backoff(): number {
    const { backoffBaseMs, backoffMaxMs } = this.#options;
    return Math.min(backoffMaxMs, backoffBaseMs * 2 ** (this.#failures - 1));
  }

  #resyncDelay(): number {
    const { resyncMs, jitter, random } = this.#options;
    return Math.round(resyncMs * (1 + jitter * (2 * random() - 1)));
  }
}
