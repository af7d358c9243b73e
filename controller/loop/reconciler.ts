/**
 * One reconcile pass. It never asks what triggered it: it reads the whole desired state and the
 * whole actual state, plans, applies, and records the outcome. (A pass the queue does not mark
 * `full` takes the actual state from the last read plus its own writes since: see RouterReader.)
 *
 * Contract with the work queue (controller-runtime semantics):
 * - returns normally when the router converged (or holds the last good state while the input is
 *   invalid); the queue then waits for the next trigger or resync;
 * - throws a retryable error when the router could not be read or an operation failed: the
 *   queue retries with backoff;
 * - throws {@link TerminalError} when the input is invalid and there is no last good state: no
 *   retry until something triggers a pass again.
 */
import type { DesiredState } from '../../schemas/index.js';
import { applyPlan, type ApplyResult } from '../../reconcilers/apply.js';
import type { Management } from '../../reconcilers/management.js';
import { plan as planPass } from '../../reconcilers/plan.js';
import type { ActualState, Plan, PlanOptions } from '../../reconcilers/plan-types.js';
import { RevisionHistory, formatRevisionLog } from '../../reconcilers/revision-history.js';
import type { HeldBackEntity, SslResolution } from '../../reconcilers/ssl-profiles.js';
import type { ConfigLimits } from '../config-limits.js';
import type { Metrics } from '../http/metrics.js';
import { errorFields, type Log } from '../log.js';
import type { DesiredSource, SourceHealth } from '../sources/source.js';
import { DesiredInput, type DesiredCheck } from './desired-input.js';
import type { ListenerBinds } from './listener-binds.js';
import { ListenersNotBoundError, PassStoppedError, RefusedError, SourceUnavailableError } from './pass-errors.js';
import { RouterReader } from './read-actual.js';
import { describeError, type StatusStore } from './status.js';
import { SyncLedger, entityKey } from './sync-ledger.js';
import { TerminalError, type PassContext, type PassResult } from './work-queue.js';

export { MAX_REPORTED_ISSUES } from './desired-input.js';
export { ListenersNotBoundError, PassStoppedError, RefusedError, SourceUnavailableError } from './pass-errors.js';

export interface ReconcilerOptions {
  readonly source: DesiredSource;
  readonly management: Management;
  readonly log: Log;
  readonly metrics: Metrics;
  readonly status: StatusStore;
  readonly planOptions: PlanOptions;
  /**
   * Every pass QUERYs the kinds that are desired or that the router held at the last look; all
   * managed kinds are read when the last full read is older than this (so a foreign entity of
   * a kind nobody uses is found within this time). Default 0: every pass reads every kind.
   */
  readonly fullReadEveryMs?: number;
  /** A new valid desired state was read (the supervisor rewrites the boot file from it). */
  readonly onDesired?: (state: DesiredState, revision: string) => Promise<void>;
  /** The plan has restart-only changes; the restart policy decides what happens. */
  readonly onRestartRequired?: (plan: Plan, state: DesiredState) => Promise<void>;
  /** Resolves sslProfiles against the profile directory; held-back entities are left alone. */
  readonly sslProfiles?: { resolve(state: DesiredState, actual: ActualState): Promise<SslResolution> };
  /** A pass planned and applied (or was refused): what it planned and how it ended. */
  readonly onPass?: (report: PassReport) => void;
  /**
   * Limits on the desired config (`CONFIG_MAX_BYTES`, `CONFIG_MAX_ENTITIES`); a config over one is
   * rejected like any invalid input. Default `DEFAULT_CONFIG_LIMITS` (4 MiB, 20,000).
   */
  readonly loadLimits?: ConfigLimits;
  /** Checks of a valid config that need the file system; an issue rejects the input. */
  readonly checkDesired?: DesiredCheck;
  /** One step of a pass completed (source read, router read, each operation): for liveness. */
  readonly onProgress?: () => void;
  /** Listeners the router could not bind (from its log): failed, and created again on a backoff. */
  readonly listenerBinds?: ListenerBinds;
}

export interface PassReport {
  readonly id: number;
  readonly reasons: readonly string[];
  readonly plan: Plan;
  readonly result: 'converged' | 'failed' | 'rejected';
  readonly durationMs: number;
  /** Revision of the input read by this pass, and of the state applied. */
  readonly revision: string;
  readonly appliedRevision: string;
}

/** How long after a pass its revision history entry is written (see `#recordHistory`). */
const HISTORY_DELAY_MS = 25;

export class OperationsFailedError extends Error {
  readonly result: ApplyResult;

  constructor(result: ApplyResult) {
    const first = result.failed[0];
    super(
      `${result.failed.length} operation(s) failed, ${result.skipped.length} skipped` +
        (first ? `; first: ${first.operation.id}: ${describeError(first.error)}` : ''),
    );
    this.result = result;
  }

  override get name(): string {
    return 'OperationsFailedError';
  }
}

export class Reconciler {
  readonly #o: ReconcilerOptions;
  readonly #input: DesiredInput;
  readonly #ledger = new SyncLedger();
  /** The last desired revisions with their JSON Patch and outcome (`/status` `history`). */
  readonly #history = new RevisionHistory();
  #reportedHeldBack = '';
  readonly #router: RouterReader;

  constructor(options: ReconcilerOptions) {
    this.#o = options;
    this.#input = new DesiredInput({
      source: options.source,
      status: options.status,
      metrics: options.metrics,
      ...(options.loadLimits ? { loadLimits: options.loadLimits } : {}),
      ...(options.checkDesired ? { check: options.checkDesired } : {}),
      ...(options.onDesired ? { onDesired: options.onDesired } : {}),
    });
    options.status.reportSource(() => this.#input.health());
    this.#router = new RouterReader(options.management, options.status, options.fullReadEveryMs ?? 0);
  }

  /** The desired state the router is being held to (the last valid input). */
  get desired(): DesiredState | undefined {
    return this.#input.lastGood?.state;
  }

  /** Revision of {@link desired}. */
  get revision(): string | undefined {
    return this.#input.lastGood?.revision;
  }

  /** How the source's reads are going (for `/status` and the source metrics). */
  sourceHealth(): SourceHealth {
    return this.#input.health();
  }

  /**
   * Keys (`kind/name`) of the entities the router refused in their current desired value: they
   * stay `failed` until that value changes, and the boot file must leave them out.
   */
  refusedKeys(): ReadonlySet<string> {
    const refused = this.#ledger.refusedKeys();
    const unbound = this.#o.listenerBinds?.failedKeys(this.desired?.entities ?? []);
    return unbound && unbound.size > 0 ? new Set([...refused, ...unbound]) : refused;
  }

  /** The router started from a boot file that leaves `keys` for management: creating them is no drift repair. */
  expectMissing(keys: ReadonlySet<string>): void {
    this.#ledger.expectMissing(keys);
  }

  /** Takes a valid state read before the router started (it boots from it; no hook runs). */
  adopt(state: DesiredState, revision: string): void {
    this.#input.adopt(state, revision);
  }

  /**
   * One pass. A pass the queue does not mark `full` (only input changes triggered it, and a full
   * one ran within the resync period) plans against the router state the last pass read plus the
   * replies of its own writes, when that state is known exactly; any failure drops it.
   */
  async reconcile(ctx: PassContext): Promise<PassResult> {
    try {
      return await this.#pass(ctx);
    } catch (error) {
      this.#router.invalidate();
      throw error;
    }
  }

  async #pass(ctx: PassContext): Promise<PassResult> {
    const log = this.#o.log.child({ reconcileId: ctx.id });
    const started = performance.now();
    const progress = () => {
      this.#o.onProgress?.();
      if (ctx.signal.aborted) throw new PassStoppedError(ctx.id);
    };
    log.debug('pass started', { reasons: ctx.reasons });

    const input = await this.#input.read(log);
    progress();
    const desired = this.#input.lastGood?.state;
    if (!desired) throw new TerminalError('no desired state');
    const actual = await this.#router.read(desired, ctx.full === false);
    progress();
    const ssl = this.#o.sslProfiles ? await this.#o.sslProfiles.resolve(desired, actual) : undefined;
    this.#reportHeldBack(log, ssl?.heldBack ?? []);
    const protectedNames = [...(this.#o.planOptions.protectedNames ?? []), ...(ssl?.protectedNames ?? [])];
    const planned = ssl?.state ?? desired;
    const fingerprints = this.#ledger.fingerprints(planned.entities);
    this.#ledger.forgetChanged(fingerprints);
    const binds = this.#o.listenerBinds?.review(planned.entities);
    const plan = planPass(planned, actual, { ...this.#o.planOptions, protectedNames, ...(binds ? { recreate: binds.recreate } : {}) });
    const result = await this.#apply(log, plan, fingerprints, ctx.signal);
    this.#ledger.record(fingerprints, result.outcomes, result.aborted);
    this.#o.listenerBinds?.applied(planned.entities, result.outcomes);
    // Cut short by a stop: no status, no restart decision from half a pass.
    if (result.aborted) throw new PassStoppedError(ctx.id, result.outcomes.length, plan.operations.length);
    const unbound = binds?.failed ?? new Map<string, string>();
    this.#o.status.setEntities(desired.entities, result.outcomes, ssl?.heldBack ?? [], (key) => this.#ledger.refusal(key)?.error ?? unbound.get(key));

    // The boot file rewrite of a new state ran beside the router's writes; a restart needs it,
    // and its failure fails the pass (retried with backoff; the live router is already updated).
    const bootError: unknown = await input.written?.then(() => undefined, (error: unknown) => error ?? new Error('boot file write failed'));
    if (bootError === undefined) {
      if (plan.restart.length > 0) await this.#o.onRestartRequired?.(plan, desired);
      else this.#o.status.clear('restartPending');
    }

    const refused = [...this.#ledger.refusedKeys()];
    const settled = result.failed.length === 0 && result.skipped.length === 0;
    const converged = settled && refused.length === 0 && unbound.size === 0 && bootError === undefined;
    const failure = !settled
      ? new OperationsFailedError(result)
      : bootError !== undefined
        ? bootError instanceof Error ? bootError : new Error(describeError(bootError))
        : refused.length > 0
        ? new RefusedError(refused.map((key) => ({ key, error: this.#ledger.refusal(key)?.error ?? '' })))
        : unbound.size > 0
        ? new ListenersNotBoundError([...unbound].map(([key, error]) => ({ key, error })))
        : undefined;
    const report: PassReport = {
      id: ctx.id,
      reasons: ctx.reasons,
      plan,
      result: !input.valid ? 'rejected' : converged ? 'converged' : 'failed',
      durationMs: Math.round(performance.now() - started),
      revision: input.revision,
      appliedRevision: this.#input.lastGood?.revision ?? input.revision,
    };
    this.#record(report, result, failure);
    this.#recordHistory(log, report, failure);
    this.#o.onPass?.(report);
    if (failure) throw failure;
    if (input.valid) this.#o.metrics.lastSuccess.set(Date.now() / 1000);
    // The router holds the last good state; reading the source again is what the retry is for.
    if (input.sourceError !== undefined) throw new SourceUnavailableError(input.sourceError);
    log[plan.operations.length > 0 ? 'info' : 'debug']('pass converged', {
      operations: plan.operations.length,
      durationMs: report.durationMs,
      revision: report.appliedRevision,
    });
    return undefined;
  }

  async #apply(log: Log, plan: Plan, fingerprints: ReadonlyMap<string, string>, signal: AbortSignal): Promise<ApplyResult> {
    const { metrics } = this.#o;
    for (const warning of plan.warnings) log.warn(warning.message, { code: warning.code, kind: warning.kind, name: warning.name });
    if (plan.operations.length > 0) log.info('applying plan', { operations: plan.operations.length, summary: summarise(plan) });
    const corrected = new Set<string>();
    return applyPlan(plan, this.#router.management, {
      signal,
      onOutcome: (o) => {
        this.#o.onProgress?.();
        const ok = o.status !== 'failed' && o.status !== 'skipped';
        metrics.operations.inc({ type: o.operation.kind, op: o.operation.op, result: ok ? 'success' : o.status });
        // One correction per entity restored (a replace is a DELETE and a CREATE of one entity).
        const key = entityKey(o.operation);
        if (ok && !corrected.has(key) && this.#ledger.isDriftCorrection(o.operation, fingerprints)) {
          corrected.add(key);
          metrics.driftCorrections.inc({ type: o.operation.kind });
        }
        if (!ok) log.warn(`${o.operation.id} ${o.status}`, { ...errorFields(o.error) });
      },
    });
  }

  #record(report: PassReport, result: ApplyResult, failure: Error | undefined): void {
    const { status } = this.#o;
    status.update({
      source: { ...status.document.source, appliedRevision: report.appliedRevision },
      lastPass: {
        id: report.id,
        result: report.result,
        at: new Date().toISOString(),
        durationMs: report.durationMs,
        operations: report.plan.operations.length,
        failed: result.failed.length,
        ...(failure ? { error: failure.message } : {}),
      },
    });
  }

  /**
   * A revision enters the history when a pass first applies it, and each pass settles it; done
   * {@link HISTORY_DELAY_MS} after the pass, since a new revision's patch costs about a plan (20–45
   * ms at 1,000 entities) and must not hold up `/status` readers waiting for `appliedRevision`
   * (a `setImmediate` would still run before the event loop answers the next request).
   */
  #recordHistory(log: Log, report: PassReport, failure: Error | undefined): void {
    const lastGood = this.#input.lastGood;
    if (!lastGood || lastGood.revision !== report.appliedRevision) return;
    const at = new Date().toISOString();
    setTimeout(() => {
      if (this.#history.entries[0]?.revision !== lastGood.revision) {
        const entry = this.#history.record({ revision: lastGood.revision, at, source: this.#o.source.describe().location, state: lastGood.state });
        log.info(formatRevisionLog(entry), { revision: entry.revision, operations: entry.operations });
      }
      const outcome = report.result === 'converged' ? ('converged' as const) : ('failed' as const);
      this.#history.settle(lastGood.revision, { outcome, at, pass: report.id, ...(failure ? { error: failure.message } : {}) });
      this.#o.status.update({ history: this.#history.entries });
    }, HISTORY_DELAY_MS).unref();
  }

  #reportHeldBack(log: Log, heldBack: readonly HeldBackEntity[]): void {
    const key = heldBack.map((h) => `${h.kind}/${h.name}: ${h.reason}`).join('\n');
    if (key === this.#reportedHeldBack) return;
    this.#reportedHeldBack = key;
    if (heldBack.length === 0) log.info('no entity held back by missing TLS material any more');
    else log.warn('entities held back until their TLS material is usable', { heldBack: heldBack.map((h) => `${h.kind}/${h.name}: ${h.reason}`) });
  }
}

function summarise(plan: Plan): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const op of plan.operations) summary[op.op] = (summary[op.op] ?? 0) + 1;
  return summary;
}
