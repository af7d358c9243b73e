/**
 * How a desired-state source is doing, reported beside the last good state in `/status`
 * (`source.up`, `source.error`, `source.since`, `source.consecutiveFailures`, and for pot the last
 * successful fetch and the last `0x0C` signal) and as `iofog_router_source_up` and
 * `iofog_router_source_errors_total{reason}`. Every read of the source counts, whether a pass or
 * the source's own watcher made it.
 */

export interface SourceHealth {
  /** The last read succeeded (false before the first read). */
  readonly up: boolean;
  /** When the source last went up or down (ISO time). */
  readonly since?: string;
  /** Why the last read failed, while it is down. */
  readonly error?: string;
  readonly consecutiveFailures: number;
  /** The last read that succeeded (ISO time). */
  readonly lastSuccessAt?: string;
  /** pot: the last control signal `0x0C` (ISO time). */
  readonly lastSignalAt?: string;
  /** Failed reads since start, by reason (an error kind or code). */
  readonly errors: Readonly<Record<string, number>>;
}

export class SourceHealthTracker {
  #health: SourceHealth = { up: false, consecutiveFailures: 0, errors: {} };
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  success(): void {
    const at = this.#now().toISOString();
    const { error: _cleared, ...rest } = this.#health;
    this.#health = { ...rest, up: true, since: this.#health.up ? (this.#health.since ?? at) : at, consecutiveFailures: 0, lastSuccessAt: at };
  }

  failure(error: string, reason: string): void {
    const h = this.#health;
    const since = h.up || h.since === undefined ? this.#now().toISOString() : h.since;
    this.#health = { ...h, up: false, since, error, consecutiveFailures: h.consecutiveFailures + 1, errors: { ...h.errors, [reason]: (h.errors[reason] ?? 0) + 1 } };
  }

  signal(): void {
    this.#health = { ...this.#health, lastSignalAt: this.#now().toISOString() };
  }

  snapshot(): SourceHealth {
    return this.#health;
  }
}

/** A short reason label for a read error: its `kind` (Edgelet), else its errno `code`, else `error`. */
export function failureReason(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const kind = (error as { kind?: unknown }).kind;
    if (typeof kind === 'string') return kind;
    const code = (error as { code?: unknown }).code ?? ((error as { cause?: { code?: unknown } }).cause?.code);
    if (typeof code === 'string') return code.toLowerCase();
  }
  return 'error';
}
