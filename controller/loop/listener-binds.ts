/**
 * Listeners the router stored but could not bind. skrouterd 3.5.1 answers a CREATE with 201 before
 * it binds, and a bind that fails (a port another process holds, an address the host does not
 * have) is only logged: `SERVER Listener error on HOST:PORT: ...` for an AMQP listener (no
 * attribute says whether it listens), `TCP_ADAPTOR Listener NAME: proactor listener error on ...`
 * for a tcpListener (which binds once its address has a consumer, and after such an error never
 * tries again). The router's lines come here (`router-log.ts`), and:
 *
 * - every desired AMQP listener at that `host:port`, or the tcpListener of that name, is failed:
 *   not synced, not converged, out of the boot file (at boot the router exits on an AMQP listener
 *   it cannot bind);
 * - it is deleted and created again (plan reason `rebind`) after 1 s, 2 s, 4 s ... at most 60 s;
 * - it is bound again once the router logs that it listens, or once a CREATE of it went through
 *   and no new error came for {@link SETTLE_MS} (the `info` lines may be switched off; a
 *   tcpListener whose address has no consumer does not bind at all, and is not failed for that).
 *
 * A desired change of the listener creates it again anyway; that counts as a retry.
 */
import type { DesiredEntity } from '../../schemas/index.js';
import type { OperationOutcome } from '../../reconcilers/apply.js';
import type { ListenerBindEvent, ListenerRef } from '../router/router-log.js';
import { entityKey } from './sync-ledger.js';

/** How long after a CREATE without a new error the bind counts as done. */
export const SETTLE_MS = 2000;
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 60_000;

interface Failure {
  /** What the router logged it failed at (`host:port`). */
  at: string;
  reason: string;
  attempts: number;
  failedAt: number;
  retryAt: number;
  /** When a CREATE of it went through after the failure (then it waits to settle). */
  createdAt: number | undefined;
}

export interface BindReview {
  /** Keys of the listeners due a delete and create (`PlanOptions.recreate`). */
  readonly recreate: ReadonlySet<string>;
  /** Keys of the listeners not bound, with why. */
  readonly failed: ReadonlyMap<string, string>;
}

export interface ListenerBindsOptions {
  /** Asks for a pass (a bind failed, a retry is due, a retry settled). */
  readonly trigger: (reason: string) => void;
  readonly now?: () => number;
}

/** `host:port` of a listener as the router logs it: both attributes as configured, `:amqp` by default. */
export function listenerHostPort(attributes: DesiredEntity['attributes']): string {
  return `${scalar(attributes['host']) ?? ''}:${scalar(attributes['port']) ?? 'amqp'}`;
}

function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** One key per listener the router logs about: an AMQP listener's `host:port`, a tcpListener's name. */
function refKey(ref: ListenerRef): string {
  return ref.kind === 'listener' ? `listener@${ref.hostPort}` : `tcpListener/${ref.name}`;
}

export class ListenerBinds {
  readonly #o: ListenerBindsOptions;
  readonly #now: () => number;
  /** By {@link refKey}. */
  readonly #failures = new Map<string, Failure>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #reviewedAt = 0;

  constructor(options: ListenerBindsOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** A line of the router about a listener's socket. */
  event(e: ListenerBindEvent): void {
    const now = this.#now();
    const key = refKey(e);
    if (e.bound) {
      if (this.#failures.delete(key)) this.#o.trigger(`listener bound: ${key}`);
      return;
    }
    const attempts = (this.#failures.get(key)?.attempts ?? 0) + 1;
    const delay = Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
    this.#failures.set(key, { at: e.at, reason: e.reason, attempts, failedAt: now, retryAt: now + delay, createdAt: undefined });
    this.#o.trigger(`listener bind failed: ${key}`);
    this.#later(delay, `listener bind retry: ${key}`);
  }

  /** Keys of the desired listeners that are not bound (for the boot file, between passes too). */
  failedKeys(entities: readonly DesiredEntity[]): ReadonlySet<string> {
    return new Set(this.#matches(entities).map(([key]) => key));
  }

  /**
   * At the start of a pass: forgets failures no desired listener has any more and retries that
   * settled; says which listeners to create again and which are failed.
   */
  review(entities: readonly DesiredEntity[]): BindReview {
    const now = this.#now();
    this.#reviewedAt = now;
    const matched = this.#matches(entities);
    const live = new Set(matched.map(([, ref]) => ref));
    for (const [ref, f] of this.#failures) {
      if (!live.has(ref) || (f.createdAt !== undefined && now - f.createdAt >= SETTLE_MS)) this.#failures.delete(ref);
    }
    const recreate = new Set<string>();
    const failed = new Map<string, string>();
    for (const [key, ref] of matched) {
      const f = this.#failures.get(ref);
      if (!f) continue;
      const due = f.createdAt === undefined && now >= f.retryAt;
      if (due) recreate.add(key);
      const next = f.createdAt !== undefined || due ? 'created again; waiting for the router to bind it' : `next try at ${new Date(f.retryAt).toISOString()}`;
      failed.set(key, `the router could not bind ${f.at}: ${f.reason} (${f.attempts} ${f.attempts === 1 ? 'try' : 'tries'}; ${next})`);
    }
    return { recreate, failed };
  }

  /**
   * After an apply: a failed listener whose CREATE went through waits {@link SETTLE_MS} for a new
   * error. A failure logged after the pass's review answers that CREATE and is kept as it is.
   */
  applied(entities: readonly DesiredEntity[], outcomes: readonly OperationOutcome[]): void {
    const created = new Set(outcomes.filter((o) => o.operation.op === 'create' && o.status === 'applied').map((o) => entityKey(o.operation)));
    if (created.size === 0) return;
    const now = this.#now();
    for (const [key, ref] of this.#matches(entities)) {
      const f = this.#failures.get(ref);
      if (!f || !created.has(key) || f.failedAt > this.#reviewedAt) continue;
      f.createdAt = now;
      this.#later(SETTLE_MS, `listener bind check: ${ref}`);
    }
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** `[entity key, ref key]` of each desired listener a failure is about. */
  #matches(entities: readonly DesiredEntity[]): [string, string][] {
    if (this.#failures.size === 0) return [];
    const out: [string, string][] = [];
    for (const e of entities) {
      const ref =
        e.kind === 'listener' ? refKey({ kind: 'listener', hostPort: listenerHostPort(e.attributes) }) : e.kind === 'tcpListener' ? refKey({ kind: 'tcpListener', name: e.name }) : undefined;
      if (ref !== undefined && this.#failures.has(ref)) out.push([entityKey(e), ref]);
    }
    return out;
  }

  #later(ms: number, reason: string): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#o.trigger(reason);
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }
}
