/**
 * {@link DesiredState} → the skrouterd JSON array file the router boots from.
 *
 * - short type names, `address`/`autoLink` (the router cannot read `router.config.*` or any
 *   long name in a file), exactly one `router`;
 * - every entity carries an explicit `name`, derived ones included, so the router's names
 *   are ours and the first reconcile after boot finds nothing to rename;
 * - deterministic: entities in canonical order, attributes in the order the facts declare,
 *   one entity per line (the router drops lines that start with `#`; ours start with `[`).
 *
 * Values are written as they are. `configure.sh` of the router image expands `$VAR` in the
 * file, but only when the router is launched through that script; we start `skrouterd -c`
 * directly, so a `$` in a value reaches the router unchanged and needs no escaping.
 */
import type { AttributeValue, DesiredState } from '../desired-state.js';
import { ENTITY_FACTS } from '../registry.js';
import { DesiredStateError } from './issues.js';
import { compareEntities } from './load.js';

export function writeSkrouterdConfig(state: DesiredState): string {
  const routers = state.entities.filter((e) => e.kind === 'router').length;
  if (routers !== 1) {
    throw new DesiredStateError('<desired state>', [
      {
        file: '<desired state>',
        path: '$',
        message: `a boot file needs exactly one router entity, the desired state has ${routers}`,
        severity: 'error',
      },
    ]);
  }
  const lines = [...state.entities].sort(compareEntities).map((entity) => {
    const declared = Object.keys(ENTITY_FACTS[entity.kind].attributes);
    const order = (key: string): number => {
      const index = declared.indexOf(key);
      return index === -1 ? declared.length : index;
    };
    const keys = Object.keys(entity.attributes)
      .filter((key) => key !== 'name' && entity.attributes[key] !== undefined)
      .sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
    const members = [['name', entity.name] as const, ...keys.map((key) => [key, entity.attributes[key]] as const)];
    return `  [${JSON.stringify(entity.kind)}, {${members.map(([key, value]) => member(key, value)).join(', ')}}]`;
  });
  return `[\n${lines.join(',\n')}\n]\n`;
}

/** One `"key": value` pair; written by hand so that no key can touch an object's prototype. */
function member(key: string, value: AttributeValue | undefined): string {
  return `${JSON.stringify(key)}: ${JSON.stringify(value)}`;
}
