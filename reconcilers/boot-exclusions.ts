/**
 * What the router may boot from: the desired state minus every entity the router refused and
 * every entity that names one of those, transitively (a listener whose sslProfile was refused, a
 * listenerAddress whose tcpListener was left out). The router exits at boot on values it answers
 * a live CREATE for with a 500 (`skrouterd-3.5.1-observed.md`), so a boot file holding a refused
 * entity is an outage at the next restart; leaving it out costs only that entity, which the loop
 * keeps trying (and reporting) over management.
 */
import { ENTITY_FACTS, type DesiredEntity, type DesiredState } from '../schemas/index.js';

/** `${kind}/${name}`: how refusals and exclusions name an entity. */
export type EntityKey = `${string}/${string}`;

export function entityKey(entity: Pick<DesiredEntity, 'kind' | 'name'>): EntityKey {
  return `${entity.kind}/${entity.name}`;
}

export interface BootExclusion {
  readonly key: EntityKey;
  /** `refused`, or the key of the excluded entity this one names. */
  readonly reason: 'refused' | { readonly dependsOn: EntityKey };
}

export interface BootableState {
  readonly state: DesiredState;
  /** What was left out and why, in the desired state's order. */
  readonly excluded: readonly BootExclusion[];
}

/** Keys of the entities `entity` names through its reference attributes (schema facts). */
export function referencedKeys(entity: DesiredEntity): EntityKey[] {
  const keys: EntityKey[] = [];
  for (const [attribute, facts] of Object.entries(ENTITY_FACTS[entity.kind].attributes)) {
    const value = entity.attributes[attribute];
    if (facts.references !== undefined && typeof value === 'string') keys.push(`${facts.references}/${value}`);
  }
  return keys;
}

/**
 * The desired state without the refused entities and those that depend on them. Pure; keeps the
 * order and the objects of the entities it keeps, and returns `state` itself when nothing goes.
 */
export function bootableState(state: DesiredState, refused: ReadonlySet<string>): BootableState {
  if (refused.size === 0) return { state, excluded: [] };
  const reasons = new Map<EntityKey, BootExclusion['reason']>();
  for (const entity of state.entities) {
    const key = entityKey(entity);
    if (refused.has(key)) reasons.set(key, 'refused');
  }
  // References form a DAG a few levels deep; repeat until no new dependant is found.
  for (let changed = reasons.size > 0; changed; ) {
    changed = false;
    for (const entity of state.entities) {
      const key = entityKey(entity);
      if (reasons.has(key)) continue;
      const target = referencedKeys(entity).find((k) => reasons.has(k));
      if (target !== undefined) {
        reasons.set(key, { dependsOn: target });
        changed = true;
      }
    }
  }
  if (reasons.size === 0) return { state, excluded: [] };
  const kept: DesiredEntity[] = [];
  const excluded: BootExclusion[] = [];
  for (const entity of state.entities) {
    const key = entityKey(entity);
    const reason = reasons.get(key);
    if (reason === undefined) kept.push(entity);
    else excluded.push({ key, reason });
  }
  return { state: { entities: kept }, excluded };
}

/** One line per exclusion, for logs and `/status`. */
export function describeExclusions(excluded: readonly BootExclusion[]): string[] {
  return excluded.map((e) => (e.reason === 'refused' ? `${e.key}: refused by the router` : `${e.key}: names ${e.reason.dependsOn}`));
}
