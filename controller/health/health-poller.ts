/**
 * Polls the router's operational state (links, TCP listeners and connectors, the router's uptime,
 * connections and memory) on its own cadence, only while someone looks: every `/metrics` scrape and
 * `/status` request calls {@link RouterHealthPoller.touch}; after `idlePeriods` periods without
 * one, polling stops, and the next touch starts it again with a reading at once. So a router
 * nobody watches gets no QUERY beyond the reconcile loop's own.
 *
 * It shares the loop's management connection without slowing it: a reading sends its QUERYs one
 * at a time (one slot of the request window at most), never two readings overlap, and while
 * `busy()` says a pass is running the reading waits (`busyRetryMs` at a time, for one period at
 * most, then reads anyway so that a loop that is always busy still gets health).
 */
import { LinkStates, type ConnectorStatus } from './link-state.js';
import { readRouterHealth, type HealthQuery, type HealthReading, type RouterFigures, type TcpConnectorReading, type TcpListenerReading } from './read-health.js';

/** How often the router's health is read while someone scrapes (default of `periodMs`). */
export const POLL_PERIOD_MS = 10_000;

export interface RouterHealthSnapshot {
  /** Polling now (something asked within the last `idlePeriods` periods). */
  readonly polling: boolean;
  /** When the reading below was made (ISO time); absent before the first. */
  readonly polledAt?: string;
  /** The last reading failed (the management connection is down, a QUERY timed out): why. */
  readonly error?: string;
  readonly router?: RouterFigures;
  readonly connectors: readonly ConnectorStatus[];
  readonly tcpListeners: readonly TcpListenerReading[];
  readonly tcpConnectors: readonly TcpConnectorReading[];
}

/** Timer functions, replaceable in tests. */
export interface PollTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RouterHealthPollerOptions {
  /** The controller's one management client (`ManagementClient` fits). */
  readonly management: HealthQuery;
  /** Time between readings. Default 10,000 ms. */
  readonly periodMs?: number;
  /** Periods without a touch after which polling stops. Default 3. */
  readonly idlePeriods?: number;
  /** True while a reconcile pass runs. Default: never busy. */
  readonly busy?: () => boolean;
  /** How long a reading waits for `busy()` to clear, at a time. Default 250 ms. */
  readonly busyRetryMs?: number;
  /** A reading failed (for the log). */
  readonly onError?: (error: unknown) => void;
  /** Clock in ms. Default `Date.now`. */
  readonly now?: () => number;
  readonly timers?: PollTimers;
}

const REAL_TIMERS: PollTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // Polling never keeps the process alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class RouterHealthPoller {
  readonly #management: HealthQuery;
  readonly #periodMs: number;
  readonly #idleMs: number;
  readonly #busy: () => boolean;
  readonly #busyRetryMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  readonly #timers: PollTimers;
  readonly #links = new LinkStates();
  #reading: (HealthReading & { connectors: readonly ConnectorStatus[] }) | undefined;
  #polledAtMs: number | undefined;
  #error: string | undefined;
  #lastTouchMs = Number.NEGATIVE_INFINITY;
  #timer: unknown;
  #polling = false;
  #inFlight: Promise<void> | undefined;
  #closed = false;

  constructor(options: RouterHealthPollerOptions) {
    this.#management = options.management;
    this.#periodMs = positive('periodMs', options.periodMs ?? POLL_PERIOD_MS);
    this.#idleMs = positive('idlePeriods', options.idlePeriods ?? 3) * this.#periodMs;
    this.#busy = options.busy ?? (() => false);
    this.#busyRetryMs = positive('busyRetryMs', options.busyRetryMs ?? 250);
    this.#onError = options.onError ?? (() => undefined);
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? REAL_TIMERS;
  }

  /** Someone looked (a scrape, a `/status` request): keep polling, or start again with a reading now. */
  touch(): void {
    this.#lastTouchMs = this.#now();
    if (this.#polling || this.#closed) return;
    this.#polling = true;
    this.#schedule(0, this.#now());
  }

  /** The last reading, with whether polling is on and how the last attempt went. */
  snapshot(): RouterHealthSnapshot {
    const r = this.#reading;
    return {
      polling: this.#polling,
      ...(this.#polledAtMs !== undefined ? { polledAt: new Date(this.#polledAtMs).toISOString() } : {}),
      ...(this.#error !== undefined ? { error: this.#error } : {}),
      ...(r?.router ? { router: r.router } : {}),
      connectors: r?.connectors ?? [],
      tcpListeners: r?.tcpListeners ?? [],
      tcpConnectors: r?.tcpConnectors ?? [],
    };
  }

  /** One reading now (or the one in progress); resolves when it ended, whether it failed or not. */
  pollNow(): Promise<void> {
    this.#inFlight ??= this.#read().finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  /** Stops polling for good; a reading in progress still ends. */
  close(): void {
    this.#closed = true;
    this.#polling = false;
    this.#timers.clearTimeout(this.#timer);
  }

  async #read(): Promise<void> {
    try {
      const reading = await readRouterHealth(this.#management);
      const at = this.#now();
      this.#reading = { ...reading, connectors: this.#links.observe(reading.connectors, at) };
      this.#polledAtMs = at;
      this.#error = undefined;
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error);
      this.#onError(error);
    }
  }

  /** The next tick in `ms`; `dueMs` is when the reading became due (for the busy wait's limit). */
  #schedule(ms: number, dueMs: number): void {
    this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(() => void this.#tick(dueMs), ms);
  }

  async #tick(dueMs: number): Promise<void> {
    if (this.#closed) return;
    const now = this.#now();
    if (now - this.#lastTouchMs >= this.#idleMs) {
      this.#polling = false;
      return;
    }
    if (this.#busy() && now - dueMs < this.#periodMs) {
      this.#schedule(this.#busyRetryMs, dueMs);
      return;
    }
    await this.pollNow();
    if (this.#closed || !this.#polling) return;
    this.#schedule(this.#periodMs, this.#now() + this.#periodMs);
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`router health poller: ${name} must be a positive number, got ${value}`);
  return value;
}
