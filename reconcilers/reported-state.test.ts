import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITY_KINDS, type DesiredState } from '../schemas/index.js';
import { normaliseActual } from './normalise.js';
import { plan } from './plan.js';
import { reportedState } from './reported-state.js';
import type { ActualState } from './plan-types.js';
import { scenario } from './test-support/arbitraries.js';
import { RouterModel } from './test-support/router-model.js';

const RUNS = 500;
fc.configureGlobal({ seed: Number(process.env['FC_SEED'] ?? 42), numRuns: RUNS });

/** Normalised rows by kind and key, without the names routers give themselves. */
function view(state: ActualState) {
  return Object.fromEntries(
    ENTITY_KINDS.map((kind) => [
      kind,
      Object.fromEntries((state[kind] ?? []).map((r) => normaliseActual(kind, r)).flatMap((n) => (n ? [[n.key, { ...n.full }]] : []))),
    ]),
  );
}

describe('reportedState', () => {
  it('reports what the router model reports after booting the same configuration', () => {
    fc.assert(
      fc.property(scenario, ({ after }) => {
        const desired: DesiredState = { entities: after };
        const fromModel = view(RouterModel.boot(desired).actualState());
        const reported = view(reportedState(desired));
        // the router generates an id when none is configured; nothing compares it
        if (!after.some((e) => e.kind === 'router' && e.attributes['id'] !== undefined)) {
          delete fromModel['router']?.['router']?.['id'];
          delete reported['router']?.['router']?.['id'];
        }
        expect(reported).toEqual(fromModel);
      }),
    );
  });

  it('plans nothing against itself', () => {
    fc.assert(
      fc.property(scenario, ({ after }) => {
        const desired: DesiredState = { entities: after };
        expect(plan(desired, reportedState(desired))).toEqual({ operations: [], restart: [], warnings: [] });
      }),
    );
  });

  it('queries every kind and always has the router-made entities', () => {
    const state = reportedState({ entities: [] });
    expect(Object.keys(state).sort()).toEqual([...ENTITY_KINDS].sort());
    expect(state.log).toHaveLength(23);
    expect(state.log?.find((r) => r['name'] === 'log/DEFAULT')).toMatchObject({ enable: 'info+', outputFile: 'stderr' });
    expect(state.network).toEqual([{ name: 'network/0', type: 'io.skupper.router.network' }]);
  });
});
