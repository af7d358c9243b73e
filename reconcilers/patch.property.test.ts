/**
 * The plan and the patch are one diff: over random pairs of configurations (the planner's
 * arbitraries, drift and ownership included), (a) the patch turns the router's document into the
 * desired one, and (b) the planner's operations touch exactly the entities and attributes the
 * patch touches, except where a warning says why an entity is left as it is, or where an entity
 * is re-created only to follow a replaced or missing entity it references (reason `dependant`).
 * Fixed seed (42); FC_SEED and FC_RUNS override it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DesiredState } from '../schemas/index.js';
import { planDocuments } from './document.js';
import { entityKey } from './normalise.js';
import { applyDocumentPatch, diffDocuments, patchTargets, type EntityTouch } from './patch.js';
import { plan, planWithDocuments } from './plan.js';
import type { PlannedOperation } from './plan-types.js';
import { chainScenario, drift, ownership, scenario, type Drift } from './test-support/arbitraries.js';
import { RouterError, RouterModel } from './test-support/router-model.js';

fc.configureGlobal({ seed: Number(process.env['FC_SEED'] ?? 42), numRuns: Number(process.env['FC_RUNS'] ?? 600) });

function applyDrift(model: RouterModel, changes: readonly Drift[]): void {
  for (const change of changes) {
    try {
      if (change.op === 'update') model.update(change.kind, change.name, change.attributes);
      else model.delete(change.kind, change.name);
    } catch (error) {
      if (!(error instanceof RouterError)) throw error;
    }
  }
}

const world = fc.record({ scenario, drift, ownership });
/** Profiles and their users only: replaces under users, dependants, blocked replaces. */
const chainWorld = fc.record({ scenario: chainScenario, drift, ownership });
type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

/** Codes that explain an entity the patch touches and the plan leaves as it is. */
const EXPLAINED = new Set(['name-taken', 'unresolved-reference', 'kept-referenced', 'replace-blocked']);

function idOf(op: PlannedOperation): string {
  return `${op.kind}/${entityKey(op.kind, op.name, {})}`;
}

function attributesOf(op: PlannedOperation): string[] {
  return op.changes.map((c) => c.attribute).sort();
}

/** What the plan does to one entity, in the terms of {@link EntityTouch}; `dependant` re-creates are their own case. */
function expectAgreement(id: string, touch: EntityTouch | undefined, ops: readonly PlannedOperation[], explained: boolean): void {
  const shape = ops.map((o) => `${o.op}:${o.reason}`).sort().join(',');
  if (touch === undefined) {
    if (ops.length === 0) return;
    expect(shape, id).toBe('create:dependant,delete:dependant');
    expect(attributesOf(ops.find((o) => o.op === 'create') as PlannedOperation), id).toEqual([]);
    return;
  }
  if (ops.length === 0) {
    expect(explained, `${id}: the patch touches it, the plan does not, and no warning says why`).toBe(true);
    return;
  }
  switch (touch.kind) {
    case 'add':
      expect(shape, id).toBe('create:missing');
      return;
    case 'remove':
      expect(shape, id).toBe('delete:foreign');
      return;
    case 'attributes': {
      const wanted = [...touch.attributes].sort();
      const update = ops.find((o) => o.op === 'update');
      if (update) {
        expect(ops, id).toHaveLength(1);
        expect(Object.keys(update.attributes).sort(), id).toEqual(wanted);
        return;
      }
      expect(['create:replace,delete:replace', 'create:dependant,delete:dependant'], id).toContain(shape);
      expect(attributesOf(ops.find((o) => o.op === 'create') as PlannedOperation), id).toEqual(wanted);
    }
  }
}

function onePatch(w: World): void {
  const model = RouterModel.boot({ entities: w.scenario.before });
  applyDrift(model, w.drift);
  const desired: DesiredState = { entities: w.scenario.after };
  const actual = model.actualState();
  const docs = planDocuments(desired, actual, w.ownership);
  const patch = diffDocuments(docs.actual, docs.desired);
  expect(applyDocumentPatch(docs.actual, patch)).toEqual(docs.desired);

  const result = plan(desired, actual, w.ownership);
  // one index for both: the same plan and the same documents
  expect(planWithDocuments(desired, actual, w.ownership)).toEqual({ plan: result, documents: docs });
  const touched = patchTargets(patch);
  const opsById = new Map<string, PlannedOperation[]>();
  for (const op of result.operations) opsById.set(idOf(op), [...(opsById.get(idOf(op)) ?? []), op]);
  const explained = new Set(result.warnings.filter((x) => EXPLAINED.has(x.code)).map((x) => `${x.kind}/${x.name}`));
  for (const id of new Set([...touched.keys(), ...opsById.keys()])) {
    expectAgreement(id, touched.get(id), opsById.get(id) ?? [], explained.has(id));
  }
}

describe('the plan as a JSON Patch', () => {
  it('(a) applying the patch to the router document gives the desired document; (b) it touches what the plan touches', () => {
    fc.assert(fc.property(world, onePatch));
  });

  it('(a) and (b) on dense reference chains', () => {
    fc.assert(fc.property(chainWorld, onePatch));
  });

  it('plans nothing and patches nothing once the router holds the desired state', () => {
    fc.assert(
      fc.property(world, (w) => {
        const model = RouterModel.boot({ entities: w.scenario.after });
        const desired: DesiredState = { entities: w.scenario.after };
        const result = plan(desired, model.actualState(), w.ownership);
        const docs = planDocuments(desired, model.actualState(), w.ownership);
        // Booting can refuse an entity (then the plan creates it): the patch says the same.
        expect(diffDocuments(docs.actual, docs.desired).length === 0).toBe(result.operations.length === 0);
      }),
    );
  });
});
