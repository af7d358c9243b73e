/**
 * What `/status` and `/readyz` report: the input, the router, the last pass, each entity's sync
 * state and whether a restart is pending. Written by the pass only; read by HTTP.
 */
import type { ConfigIssue } from '../../schemas/config/index.js';
import type { EntityKind } from '../../schemas/index.js';
import type { OperationOutcome } from '../../reconcilers/apply.js';
import type { RestartChange } from '../../reconcilers/plan-types.js';
import type { HeldBackEntity } from '../../reconcilers/ssl-profiles.js';

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

export interface StatusDocument {
  readonly source: { kind: string; location: string; revision?: string; appliedRevision?: string };
  readonly rejected?: { revision: string; errors: readonly ConfigIssue[] };
  /** `pid`: the router process, when the controller runs it. */
  readonly router: { url?: string; pid?: number; reachable: boolean; lastError?: string };
  readonly lastPass?: PassSummary;
  readonly restartPending?: { changes: readonly RestartChange[]; policy: string };
  readonly entities: readonly EntityStatus[];
}

export class StatusStore {
  #doc: StatusDocument;

  constructor(source: { kind: string; location: string }, routerUrl?: string) {
    this.#doc = { source, router: { reachable: false, ...(routerUrl ? { url: routerUrl } : {}) }, entities: [] };
  }

  get document(): StatusDocument {
    return this.#doc;
  }

  update(change: Partial<StatusDocument>): void {
    this.#doc = { ...this.#doc, ...change };
  }

  /** Clears optional fields (e.g. `rejected` once a valid input arrives). */
  clear(key: 'rejected' | 'restartPending'): void {
    const { [key]: _dropped, ...rest } = this.#doc;
    this.#doc = rest;
  }

  /** Sync state of every desired entity after a pass, from the outcomes of its operations. */
  setEntities(
    desired: readonly { kind: EntityKind; name: string }[],
    outcomes: readonly OperationOutcome[],
    heldBack: readonly HeldBackEntity[] = [],
  ): void {
    const held = new Map(heldBack.map((h) => [`${h.kind}/${h.name}`, h.reason]));
    const byEntity = new Map<string, OperationOutcome>();
    for (const o of outcomes) {
      const key = `${o.operation.kind}/${o.operation.name}`;
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
        return { kind, name, state: 'synced' };
      }),
    };
  }

  readiness(): { ok: boolean; reason?: string } {
    const { router, lastPass } = this.#doc;
    if (!router.reachable) return { ok: false, reason: `router not reachable${router.lastError ? `: ${router.lastError}` : ''}` };
    if (!lastPass) return { ok: false, reason: 'no pass has run yet' };
    if (lastPass.result !== 'converged') return { ok: false, reason: `last pass ${lastPass.result}: ${lastPass.error ?? ''}`.trim() };
    const held = this.#doc.entities.filter((e) => e.state === 'held');
    if (held.length > 0) return { ok: false, reason: `held back (TLS material missing): ${held.map((e) => `${e.kind}/${e.name}`).join(', ')}` };
    return { ok: true };
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
