/**
 * NUL characters: skrouterd hands names and string values to C, where a NUL either ends the
 * string or fails the call ("ValueError: embedded null character": a boot file with one does not
 * start, a live CREATE answers 500). No value needs one, so every string is checked: the name,
 * string attributes, and the keys and values inside map attributes (vhost groups,
 * openProperties).
 */
import type { IssueCollector } from './collector.js';
import type { LocatedEntity } from './entity-input.js';
import type { JsonPath } from './issues.js';

const NUL = '\u0000';
const WHY = 'skrouterd 3.5.1 passes it to C, which fails with "ValueError: embedded null character" (the router does not boot; a live CREATE answers 500)';

export function checkNul(entities: readonly LocatedEntity[], issues: IssueCollector): void {
  for (const entity of entities) {
    if (entity.name?.includes(NUL)) issues.error(entity.namePath, `the name contains a NUL character (U+0000); ${WHY}`);
    for (const attribute of Object.keys(entity.attributes)) {
      const value = entity.attributes[attribute];
      // The path is built only for a value that holds a NUL somewhere (almost never).
      if (holdsNul(value)) findNul(value, entity.attributePath(attribute), issues);
    }
  }
}

/** Whether a string, or any key or string inside an object or array, contains a NUL. */
function holdsNul(root: unknown): boolean {
  if (typeof root === 'string') return root.includes(NUL);
  if (typeof root !== 'object' || root === null) return false;
  const pending: unknown[] = [root];
  for (let i = 0; i < pending.length; i++) {
    const value = pending[i];
    if (typeof value === 'string') {
      if (value.includes(NUL)) return true;
    } else if (Array.isArray(value)) {
      for (let k = 0; k < value.length; k++) pending.push(value[k]);
    } else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        if (key.includes(NUL)) return true;
        pending.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/** Iterative walk: map values are at most 32 deep (already checked), but no recursion is needed. */
function findNul(root: unknown, rootPath: JsonPath, issues: IssueCollector): void {
  const pending: [unknown, JsonPath][] = [[root, rootPath]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [value, path] = item;
    if (typeof value === 'string') {
      if (value.includes(NUL)) issues.error(path, `the value contains a NUL character (U+0000); ${WHY}`);
    } else if (Array.isArray(value)) {
      value.forEach((child, index) => pending.push([child, [...path, index]]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key.includes(NUL)) issues.error([...path, key], `the key ${JSON.stringify(key)} contains a NUL character (U+0000); ${WHY}`);
        pending.push([child, [...path, key]]);
      }
    }
  }
}
