/**
 * Reader of the skrouterd JSON array file: `[[shortType, {attributes}], ...]`, the file
 * `QDROUTERD_CONF` names. Comment lines are blanked before parsing (see `json-text.ts`).
 */
import { ENTITY_KINDS, TYPE_PREFIX } from '../entity.js';
import { isEntityKind } from '../registry.js';
import type { IssueCollector } from './collector.js';
import { camelCase, type EntityInput, type EntityLimit } from './entity-input.js';
import { describeValue } from './issues.js';
import { didYouMean } from './suggest.js';

/** Management names of the C-agent types, which a config file must spell short. */
const LONG_ONLY: ReadonlyMap<string, string> = new Map([
  ['router.config.address', 'address'],
  ['router.config.autoLink', 'autoLink'],
]);

export function readSkrouterd(value: unknown, limit: EntityLimit, issues: IssueCollector): EntityInput[] | undefined {
  if (!Array.isArray(value)) {
    issues.error([], `a skrouterd config file is a JSON array of [type, attributes] pairs, not ${describeValue(value)}`);
    return undefined;
  }
  if (value.length > limit.max) {
    issues.error([], `${value.length} entities is more than the limit of ${limit.max} (${limit.name})`);
    return undefined;
  }
  const inputs: EntityInput[] = [];
  value.forEach((entry: unknown, index) => {
    const input = readEntry(entry, index, issues);
    if (input) inputs.push(input);
  });
  return inputs;
}

function readEntry(entry: unknown, index: number, issues: IssueCollector): EntityInput | undefined {
  if (!Array.isArray(entry) || entry.length !== 2) {
    const got = Array.isArray(entry) ? `an array of ${entry.length}` : describeValue(entry);
    issues.error([index], `each entry must be a [type, attributes] pair, not ${got}`);
    return undefined;
  }
  const [type, attributes] = entry as [unknown, unknown];
  const kind = entityKind(type, index, issues);
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    issues.error([index, 1], `the attributes of an entry must be an object, not ${describeValue(attributes)}`);
    return undefined;
  }
  if (kind === undefined) return undefined;
  return { kind, path: [index, 1], attributes: attributes as Record<string, unknown>, camelCaseKeys: true };
}

function entityKind(type: unknown, index: number, issues: IssueCollector): EntityInput['kind'] | undefined {
  const path = [index, 0];
  if (typeof type !== 'string') {
    issues.error(path, `the entity type must be a string, not ${describeValue(type)}`);
    return undefined;
  }
  const short = LONG_ONLY.has(type) ? type : type.startsWith(TYPE_PREFIX) ? type.slice(TYPE_PREFIX.length) : undefined;
  if (short !== undefined) {
    const use = LONG_ONLY.get(short) ?? short;
    const advice = isEntityKind(use) ? `; use the short name "${use}"` : didYouMean(use, ENTITY_KINDS);
    issues.error(path, `"${type}" is a management type name, which the router cannot read in a config file${advice}`);
    return undefined;
  }
  const kind = type.includes('-') ? camelCase(type) : type;
  if (!isEntityKind(kind)) {
    issues.error(path, `unknown entity type "${type}"${didYouMean(type, ENTITY_KINDS)}`);
    return undefined;
  }
  if (kind !== type) issues.warn(path, `"${type}" is read as "${kind}"; write "${kind}"`);
  return kind;
}
