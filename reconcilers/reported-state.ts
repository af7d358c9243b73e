/**
 * What a router booted from a desired state would report in QUERY rows, without a router: every
 * kind queried, configured attributes in the router's form with defaults filled, the singletons
 * the router adds empty (router, network, policy) and one log entity per module (DEFAULT with
 * the levels the router gives it). Used to plan between two config files (`iofog-router plan
 * --against`).
 */
import { ENTITY_FACTS, ENTITY_KINDS, LOG_MODULES, type DesiredState, type EntityKind } from '../schemas/index.js';
import { normaliseDesired, type CanonicalAttributes } from './normalise.js';
import type { ActualRow, ActualState } from './plan-types.js';

/** The router's own settings for the DEFAULT log module (management notes §2, `log`). */
const DEFAULT_LOG: CanonicalAttributes = { enable: 'info+', includeTimestamp: true, includeSource: false, outputFile: 'stderr' };

/** Names the router gives entities it names itself (identity-style). */
const SELF_NAMED: Partial<Record<EntityKind, string>> = { network: 'network/0', policy: 'policy/0' };

function row(kind: EntityKind, name: string, attributes: CanonicalAttributes): ActualRow {
  return { ...attributes, name, type: ENTITY_FACTS[kind].longType };
}

export function reportedState(desired: DesiredState): ActualState {
  const rows = new Map<EntityKind, ActualRow[]>(ENTITY_KINDS.map((k) => [k, []]));
  const add = (kind: EntityKind, r: ActualRow) => rows.get(kind)?.push(r);
  const logs = new Map<string, CanonicalAttributes>();
  for (const entity of desired.entities) {
    const n = normaliseDesired(entity);
    if (entity.kind === 'log') logs.set(n.key, n.full);
    else if (entity.kind === 'router') {
      const id = n.full['id'];
      add('router', row('router', `router/${typeof id === 'string' ? id : 'generated'}`, n.full));
    }
    else add(entity.kind, row(entity.kind, SELF_NAMED[entity.kind] ?? n.name, n.full));
  }
  for (const kind of ['router', 'network', 'policy'] as const) {
    if (rows.get(kind)?.length === 0) add(kind, row(kind, SELF_NAMED[kind] ?? `${kind}/generated`, normaliseDesired({ kind, name: kind, attributes: {} }).full));
  }
  for (const module of LOG_MODULES) {
    const name = `log/${module}`;
    const own = module === 'DEFAULT' ? DEFAULT_LOG : {};
    add('log', row('log', name, { ...own, ...logs.get(name), module }));
  }
  return Object.fromEntries(rows);
}
