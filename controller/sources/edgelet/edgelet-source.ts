/**
 * Desired state from the agent API (pot/iofog mode).
 *
 * `read()` fetches the config now; a config not stored yet (404) and an agent that cannot be
 * reached are retried a few times with backoff before `read()` gives up (the loop then retries
 * with its own backoff).
 *
 * `start()` keeps one control socket open and refetches the config when it opens (first time
 * and every reconnect: the agent never replays a signal sent while the socket was down), when
 * `0x0C` arrives (signals that arrive together or during a refetch collapse into one more
 * refetch), and every `pollIntervalMs` as a safety net. `onChange` is called only when the
 * fetched config differs from the last one seen by `read()` or a refetch.
 */
import { Backoff } from '../../management/backoff.js';
import { errorFields, type Log } from '../../log.js';
import { revisionOf } from '../file-source.js';
import type { DesiredSource, SourceSnapshot } from '../source.js';
import type { AgentApi } from './agent-api.js';
import { ControlChannel } from './control-channel.js';
import { EdgeletError } from './errors.js';
import type { FetchedConfig } from './envelope.js';

export interface EdgeletSourceOptions {
  readonly api: AgentApi;
  readonly log: Log;
  /** Safety-net poll. Default 60 s; 0 disables it. */
  readonly pollIntervalMs?: number;
  /** Quiet time that collapses a burst of signals into one refetch. Default 100 ms. */
  readonly coalesceMs?: number;
  /** Attempts of `read()` on 404 / unreachable / 5xx. Default 4. */
  readonly readAttempts?: number;
  /** First delay between those attempts. Default 1 s (doubling, capped at 30 s). */
  readonly readRetryInitialMs?: number;
  readonly readRetryMaxMs?: number;
  /** Control socket timings; see {@link ControlChannel}. Defaults 1 s → 30 s, ping 20 s, pong 10 s. */
  readonly reconnectInitialMs?: number;
  readonly reconnectMaxMs?: number;
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  readonly random?: () => number;
  /** Called on `0x0F` (resource limits changed). */
  readonly onResourceSignal?: () => void;
  /** Called after every refetch of the watcher (for metrics and tests). */
  readonly onRefetched?: (info: { readonly reason: EdgeletChangeReason; readonly changed: boolean; readonly error?: unknown }) => void;
}

/** Why `onChange` was called. */
export type EdgeletChangeReason = 'edgelet-connected' | 'edgelet-reconnected' | 'edgelet-signal' | 'edgelet-poll';

export class EdgeletSource implements DesiredSource {
  readonly #api: AgentApi;
  readonly #log: Log;
  readonly #options: EdgeletSourceOptions;
  #channel: ControlChannel | undefined;
  #onChange: ((reason: string) => void) | undefined;
  #lastRevision: string | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #coalesceTimer: NodeJS.Timeout | undefined;
  #refetching: Promise<void> | undefined;
  #pending: EdgeletChangeReason | undefined;
  #sleepers = new Set<() => void>();
  readonly #abort = new AbortController();
  #closed = false;
  #refetches = 0;

  constructor(options: EdgeletSourceOptions) {
    this.#api = options.api;
    this.#log = options.log.child({ source: `edgelet-${options.api.version}` });
    this.#options = options;
  }

  describe(): { kind: string; location: string } {
    return { kind: `edgelet-${this.#api.version}`, location: this.#api.configUrl };
  }

  /** Refetches the watcher has completed so far (for tests and metrics). */
  get refetches(): number {
    return this.#refetches;
  }

  get connected(): boolean {
    return this.#channel?.connected ?? false;
  }

  async read(): Promise<SourceSnapshot> {
    const attempts = Math.max(1, this.#options.readAttempts ?? 4);
    const backoff = new Backoff(
      { initialDelayMs: this.#options.readRetryInitialMs ?? 1_000, maxDelayMs: this.#options.readRetryMaxMs ?? 30_000, jitter: 0.2 },
      this.#options.random,
    );
    for (let attempt = 1; ; attempt += 1) {
      try {
        return this.#remember(await this.#api.fetchConfig(this.#abort.signal));
      } catch (error) {
        if (this.#closed || attempt >= attempts || !(error instanceof EdgeletError) || !error.transient) throw error;
        const delay = backoff.next();
        this.#log.info('edgelet config not available yet; retrying', { ...errorFields(error), attempt, retryInMs: delay });
        await this.#sleep(delay);
      }
    }
  }

  start(onChange: (reason: string) => void): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#onChange = onChange;
    this.#channel = new ControlChannel(
      {
        targets: () => this.#api.controlTargets(),
        prefer: (url) => this.#api.preferTarget(url),
        log: this.#log,
        ...pick(this.#options, ['reconnectInitialMs', 'reconnectMaxMs', 'pingIntervalMs', 'pongTimeoutMs', 'random']),
      },
      {
        onOpen: ({ reconnect }) => this.#requestRefetch(reconnect ? 'edgelet-reconnected' : 'edgelet-connected', 0),
        onSignal: () => this.#requestRefetch('edgelet-signal', this.#options.coalesceMs ?? 100),
        onResourceSignal: () => {
          this.#log.info('edgelet: resource limits changed (0x0F)');
          this.#options.onResourceSignal?.();
        },
      },
    );
    this.#channel.start();
    const poll = this.#options.pollIntervalMs ?? 60_000;
    if (poll > 0) this.#pollTimer = setInterval(() => this.#requestRefetch('edgelet-poll', 0), poll);
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    clearInterval(this.#pollTimer);
    clearTimeout(this.#coalesceTimer);
    for (const wake of this.#sleepers) wake();
    await this.#channel?.close();
    await this.#refetching;
  }

  #remember(fetched: FetchedConfig): SourceSnapshot {
    const revision = revisionOf(fetched.text);
    this.#lastRevision = revision;
    return { text: fetched.text, file: fetched.url, revision };
  }

  /** Schedules one refetch; requests during the wait or during a refetch collapse into one. */
  #requestRefetch(reason: EdgeletChangeReason, delayMs: number): void {
    if (this.#closed) return;
    if (this.#pending === undefined || reason !== 'edgelet-poll') this.#pending = reason;
    if (this.#refetching || this.#coalesceTimer) return;
    this.#coalesceTimer = setTimeout(() => {
      this.#coalesceTimer = undefined;
      this.#refetching = this.#refetch().finally(() => {
        this.#refetching = undefined;
        this.#refetches += 1;
        if (this.#pending !== undefined) this.#requestRefetch(this.#pending, 0);
      });
    }, delayMs);
  }

  async #refetch(): Promise<void> {
    const reason = this.#pending ?? 'edgelet-poll';
    this.#pending = undefined;
    const before = this.#lastRevision;
    try {
      const snapshot = this.#remember(await this.#api.fetchConfig(this.#abort.signal));
      const changed = snapshot.revision !== before && !this.#closed;
      if (changed) {
        this.#log.info('edgelet config changed', { reason, revision: snapshot.revision });
        this.#onChange?.(reason);
      }
      this.#options.onRefetched?.({ reason, changed });
    } catch (error) {
      if (this.#closed) return;
      this.#options.onRefetched?.({ reason, changed: false, error });
      this.#log.warn('edgelet config refetch failed', { reason, ...errorFields(error) });
      // A config that cannot be used is worth a pass, once, so that the pass reports it; an
      // agent that is down is not (the pass would fail the same way, the poll keeps looking).
      if (error instanceof EdgeletError && error.terminal) {
        const key = `invalid:${revisionOf(error.message)}`;
        if (key !== this.#lastRevision) {
          this.#lastRevision = key;
          this.#onChange?.(reason);
        }
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
    });
  }
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key] as Exclude<T[K], undefined>;
  return out;
}
