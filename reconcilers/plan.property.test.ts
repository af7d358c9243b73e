/**
 * Property-based proof of the planner's contract against a model of skrouterd 3.5.1: random
 * configurations boot the model, drift is applied behind the planner's back, a second random
 * configuration is desired. The plan must run (phase by phase, shuffled within a phase) without a
 * single refusal, must never touch protected or ignored names, and planning again must give
 * nothing. The seed is fixed (FC_SEED overrides it) so CI is reproducible.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITY_FACTS, type DesiredState } from '../schemas/index.js';
import { globMatcher } from './glob.js';
import { normaliseActual, normaliseDesired } from './normalise.js';
import { plan } from './plan.js';
import type { Plan, PlanOptions } from './plan-types.js';
import { chainScenario, drift, ownership, scenario, type Drift } from './test-support/arbitraries.js';
import { RouterError, RouterModel } from './test-support/router-model.js';
import { runPlan } from './test-support/run-plan.js';

const RUNS = 1500;
fc.configureGlobal({ seed: Number(process.env['FC_SEED'] ?? 42), numRuns: RUNS });

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

const world = fc.record({ scenario, drift, ownership, seed: fc.nat() });
/** Profiles and their users only: dense reference chains, replaces under users, missing profiles. */
const chainWorld = fc.record({ scenario: chainScenario, drift, ownership, seed: fc.nat() });

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

function setUp(w: World) {
  const model = RouterModel.boot({ entities: w.scenario.before });
  applyDrift(model, w.drift);
  const desired: DesiredState = { entities: w.scenario.after };
  const options: PlanOptions = w.ownership;
  return { model, desired, options };
}

function rowsByName(model: RouterModel): Map<string, unknown> {
  const state = model.actualState();
  return new Map(
    Object.entries(state).flatMap(([kind, rows]) => (rows ?? []).map((r) => [`${kind}/${String(r['name'])}`, r] as const)),
  );
}

describe('plan against the router model', () => {
  const converges = (w: World) => {
    const { model, desired, options } = setUp(w);
    const first = plan(desired, model.actualState(), options);
    runPlan(model, first, w.seed);
    const second = plan(desired, model.actualState(), options);
    expect(second.operations).toEqual([]);
    expect(second.restart).toEqual(first.restart);
  };

  it('runs without a refusal and converges: planning again gives no operations', () => {
    fc.assert(fc.property(world, converges));
  });

  it('converges on dense reference chains (profiles, users, listenerAddresses)', () => {
    fc.assert(fc.property(chainWorld, converges));
  });

  it('leaves protected and ignored names alone, and never creates or deletes a log', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { model, desired, options } = setUp(w);
        const untouchable = globMatcher([...(options.protectedNames ?? []), ...(options.ignore ?? [])]);
        const before = rowsByName(model);
        const result = plan(desired, model.actualState(), options);
        for (const op of result.operations) {
          expect(untouchable(op.name)).toBe(false);
          if (op.kind === 'log' || op.kind === 'network') expect(op.op).toBe('update');
          expect(ENTITY_FACTS[op.kind].restartOnly).toBe(false);
        }
        runPlan(model, result, w.seed);
        const after = rowsByName(model);
        for (const [id, row] of before) {
          const name = id.slice(id.indexOf('/') + 1);
          if (untouchable(name) || id.startsWith('log/')) expect(after.has(id), id).toBe(true);
          if (untouchable(name)) expect(after.get(id), id).toEqual(row);
        }
      }),
    );
  });

  it('is deterministic, and without warnings the router ends up equal to the desired state', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { model, desired, options } = setUp(w);
        const actual = model.actualState();
        const result: Plan = plan(desired, actual, options);
        expect(plan(desired, structuredClone(actual), { ...options })).toEqual(result);
        if (result.warnings.length > 0) return;
        runPlan(model, result, w.seed);
        for (const entity of desired.entities) {
          const facts = ENTITY_FACTS[entity.kind];
          if (facts.restartOnly || facts.singleton || entity.kind === 'log') continue;
          const row = model.query(entity.kind).find((r) => r['name'] === entity.name);
          expect(row, `${entity.kind}/${entity.name}`).toBeDefined();
          expect(normaliseActual(entity.kind, row ?? {})?.full).toEqual(normaliseDesired(entity).full);
        }
        expect(model.staleReferences()).toEqual([]);
      }),
    );
  });
});

