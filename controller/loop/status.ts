/**
 * What `/status` and `/readyz` report: the input, the router, the last pass, each entity's sync
 * state and whether a restart is pending. Written by the pass only; read by HTTP.
 */
import type { ConfigIssue } from '../../schemas/config/index.js';
import type { EntityKind } from '../../schemas/index.js';
import type { OperationOutcome } from '../../reconcilers/apply.js';
import type { RestartChange } from '../../reconcilers/plan-types.js';
import type { HeldBackEntity } from '../../reconcilers/ssl-profiles.js';
import type { SourceHealth } from '../sources/health.js';
import type { RouterProcessHealth } from '../router/router-health.js';
import type { Revision } from '../../reconcilers/revision-history.js';
import { entityKey } from './sync-ledger.js';

/** `held`: not applied because TLS material it needs is missing (see `lastError`). */
export type EntitySyncState = 'synced' | 'failed' | 'pending' | 'held';

export interface EntityStatus {
  readonly kind: EntityKind;
  readonly name: string;
  readonly state: EntitySyncState;
  readonly lastError?: string;
}

export interface PassSummary {
  readonly id: number;
  readonly result: 'converged' | 'failed' | 'rejected';
  readonly at: string;
  readonly durationMs: number;
  readonly operations: number;
  readonly failed: number;
  readonly error?: string;
}

/** How the source's reads are going (see `sources/health.ts`), shown beside its revisions. */
export type SourceStatus = Omit<SourceHealth, 'errors'>;

export interface StatusDocument {
  /**
   * `revision`: the input last read; `appliedRevision`: the input the router was last held to
   * (the last good state). While the source cannot be read, `up` is false and `error`, `since`
   * and `consecutiveFailures` say why and since when; the router keeps the last good state.
   */
  readonly source: { kind: string; location: string; revision?: string; appliedRevision?: string } & Partial<SourceStatus>;
  readonly rejected?: { revision: string; errors: readonly ConfigIssue[] };
  /**
   * `pid` and `process`: the router process when the controller runs it (crash loop, last exit,
   * boot file in use); absent when attached.
   */
  readonly router: { url?: string; pid?: number; reachable: boolean; lastError?: string; process?: RouterProcessHealth };
  readonly lastPass?: PassSummary;
  readonly restartPending?: { changes: readonly RestartChange[]; policy: string };
  /** The last desired revisions, newest first: time, source, masked JSON Patch from the previous one, outcome. */
  readonly history?: readonly Revision[];
  readonly entities: readonly EntityStatus[];
}

export class StatusStore {
  #doc: StatusDocument;
  #sourceHealth: (() => SourceHealth) | undefined;
  /** Id of the last pass before the connection came back: it says nothing of the router now. */
  #passBeforeReconnect: number | undefined;

  constructor(source: { kind: string; location: string }, routerUrl?: string) {
    this.#doc = { source, router: { reachable: false, ...(routerUrl ? { url: routerUrl } : {}) }, entities: [] };
  }

  /** The document, with the source's health as of now (its watcher reads between passes too). */
  get document(): StatusDocument {
    const health = this.#sourceHealth?.();
    if (!health) return this.#doc;
    const { errors: _byReason, ...live } = health;
    // Fields of an earlier health copied into the stored document (by `update`) give way to now's.
    const { up: _u, since: _s, error: _e, consecutiveFailures: _c, lastSuccessAt: _l, lastSignalAt: _g, ...stored } = this.#doc.source;
    return { ...this.#doc, source: { ...stored, ...live } };
  }

  /**
   * The management connection came back: the router may have restarted from its boot file
   * (which may leave types for management to create), so readiness waits for the next pass.
   */
  reconnected(): void {
    this.#passBeforeReconnect = this.#doc.lastPass?.id;
  }

  /** Where the source's health is read from (the loop's reads, or the source's own report). */
  reportSource(health: () => SourceHealth): void {
    this.#sourceHealth = health;
  }

  update(change: Partial<StatusDocument>): void {
    this.#doc = { ...this.#doc, ...change };
  }

  /** Clears optional fields (e.g. `rejected` once a valid input arrives). */
  clear(key: 'rejected' | 'restartPending'): void {
    const { [key]: _dropped, ...rest } = this.#doc;
    this.#doc = rest;
  }

  /**
   * Sync state of every desired entity after a pass, from the outcomes of its operations;
   * `refusal(key)` names an entity the router refused in its current desired value, which stays
   * `failed` even when this pass planned nothing for it.
   */
  setEntities(
    desired: readonly { kind: EntityKind; name: string }[],
    outcomes: readonly OperationOutcome[],
    heldBack: readonly HeldBackEntity[] = [],
    refusal: (key: string) => string | undefined = () => undefined,
  ): void {
    const held = new Map(heldBack.map((h) => [`${h.kind}/${h.name}`, h.reason]));
    const byEntity = new Map<string, OperationOutcome>();
    for (const o of outcomes) {
      const key = entityKey(o.operation);
      if (o.status === 'failed' || o.status === 'skipped' || !byEntity.has(key)) byEntity.set(key, o);
    }
    this.#doc = {
      ...this.#doc,
      entities: desired.map(({ kind, name }) => {
        const reason = held.get(`${kind}/${name}`);
        if (reason !== undefined) return { kind, name, state: 'held', lastError: reason };
        const outcome = byEntity.get(`${kind}/${name}`);
        if (outcome?.status === 'failed') return { kind, name, state: 'failed', lastError: describeError(outcome.error) };
        if (outcome?.status === 'skipped') return { kind, name, state: 'pending', lastError: describeError(outcome.error) };
        const refused = refusal(`${kind}/${name}`);
        if (refused !== undefined) return { kind, name, state: 'failed', lastError: refused };
        return { kind, name, state: 'synced' };
      }),
    };
  }

  /**
   * Ready: the management connection is up, and the last pass held the router to the last good
   * state with nothing failed, refused, held back or rejected. A source that cannot be read does
   * not make it unready (the router serves the last good state; `/status` says `source.up:
   * false`); an input that is invalid does (someone must fix it).
   */
  readiness(): { ok: boolean; reason?: string } {
    const { router, lastPass } = this.#doc;
    if (!router.reachable) return { ok: false, reason: `router not reachable${router.lastError ? `: ${router.lastError}` : ''}` };
    if (!lastPass) return { ok: false, reason: 'no pass has run yet' };
    if (this.#passBeforeReconnect !== undefined && lastPass.id <= this.#passBeforeReconnect) {
      return { ok: false, reason: 'router reconnected: waiting for a pass' };
    }
    if (lastPass.result !== 'converged') return { ok: false, reason: `last pass ${lastPass.result}: ${lastPass.error ?? ''}`.trim() };
    const held = this.#doc.entities.filter((e) => e.state === 'held');
    if (held.length > 0) return { ok: false, reason: `held back (TLS material missing): ${held.map((e) => `${e.kind}/${e.name}`).join(', ')}` };
    return { ok: true };
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
