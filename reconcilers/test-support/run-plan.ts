/**
 * Runs a plan against the router model the way the apply step will: phase by phase, the
 * operations of one phase in an arbitrary order. Every operation must succeed, and no delete may
 * leave an entity that stays referencing the deleted one.
 */
import { ENTITY_FACTS, ENTITY_KINDS } from '../../schemas/index.js';
import type { Plan, PlannedOperation } from '../plan-types.js';
import type { RouterModel } from './router-model.js';

/** A deterministic shuffle driven by `seed`. */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export class PlanRunError extends Error {
  readonly operation: PlannedOperation;
  constructor(operation: PlannedOperation, message: string, options?: ErrorOptions) {
    super(`${operation.id} (phase ${operation.phase}): ${message}`, options);
    this.operation = operation;
  }
}

/** Names of entities on the model that reference `op`'s entity. */
function usersOf(model: RouterModel, op: PlannedOperation): string[] {
  const users: string[] = [];
  for (const kind of ENTITY_KINDS) {
    for (const [attribute, facts] of Object.entries(ENTITY_FACTS[kind].attributes)) {
      if (facts.references !== op.kind) continue;
      for (const row of model.query(kind)) if (row[attribute] === op.name) users.push(`${kind}/${String(row['name'])}`);
    }
  }
  return users;
}

export function runPlan(model: RouterModel, plan: Plan, seed: number): void {
  const phases = new Map<number, PlannedOperation[]>();
  for (const op of plan.operations) phases.set(op.phase, [...(phases.get(op.phase) ?? []), op]);
  const done = new Set<string>();
  for (const phase of [...phases.keys()].sort((a, b) => a - b)) {
    for (const op of shuffle(phases.get(phase) ?? [], seed + phase)) {
      const early = op.dependsOn.find((id) => !done.has(id));
      if (early !== undefined) throw new PlanRunError(op, `depends on ${early}, which has not run in an earlier phase`);
      if (op.op === 'delete') {
        const users = usersOf(model, op);
        if (users.length > 0) throw new PlanRunError(op, `still referenced by ${users.join(', ')}`);
      }
      try {
        model.apply(op);
      } catch (error) {
        throw new PlanRunError(op, error instanceof Error ? error.message : String(error), { cause: error });
      }
    }
    for (const op of phases.get(phase) ?? []) done.add(op.id);
  }
}
