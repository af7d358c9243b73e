/**
 * Runs a plan through the management interface, phase by phase, operations of one phase
 * pipelined. Every reply is checked; the outcome of each operation is reported for its entity.
 *
 * Idempotence rules:
 * - DELETE answered 404: the entity is already gone, which is what we wanted;
 * - CREATE answered 400 "duplicate": someone created it since the QUERY; READ it and compare,
 *   and replace it (DELETE + CREATE) only if it differs;
 * - any other failure fails that operation; operations that depend on it are skipped, the rest
 *   of the plan still runs. The caller retries the pass with backoff.
 */
import type { EntityKind } from '../schemas/index.js';
import { ManagementError, type Management } from './management.js';
import { comparedAttributes, normaliseActual, normaliseDesired, sameValue } from './normalise.js';
import type { Plan, PlannedOperation } from './plan-types.js';

export type OperationStatus =
  /** The router did what the operation asked. */
  | 'applied'
  /** DELETE of an entity that was already gone. */
  | 'already-gone'
  /** CREATE of an entity someone else created meanwhile, identical to ours. */
  | 'already-present'
  /** CREATE of an entity that existed with other attributes: replaced. */
  | 'replaced'
  | 'failed'
  /** Not sent: an operation it depends on failed or was skipped. */
  | 'skipped';

export interface OperationOutcome {
  readonly operation: PlannedOperation;
  readonly status: OperationStatus;
  readonly error?: unknown;
}

export interface ApplyOptions {
  /** Most operations of one phase awaited at once (the client also has its own window). Default 64. */
  readonly maxConcurrency?: number;
  /** Called as each operation ends (metrics, status, logs). */
  readonly onOutcome?: (outcome: OperationOutcome) => void;
  /**
   * Stops the apply at the next operation boundary: no operation is sent after it fires, the
   * ones in flight finish (or time out), and the result says `aborted`. Operations never sent
   * have no outcome.
   */
  readonly signal?: AbortSignal;
}

export interface ApplyResult {
  readonly outcomes: readonly OperationOutcome[];
  readonly failed: readonly OperationOutcome[];
  readonly skipped: readonly OperationOutcome[];
  /** The signal stopped the apply before every operation was sent. */
  readonly aborted: boolean;
}

const OK: ReadonlySet<OperationStatus> = new Set(['applied', 'already-gone', 'already-present', 'replaced']);

export async function applyPlan(plan: Plan, management: Management, options: ApplyOptions = {}): Promise<ApplyResult> {
  const limit = options.maxConcurrency ?? 64;
  const status = new Map<string, OperationStatus>();
  const outcomes: OperationOutcome[] = [];
  const record = (outcome: OperationOutcome) => {
    status.set(outcome.operation.id, outcome.status);
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };

  const phases = new Map<number, PlannedOperation[]>();
  for (const op of plan.operations) phases.set(op.phase, [...(phases.get(op.phase) ?? []), op]);

  const stopped = () => options.signal?.aborted === true;
  for (const phase of [...phases.keys()].sort((a, b) => a - b)) {
    if (stopped()) break;
    const queue = [...(phases.get(phase) ?? [])];
    const worker = async () => {
      for (let op = queue.shift(); op && !stopped(); op = queue.shift()) {
        const blocked = op.dependsOn.find((id) => !OK.has(status.get(id) ?? 'skipped'));
        if (blocked !== undefined) {
          record({ operation: op, status: 'skipped', error: new Error(`skipped: ${blocked} did not succeed`) });
          continue;
        }
        record(await runOne(op, management));
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
  }
  return {
    outcomes,
    failed: outcomes.filter((o) => o.status === 'failed'),
    skipped: outcomes.filter((o) => o.status === 'skipped'),
    aborted: stopped() && outcomes.length < plan.operations.length,
  };
}

async function runOne(op: PlannedOperation, management: Management): Promise<OperationOutcome> {
  try {
    switch (op.op) {
      case 'delete':
        await management.delete(op.longType, op.name);
        return { operation: op, status: 'applied' };
      case 'update':
        await management.update(op.longType, op.name, op.attributes);
        return { operation: op, status: 'applied' };
      case 'create':
        await management.create(op.longType, op.name, op.attributes);
        return { operation: op, status: 'applied' };
    }
  } catch (error) {
    if (error instanceof ManagementError && op.op === 'delete' && error.notFound) {
      return { operation: op, status: 'already-gone' };
    }
    if (error instanceof ManagementError && op.op === 'create' && error.duplicate) {
      return resolveDuplicate(op, management).catch((cause: unknown) => ({ operation: op, status: 'failed', error: cause }));
    }
    return { operation: op, status: 'failed', error };
  }
}

async function resolveDuplicate(op: PlannedOperation, management: Management): Promise<OperationOutcome> {
  const existing = await management.read(op.longType, op.name);
  if (matches(op.kind, op.name, op.attributes, existing)) return { operation: op, status: 'already-present' };
  await management.delete(op.longType, op.name);
  await management.create(op.longType, op.name, op.attributes);
  return { operation: op, status: 'replaced' };
}

/** Whether what the router holds equals what the CREATE would have made. */
function matches(kind: EntityKind, name: string, wanted: PlannedOperation['attributes'], existing: Record<string, unknown>): boolean {
  const actual = normaliseActual(kind, existing);
  if (!actual) return false;
  const desired = normaliseDesired({ kind, name, attributes: wanted });
  return comparedAttributes(kind).every((a) => sameValue(desired.full[a], actual.full[a]));
}
