/**
 * What the loop remembers about each entity between passes, keyed `${kind}/${name}`:
 *
 * - **synced**: the fingerprint of the desired value the router was last seen to hold (after a
 *   pass: no operation planned for it, or its operations succeeded).
 * - **refused**: the fingerprint of the desired value the router refused (a reply other than
 *   success to an operation on it: 4xx/5xx). A refused entity stays `failed` until its desired
 *   value changes or an operation on it succeeds — even when a later QUERY shows the value,
 *   since a real router answers 500 to some UPDATEs (a `log` `outputFile`) yet stores the value.
 *   The boot-file writer leaves these out: a boot file must never hold what the router refused.
 *
 * A **drift correction** is a successful operation that restores an entity the router lost or
 * changed behind the controller's back: a create, update or replace of an entity whose desired
 * value is the one it was last synced with, or the delete of an entity that is not desired and
 * was not desired when the last pass left the router in sync (it appeared since). Operations
 * caused by a desired change, dependants re-created for a replaced profile, and everything
 * before the first pass that finished its apply (no baseline) are not drift corrections.
 */
import type { DesiredEntity } from '../../schemas/index.js';
import type { OperationOutcome } from '../../reconcilers/apply.js';
import { ManagementError } from '../../reconcilers/management.js';
import type { PlannedOperation } from '../../reconcilers/plan-types.js';
import { stableJson } from '../../reconcilers/normalise.js';
import { entityKey as desiredKey } from '../../reconcilers/boot-exclusions.js';

/** Fingerprint of "not desired" (a refused DELETE). */
const ABSENT = '-';

/** `kind/name` of a desired entity (`boot-exclusions.ts`), or of the desired entity an operation serves (`subject`). */
export const entityKey = (e: Pick<DesiredEntity, 'kind' | 'name'> & { readonly subject?: string }): string => desiredKey({ kind: e.kind, name: e.subject ?? e.name });

export interface Refusal {
  readonly fingerprint: string;
  readonly error: string;
}

export class SyncLedger {
  readonly #synced = new Map<string, string>();
  readonly #refused = new Map<string, Refusal>();
  #baseline = false;
  /** Keys the boot file left for management after a router start (`expectMissing`). */
  #expectedMissing = new Set<string>();
  readonly #cache = new WeakMap<object, string>();

  /** Fingerprints of a desired state, by key (cached per entity object: unchanged input costs nothing). */
  fingerprints(entities: readonly DesiredEntity[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const e of entities) {
      let fp = this.#cache.get(e);
      if (fp === undefined) {
        fp = stableJson(e.attributes);
        this.#cache.set(e, fp);
      }
      out.set(entityKey(e), fp);
    }
    return out;
  }

  /** Forgets refusals of values that are no longer desired (the input changed): they get a new try. */
  forgetChanged(desired: ReadonlyMap<string, string>): void {
    for (const [key, refusal] of this.#refused) {
      if ((desired.get(key) ?? ABSENT) !== refusal.fingerprint) this.#refused.delete(key);
    }
  }

  /**
   * The router (re)started from a boot file that leaves `keys` for management: their CREATEs in
   * the next completed apply restore no drift.
   */
  expectMissing(keys: ReadonlySet<string>): void {
    this.#expectedMissing = new Set(keys);
  }

  /** Whether a successful `op` restores drift (see the module comment). */
  isDriftCorrection(op: PlannedOperation, desired: ReadonlyMap<string, string>): boolean {
    if (!this.#baseline || op.reason === 'dependant' || op.reason === 'rebind') return false;
    const key = entityKey(op);
    if (op.op === 'create' && this.#expectedMissing.has(key)) return false;
    const wanted = desired.get(key);
    if (wanted === undefined) return op.op === 'delete' && !this.#synced.has(key);
    return this.#synced.get(key) === wanted;
  }

  /**
   * After an apply: entities without a failed or skipped operation are synced; refusals are
   * remembered with the value refused; a success clears a refusal. An apply cut short (the
   * controller stopping) records only what it learnt.
   */
  record(desired: ReadonlyMap<string, string>, outcomes: readonly OperationOutcome[], aborted: boolean): void {
    const unsettled = new Set<string>();
    for (const o of outcomes) {
      const key = entityKey(o.operation);
      if (o.status === 'failed' || o.status === 'skipped') {
        unsettled.add(key);
        if (o.status === 'failed' && o.error instanceof ManagementError) {
          this.#refused.set(key, { fingerprint: desired.get(key) ?? ABSENT, error: o.error.message });
        }
      }
    }
    for (const o of outcomes) {
      const key = entityKey(o.operation);
      if (!unsettled.has(key)) this.#refused.delete(key);
    }
    if (aborted) {
      for (const o of outcomes) {
        const key = entityKey(o.operation);
        const fp = desired.get(key);
        if (!unsettled.has(key) && fp !== undefined) this.#synced.set(key, fp);
      }
      return;
    }
    const kept = new Map<string, string>();
    for (const [key, fp] of desired) if (!unsettled.has(key) && !this.#refused.has(key)) kept.set(key, fp);
    // An entity removed from the input whose DELETE failed is still "ours": its retry is no drift.
    for (const key of unsettled) {
      const previous = this.#synced.get(key);
      if (!desired.has(key) && previous !== undefined) kept.set(key, previous);
    }
    this.#synced.clear();
    for (const [key, fp] of kept) this.#synced.set(key, fp);
    this.#baseline = true;
    this.#expectedMissing.clear();
  }

  /** The refusal of `key`, while its desired value is still the one refused. */
  refusal(key: string): Refusal | undefined {
    return this.#refused.get(key);
  }

  /** Keys of the entities the router refused, in their current desired value. */
  refusedKeys(): ReadonlySet<string> {
    return new Set(this.#refused.keys());
  }
}
