/** Reads the router's actual state: one QUERY per managed kind, pipelined, asking only for the columns the planner compares. */
import { ENTITY_FACTS, ENTITY_KINDS, type EntityKind } from '../../schemas/index.js';
import type { Management } from '../../reconcilers/management.js';
import { comparedAttributes } from '../../reconcilers/normalise.js';
import type { ActualState } from '../../reconcilers/plan-types.js';

/** Columns asked for in the QUERY of a kind: the name, and what the planner compares. */
export function queryColumns(kind: EntityKind): string[] {
  return ['name', ...(kind === 'log' ? ['module'] : []), ...comparedAttributes(kind)];
}

/** QUERYs `kinds` (default every managed kind); a kind left out is absent from the result, which the planner reads as "not looked at". */
export async function readActual(management: Management, kinds: readonly EntityKind[] = ENTITY_KINDS): Promise<ActualState> {
  const rows = await Promise.all(kinds.map((kind) => management.query(ENTITY_FACTS[kind].longType, queryColumns(kind))));
  return Object.fromEntries(kinds.map((kind, i) => [kind, rows[i] ?? []]));
}
