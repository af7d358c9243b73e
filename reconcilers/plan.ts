/**
 * The reconciler's pure core: from the desired state, the router's QUERY rows and the options,
 * compute the operations that make the router equal to the desired state, the changes that need a
 * restart, and warnings. No I/O; the same inputs always give the same plan.
 *
 * Contract (proven by the property tests against a model of skrouterd 3.5.1):
 * - applying the operations phase by phase, in any order within a phase, succeeds at every step:
 *   nothing is created before what it references, nothing referenced by an entity that stays is
 *   deleted, no create meets a name that is still taken;
 * - planning again against the result gives no operations (convergence and idempotence);
 * - protected and ignored names are never acted on, and log entities are only ever updated;
 * - a change that is only a default or a type coercion plans nothing (see `normalise.ts`);
 * - UPDATE where the router allows it, otherwise delete then create of the same name; a replace
 *   takes the entities that reference the replaced one along (see `plan-resolve.ts`).
 */
import type { DesiredState } from '../schemas/index.js';
import { decide } from './plan-decide.js';
import { indexDocuments, type DocumentPair } from './document.js';
import { buildIndex, compareText, type PlanIndex } from './plan-index.js';
import { buildOperations } from './plan-operations.js';
import { resolve } from './plan-resolve.js';
import { restartChanges } from './plan-restart.js';
import type { ActualState, Plan, PlanOptions, PlanWarning } from './plan-types.js';
import { KIND_ORDER } from './references.js';

export type * from './plan-types.js';

export function plan(desired: DesiredState, actual: ActualState, options: PlanOptions = {}): Plan {
  return planIndex(buildIndex(desired, actual, options), desired, actual);
}

/**
 * {@link plan} and the two documents it compares (`document.ts`) from one index, so the plan as a
 * JSON Patch costs only `diffDocuments(documents.actual, documents.desired)` on top of the plan.
 */
export function planWithDocuments(
  desired: DesiredState,
  actual: ActualState,
  options: PlanOptions = {},
): { readonly plan: Plan; readonly documents: DocumentPair } {
  const index = buildIndex(desired, actual, options);
  const documents = indexDocuments(index);
  return { plan: planIndex(index, desired, actual), documents };
}

function planIndex(index: PlanIndex, desired: DesiredState, actual: ActualState): Plan {
  decide(index);
  resolve(index);
  return {
    operations: buildOperations(index),
    restart: restartChanges(desired, actual),
    warnings: [...index.warnings].sort(compareWarnings),
  };
}

function compareWarnings(a: PlanWarning, b: PlanWarning): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareText(a.name, b.name) || compareText(a.code, b.code);
}
