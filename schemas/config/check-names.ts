/**
 * Checks across entities that are about names: singletons, the one router, unique names
 * (per management agent), unique identities, and references to other entities.
 */
import type { EntityKind } from '../entity.js';
import { ENTITY_FACTS } from '../registry.js';
import type { IssueCollector } from './collector.js';
import type { LocatedEntity } from './entity-input.js';
import { formatPath } from './issues.js';
import { didYouMean } from './suggest.js';

const PYTHON_KINDS = Object.values(ENTITY_FACTS)
  .filter((f) => f.agent === 'python')
  .map((f) => f.kind);

/** Per kind: the attributes that name another entity, and the kind they name. */
const REFERENCES = new Map<EntityKind, readonly (readonly [string, EntityKind])[]>(
  Object.values(ENTITY_FACTS).map((facts) => [
    facts.kind,
    Object.entries(facts.attributes).flatMap(([name, a]) => (a.references ? [[name, a.references] as const] : [])),
  ]),
);

/** How each format spells "the router entity", for the missing-router message. */
export type RouterSpelling = 'skrouterd' | 'pot';

export function checkSingletons(entities: readonly LocatedEntity[], format: RouterSpelling, issues: IssueCollector): void {
  const seen = new Map<EntityKind, LocatedEntity>();
  for (const entity of entities) {
    const facts = ENTITY_FACTS[entity.kind];
    if (!facts.singleton && entity.kind !== 'site') continue;
    const first = seen.get(entity.kind);
    if (!first) {
      seen.set(entity.kind, entity);
    } else if (entity.kind === 'site') {
      issues.error(
        entity.path,
        `a second site (the first is at ${formatPath(first.path)}): the router uses only the first one, and the order of entities is not kept, so give exactly one`,
      );
    } else {
      issues.error(entity.path, `a second ${entity.kind} (the first is at ${formatPath(first.path)}); only one may exist`);
    }
  }
  if (!seen.has('router')) {
    const what = format === 'pot' ? 'no "metadata" (the router entity)' : 'no "router" entity';
    issues.error([], `${what}: without it the router starts in standalone mode with a random id`);
  }
}

/**
 * Names are unique across every type the Python agent manages; the C agent keeps a table per
 * type (address, autoLink). Identities must be unique too: a log per module, a vhost per
 * hostname, an address rule per prefix or pattern.
 */
export function checkUniqueNames(entities: readonly LocatedEntity[], issues: IssueCollector): void {
  const names = new Map<string, LocatedEntity>();
  const identities = new Map<string, LocatedEntity>();
  for (const entity of entities) {
    if (entity.name !== undefined) {
      const python = ENTITY_FACTS[entity.kind].agent === 'python';
      const key = python ? `python\0${entity.name}` : `${entity.kind}\0${entity.name}`;
      const first = names.get(key);
      // A second singleton is reported by checkSingletons; its name clash is the same mistake.
      const secondSingleton = first?.kind === entity.kind && (ENTITY_FACTS[entity.kind].singleton || entity.kind === 'site');
      if (first && !secondSingleton) {
        const scope = python ? `names are shared by ${PYTHON_KINDS.join(', ')}` : `names of ${entity.kind} entities must differ`;
        issues.error(
          entity.namePath,
          `name "${entity.name}" is already used by the ${first.kind} at ${formatPath(first.path)}; ${scope}${entity.namePath === entity.path ? ' (this name is derived; give the entity an explicit "name")' : ''}`,
        );
      } else if (!first) {
        names.set(key, entity);
      }
    }
    const identity = identityOf(entity);
    if (identity === undefined) continue;
    const first = identities.get(identity.key);
    if (first) {
      issues.error(entity.attributePath(identity.attribute), `${identity.what} is already configured at ${formatPath(first.path)}`);
    } else {
      identities.set(identity.key, entity);
    }
  }
}

function identityOf(entity: LocatedEntity): { key: string; attribute: string; what: string } | undefined {
  const of = (attribute: string): string | undefined => {
    const value = entity.attributes[attribute];
    return typeof value === 'string' ? value : undefined;
  };
  switch (entity.kind) {
    case 'log': {
      const module = of('module');
      return module === undefined ? undefined : { key: `log\0${module}`, attribute: 'module', what: `log module ${module}` };
    }
    case 'vhost': {
      const hostname = of('hostname');
      return hostname === undefined
        ? undefined
        : { key: `vhost\0${hostname}`, attribute: 'hostname', what: `vhost "${hostname}"` };
    }
    case 'address': {
      const attribute = of('prefix') !== undefined ? 'prefix' : 'pattern';
      const value = of(attribute);
      return value === undefined
        ? undefined
        : { key: `address\0${attribute}\0${value}`, attribute, what: `an address rule for ${attribute} "${value}"` };
    }
    default:
      return undefined;
  }
}

/** Every `references` attribute must name an entity of the referenced type. */
export function checkReferences(entities: readonly LocatedEntity[], issues: IssueCollector): void {
  const byKind = new Map<EntityKind, Set<string>>();
  for (const entity of entities) {
    if (entity.name === undefined) continue;
    const names = byKind.get(entity.kind) ?? new Set<string>();
    names.add(entity.name);
    byKind.set(entity.kind, names);
  }
  for (const entity of entities) {
    for (const [attribute, target] of REFERENCES.get(entity.kind) ?? []) {
      const value = entity.attributes[attribute];
      if (typeof value !== 'string') continue;
      const names = byKind.get(target) ?? new Set<string>();
      if (!names.has(value)) {
        issues.error(
          entity.attributePath(attribute),
          `${target} "${value}" does not exist${didYouMean(value, names)}; the router refuses a ${entity.kind} that names a missing ${target}`,
        );
      }
    }
  }
}
