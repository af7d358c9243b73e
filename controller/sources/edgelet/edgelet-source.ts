/**
 * Desired state from the agent API (pot/iofog mode).
 *
 * `start()` keeps one control socket open and refetches the config when it opens (first time
 * and every reconnect: the agent never replays a signal sent while the socket was down), when
 * `0x0C` arrives (at once after a quiet spell; signals that arrive together, within `coalesceMs`
 * of each other or during a refetch collapse into one more refetch), and every `pollIntervalMs` as a safety net. `onChange` is called only when the
 * fetched config differs from the last one seen. A refetch that fails is retried with backoff
 * (1 s → 30 s, jitter) until one succeeds.
 *
 * `read()` (the loop's pass) does not ask the Edgelet again what it already answered: while the
 * control socket is open (or being dialled for the first time, which refetches when it opens)
 * and nothing happened since the last fetch started (no signal, reconnect, socket drop or poll),
 * a change would have been signalled, so it returns that fetch's answer; otherwise it fetches
 * (joining a fetch in flight). So a `0x0C` costs one config GET (the pass it triggers reads the
 * refetch's answer), and start-up two: the read before the router boots, and the refetch once
 * the socket is open (a change between the two would otherwise go unseen, since signals are not
 * replayed). Resync passes do not GET while the socket is up; the poll is the safety net.
 * Before the first success `read()` retries a config not stored yet (404) or an agent not up
 * yet a few times; after it, once, since the loop holds the router to the last good state and
 * retries with its own backoff.
 *
 * A config the Edgelet serves but that cannot be used (not JSON, a number, `null`, too large) is
 * not a failure of the source: it is returned as an unusable snapshot, which the loop rejects
 * like any invalid input. Every fetch, the watcher's included, is counted in {@link health}.
 */
import { Backoff } from '../../management/backoff.js';
import { errorFields, type Log } from '../../log.js';
import { revisionOf } from '../file-source.js';
import { SourceHealthTracker, failureReason, type SourceHealth } from '../health.js';
import type { DesiredSource, SourceSnapshot } from '../source.js';
import type { AgentApi } from './agent-api.js';
import { ControlChannel } from './control-channel.js';
import { EdgeletError, describeError } from './errors.js';
import type { FetchedConfig } from './envelope.js';

export interface EdgeletSourceOptions {
  readonly api: AgentApi;
  readonly log: Log;
  /** Safety-net poll. Default 60 s; 0 disables it. */
  readonly pollIntervalMs?: number;
  /** Quiet time that collapses a burst of signals into one refetch. Default 100 ms. */
  readonly coalesceMs?: number;
  /** Attempts of `read()` on 404 / unreachable / 5xx, until a read first succeeds. Default 4. */
  readonly readAttempts?: number;
  /** First delay between those attempts, and between retries of a failed refetch. Default 1 s (doubling, capped at 30 s, jitter 0.2). */
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
export type EdgeletChangeReason = 'edgelet-connected' | 'edgelet-reconnected' | 'edgelet-disconnected' | 'edgelet-signal' | 'edgelet-poll';

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
  readonly #health = new SourceHealthTracker();
  #lastSignalAt = -Infinity;
  /** Bumped by whatever may mean the config changed (signal, socket open, poll). */
  #epoch = 0;
  /** The last answer the Edgelet gave (usable or not) and the epoch its fetch started in. */
  #cached: { readonly snapshot: SourceSnapshot; readonly epoch: number } | undefined;
  #inFlight: { readonly promise: Promise<SourceSnapshot>; readonly epoch: number } | undefined;
  #everRead = false;
  readonly #retry: Backoff;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(options: EdgeletSourceOptions) {
    this.#api = options.api;
    this.#log = options.log.child({ source: `edgelet-${options.api.version}` });
    this.#options = options;
    this.#retry = this.#backoff();
  }

  health(): SourceHealth {
    return this.#health.snapshot();
  }

  #backoff(): Backoff {
    return new Backoff(
      { initialDelayMs: this.#options.readRetryInitialMs ?? 1_000, maxDelayMs: this.#options.readRetryMaxMs ?? 30_000, jitter: 0.2 },
      this.#options.random,
    );
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
    const cached = this.#cached;
    if (cached && cached.epoch === this.#epoch && this.#signalsCovered()) return cached.snapshot;
    const attempts = this.#everRead ? 1 : Math.max(1, this.#options.readAttempts ?? 4);
    const backoff = this.#backoff();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#fetch();
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
        // Is the agent gone or only the socket? A fetch says, and /status shows it at once (a
        // failed one is retried with backoff until the agent answers again).
        onClose: () => this.#requestRefetch('edgelet-disconnected', 0),
        onSignal: () => {
          this.#health.signal();
          // Leading edge: a signal after a quiet spell refetches at once; one within `coalesceMs`
          // of the previous signal waits that long, so a burst of signals is one or two refetches.
          const now = performance.now();
          const coalesceMs = this.#options.coalesceMs ?? 100;
          this.#requestRefetch('edgelet-signal', now - this.#lastSignalAt >= coalesceMs ? 0 : coalesceMs);
          this.#lastSignalAt = now;
        },
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
    clearTimeout(this.#retryTimer);
    for (const wake of this.#sleepers) wake();
    await this.#channel?.close();
    await this.#refetching;
  }

  /**
   * Whether a change of the config would reach us as a signal (the socket is open) or as the
   * refetch of the first open (the first dial is under way and has not failed).
   */
  #signalsCovered(): boolean {
    const channel = this.#channel;
    return channel !== undefined && (channel.connected || (channel.opens === 0 && channel.failedDials === 0));
  }

  /** One config GET (or the one in flight, when nothing happened since it started). */
  #fetch(): Promise<SourceSnapshot> {
    const epoch = this.#epoch;
    if (this.#inFlight?.epoch === epoch) return this.#inFlight.promise;
    const promise = this.#api.fetchConfig(this.#abort.signal).then(
      (fetched) => this.#remember(this.#usable(fetched), epoch),
      (error: unknown) => {
        // A config the Edgelet serves but that cannot be used is the input's fault, not the source's.
        if (error instanceof EdgeletError && (error.kind === 'invalid-config' || error.kind === 'too-large')) {
          return this.#remember({ text: '', file: error.url ?? this.#api.configUrl, revision: revisionOf(`unusable:${error.message}`), unusable: error.message }, epoch);
        }
        if (!this.#closed) this.#health.failure(describeError(error), failureReason(error));
        throw error;
      },
    );
    const entry = { promise, epoch };
    this.#inFlight = entry;
    const clear = () => {
      if (this.#inFlight === entry) this.#inFlight = undefined;
    };
    promise.then(clear, clear);
    return promise;
  }

  #usable(fetched: FetchedConfig): SourceSnapshot {
    return { text: fetched.text, file: fetched.url, revision: revisionOf(fetched.text) };
  }

  #remember(snapshot: SourceSnapshot, epoch: number): SourceSnapshot {
    this.#health.success();
    this.#everRead = true;
    this.#lastRevision = snapshot.revision;
    this.#cached = { snapshot, epoch };
    return snapshot;
  }

  /** Schedules one refetch; requests during the wait or during a refetch collapse into one. */
  #requestRefetch(reason: EdgeletChangeReason, delayMs: number): void {
    if (this.#closed) return;
    this.#epoch += 1;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
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
      // A pass may have fetched since the request (its read made or joined the fetch).
      const cached = this.#cached;
      const snapshot = cached?.epoch === this.#epoch ? cached.snapshot : await this.#fetch();
      this.#retry.reset();
      // An unusable config is a change too, once: the pass reports it.
      const changed = snapshot.revision !== before && !this.#closed;
      if (changed) {
        this.#log.info('edgelet config changed', { reason, revision: snapshot.revision, ...(snapshot.unusable ? { unusable: snapshot.unusable } : {}) });
        this.#onChange?.(reason);
      }
      this.#options.onRefetched?.({ reason, changed });
    } catch (error) {
      if (this.#closed) return;
      this.#options.onRefetched?.({ reason, changed: false, error });
      // Retried until it succeeds: a signal's change must not wait for the next poll. An agent
      // that is down is not a change (no pass); /status shows it through health().
      const retryInMs = this.#retry.next();
      this.#log.warn('edgelet config refetch failed; retrying', { reason, retryInMs, ...errorFields(error) });
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        this.#requestRefetch(reason, 0);
      }, retryInMs);
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
