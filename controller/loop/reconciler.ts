/**
 * One reconcile pass. It never asks what triggered it: it reads the whole desired state and the
 * whole actual state, plans, applies, and records the outcome.
 *
 * Contract with the work queue (controller-runtime semantics):
 * - returns normally when the router converged (or holds the last good state while the input is
 *   invalid); the queue then waits for the next trigger or resync;
 * - throws a retryable error when the router could not be read or an operation failed: the
 *   queue retries with backoff;
 * - throws {@link TerminalError} when the input is invalid and there is no last good state: no
 *   retry until something triggers a pass again.
 */
import { loadConfig, type ConfigIssue } from '../../schemas/config/index.js';
import { ENTITY_KINDS, type DesiredState, type EntityKind } from '../../schemas/index.js';
import { applyPlan, type ApplyResult } from '../../reconcilers/apply.js';
import type { Management } from '../../reconcilers/management.js';
import { plan as planPass } from '../../reconcilers/plan.js';
import type { ActualState, Plan, PlanOptions } from '../../reconcilers/plan-types.js';
import type { HeldBackEntity, SslResolution } from '../../reconcilers/ssl-profiles.js';
import { configLoadOptions, type ConfigLimits } from '../config-limits.js';
import type { Metrics } from '../http/metrics.js';
import { errorFields, type Log } from '../log.js';
import type { DesiredSource } from '../sources/source.js';
import { readActual } from './read-actual.js';
import { describeError, type StatusStore } from './status.js';
import { TerminalError, type PassContext, type PassResult } from './work-queue.js';

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
  #lastGood: { state: DesiredState; revision: string } | undefined;
  #reportedRejection: string | undefined;
  #reportedHeldBack = '';
  /** Kinds the router held entities of, as last seen. */
  readonly #seen = new Set<EntityKind>();
  #lastFullRead = -Infinity;

  constructor(options: ReconcilerOptions) {
    this.#o = options;
  }

  /** The desired state the router is being held to (the last valid input). */
  get desired(): DesiredState | undefined {
    return this.#lastGood?.state;
  }

  /** Revision of {@link desired}. */
  get revision(): string | undefined {
    return this.#lastGood?.revision;
  }

  /** Takes a valid state read before the router started (it boots from it; no hook runs). */
  adopt(state: DesiredState, revision: string): void {
    this.#lastGood = { state, revision };
    this.#o.metrics.setDesired(countByKind(state));
  }

  async reconcile(ctx: PassContext): Promise<PassResult> {
    const log = this.#o.log.child({ reconcileId: ctx.id });
    const started = performance.now();
    log.debug('pass started', { reasons: ctx.reasons });

    const input = await this.#readDesired(log);
    const desired = this.#lastGood?.state;
    if (!desired) throw new TerminalError('no desired state');
    const actual = await this.#readActual(desired);
    const ssl = this.#o.sslProfiles ? await this.#o.sslProfiles.resolve(desired, actual) : undefined;
    this.#reportHeldBack(log, ssl?.heldBack ?? []);
    const protectedNames = [...(this.#o.planOptions.protectedNames ?? []), ...(ssl?.protectedNames ?? [])];
    const plan = planPass(ssl?.state ?? desired, actual, { ...this.#o.planOptions, protectedNames });
    const result = await this.#apply(log, plan);
    this.#o.status.setEntities(desired.entities, result.outcomes, ssl?.heldBack ?? []);

    if (plan.restart.length > 0) await this.#o.onRestartRequired?.(plan, desired);
    else this.#o.status.clear('restartPending');

    const converged = result.failed.length === 0 && result.skipped.length === 0;
    const failure = converged ? undefined : new OperationsFailedError(result);
    const report: PassReport = {
      id: ctx.id,
      reasons: ctx.reasons,
      plan,
      result: !input.valid ? 'rejected' : converged ? 'converged' : 'failed',
      durationMs: Math.round(performance.now() - started),
      revision: input.revision,
      appliedRevision: this.#lastGood?.revision ?? input.revision,
    };
    this.#record(report, result, failure);
    this.#o.onPass?.(report);
    if (failure) throw failure;
    if (input.valid) this.#o.metrics.lastSuccess.set(Date.now() / 1000);
    log[plan.operations.length > 0 ? 'info' : 'debug']('pass converged', {
      operations: plan.operations.length,
      durationMs: report.durationMs,
      revision: report.appliedRevision,
    });
    return undefined;
  }

  /**
   * Reads and validates the input. A valid new revision becomes the last good state; an invalid
   * one is reported and the last good state stays (terminal when there is none yet).
   */
  async #readDesired(log: Log): Promise<{ revision: string; valid: boolean }> {
    const { source, status, metrics } = this.#o;
    let snapshot;
    try {
      snapshot = await source.read();
    } catch (error) {
      // A source that says retrying cannot help (e.g. revoked credentials) waits for a trigger.
      if (isTerminal(error)) throw new TerminalError(describeError(error), { cause: error });
      throw error;
    }
    // An unchanged input is not parsed again (large configs cost tens of ms and garbage per pass).
    if (snapshot.revision === this.#lastGood?.revision && this.#reportedRejection === undefined) {
      status.update({ source: { ...status.document.source, ...source.describe(), revision: snapshot.revision } });
      return { revision: snapshot.revision, valid: true };
    }
    const loaded: ReturnType<typeof loadConfig> = snapshot.unusable
      ? { ok: false, errors: [{ file: snapshot.file, path: '$', message: snapshot.unusable, severity: 'error' }], warnings: [] }
      : loadConfig(snapshot.text, configLoadOptions(snapshot.file, this.#o.loadLimits));
    if (loaded.ok) {
      status.clear('rejected');
      this.#reportedRejection = undefined;
      if (this.#lastGood?.revision !== snapshot.revision) {
        this.#lastGood = { state: loaded.state, revision: snapshot.revision };
        metrics.setDesired(countByKind(loaded.state));
        await this.#o.onDesired?.(loaded.state, snapshot.revision);
      }
    } else {
      this.#reject(log, snapshot.revision, loaded.errors);
      if (!this.#lastGood) throw new TerminalError(`desired state in ${snapshot.file} is invalid: ${loaded.errors.length} error(s)`);
    }
    // `appliedRevision` moves only when the pass is recorded: readers wait on it.
    status.update({ source: { ...status.document.source, ...source.describe(), revision: snapshot.revision } });
    return { revision: snapshot.revision, valid: loaded.ok };
  }

  async #apply(log: Log, plan: Plan): Promise<ApplyResult> {
    const { metrics } = this.#o;
    for (const warning of plan.warnings) log.warn(warning.message, { code: warning.code, kind: warning.kind, name: warning.name });
    if (plan.operations.length > 0) log.info('applying plan', { operations: plan.operations.length, summary: summarise(plan) });
    return applyPlan(plan, this.#o.management, {
      onOutcome: (o) => {
        const ok = o.status !== 'failed' && o.status !== 'skipped';
        metrics.operations.inc({ type: o.operation.kind, op: o.operation.op, result: ok ? 'success' : o.status });
        if (ok && o.operation.reason === 'drift') metrics.driftCorrections.inc({ type: o.operation.kind });
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

  #reportHeldBack(log: Log, heldBack: readonly HeldBackEntity[]): void {
    const key = heldBack.map((h) => `${h.kind}/${h.name}: ${h.reason}`).join('\n');
    if (key === this.#reportedHeldBack) return;
    this.#reportedHeldBack = key;
    if (heldBack.length === 0) log.info('no entity held back by missing TLS material any more');
    else log.warn('entities held back until their TLS material is usable', { heldBack: heldBack.map((h) => `${h.kind}/${h.name}: ${h.reason}`) });
  }

  /**
   * One QUERY per kind desired or last seen on the router (every managed kind when a full read
   * is due), pipelined. A failure here means the router is not reachable.
   */
  async #readActual(desired: DesiredState): Promise<ActualState> {
    const { management, status } = this.#o;
    const now = performance.now();
    const full = now - this.#lastFullRead >= (this.#o.fullReadEveryMs ?? 0);
    const inUse = new Set(desired.entities.map((e) => e.kind));
    const kinds = full ? ENTITY_KINDS : ENTITY_KINDS.filter((k) => this.#seen.has(k) || inUse.has(k));
    try {
      const actual = await readActual(management, kinds);
      if (full) this.#lastFullRead = now;
      for (const kind of kinds) {
        if ((actual[kind]?.length ?? 0) > 0) this.#seen.add(kind);
        else this.#seen.delete(kind);
      }
      const { lastError: _cleared, ...router } = status.document.router;
      status.update({ router: { ...router, reachable: true } });
      return actual;
    } catch (error) {
      status.update({ router: { ...status.document.router, reachable: false, lastError: describeError(error) } });
      throw error;
    }
  }

  #reject(log: Log, revision: string, errors: readonly ConfigIssue[]): void {
    // At most MAX_REPORTED_ISSUES in /status and the log line; a file with an error per entity stays readable.
    const shown = errors.length > MAX_REPORTED_ISSUES
      ? [
          ...errors.slice(0, MAX_REPORTED_ISSUES),
          { file: errors[0]?.file ?? '', path: '$', message: `and ${errors.length - MAX_REPORTED_ISSUES} more error(s)`, severity: 'error' as const },
        ]
      : errors;
    this.#o.status.update({ rejected: { revision, errors: shown } });
    if (this.#reportedRejection === revision) return;
    this.#reportedRejection = revision;
    this.#o.metrics.rejectedConfigs.inc();
    log.error(`desired state rejected; ${this.#lastGood ? 'keeping the last good state' : 'nothing applied'}`, {
      revision,
      errors: shown.map((e) => `${e.file}${e.line !== undefined ? `:${e.line}:${e.column ?? 0}` : ''}: ${e.path}: ${e.message}`),
    });
  }

}

/** Issues of a rejected input kept in /status and logged. */
export const MAX_REPORTED_ISSUES = 100;

function isTerminal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'terminal' in error && error.terminal === true;
}

function countByKind(state: DesiredState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of state.entities) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}

function summarise(plan: Plan): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const op of plan.operations) summary[op.op] = (summary[op.op] ?? 0) + 1;
  return summary;
}
