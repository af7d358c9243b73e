/**
 * One entity as written in either format → its attributes in canonical form, its name, and
 * where each piece came from. Problems are reported, never thrown.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TObject } from '@sinclair/typebox';
import type { AttributeValue } from '../desired-state.js';
import type { AttributeFacts, EntityFacts, EntityKind } from '../entity.js';
import { ENTITY_FACTS, configAttributeNames } from '../registry.js';
import type { IssueCollector } from './collector.js';
import { describeValue, type JsonPath } from './issues.js';
import { deriveName } from './names.js';
import { didYouMean } from './suggest.js';

/** An entity as a format reader found it. */
export interface EntityInput {
  readonly kind: EntityKind;
  /** Path of the attributes object. */
  readonly path: JsonPath;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** The router camel-cases `a-b` keys of a skrouterd file; the PoT decoder does not. */
  readonly camelCaseKeys: boolean;
  /** How to tell the user to name the entity when it has no name (PoT: the map key). */
  readonly nameHint?: string;
}

/** The most entities a config may hold, and what sets it (named in the message). */
export interface EntityLimit {
  readonly max: number;
  readonly name: string;
}

/** A canonical entity that remembers where it was written. */
export interface LocatedEntity {
  readonly kind: EntityKind;
  /** Undefined when the input gave none and none could be derived (already reported). */
  readonly name: string | undefined;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Attributes already reported as wrong or missing (left out of `attributes`). */
  readonly rejected: ReadonlySet<string>;
  readonly path: JsonPath;
  /** Where the entity's name came from: its `name` key, or the entity itself when derived. */
  readonly namePath: JsonPath;
  attributePath(attribute: string): JsonPath;
}

/** Map-valued attributes deeper than this are refused (they could not be written back safely). */
export const MAX_VALUE_DEPTH = 32;

const compiled = new Map<EntityKind, TypeCheck<TObject>>();

function checker(facts: EntityFacts): TypeCheck<TObject> {
  let check = compiled.get(facts.kind);
  if (!check) {
    check = TypeCompiler.Compile(facts.schema);
    compiled.set(facts.kind, check);
  }
  return check;
}

export function camelCase(key: string): string {
  return key.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
}

export function normaliseEntity(input: EntityInput, issues: IssueCollector): LocatedEntity {
  const facts = ENTITY_FACTS[input.kind];
  const written = new Map<string, string>();
  const candidate: Record<string, unknown> = {};
  for (const rawKey of Object.keys(input.attributes)) {
    const value = input.attributes[rawKey];
    const key = input.camelCaseKeys && rawKey.includes('-') ? camelCase(rawKey) : rawKey;
    const earlier = written.get(key);
    if (earlier !== undefined) {
      issues.error([...input.path, rawKey], `"${key}" is given twice (as "${earlier}" and "${rawKey}"); the router would keep only one`);
      continue;
    }
    written.set(key, rawKey);
    if (key !== rawKey) issues.warn([...input.path, rawKey], `"${rawKey}" is read as "${key}"; write "${key}"`);
    if (acceptKey(facts, key, input.path, rawKey, issues)) candidate[key] = value;
  }
  const attributePath = (attribute: string): JsonPath => [...input.path, written.get(attribute) ?? attribute];
  const rejected = checkTypes(facts, candidate, input.path, attributePath, issues);
  for (const key of rejected) delete candidate[key];
  const attributes = canonicalAttributes(facts, candidate, attributePath, rejected, issues);
  const given = candidate['name'];
  const named = written.has('name');
  const name = typeof given === 'string' ? given : deriveName(input.kind, attributes);
  if (name === undefined && !named) reportMissingName(input, attributes, issues);
  return {
    kind: input.kind,
    name,
    attributes,
    rejected,
    path: input.path,
    namePath: named ? attributePath('name') : input.path,
    attributePath,
  };
}

/** Whether `key` may be configured; `rawKey`, as written in the object at `at`, is where an issue points. */
function acceptKey(facts: EntityFacts, key: string, at: JsonPath, rawKey: string, issues: IssueCollector): boolean {
  if (key === 'name') return true;
  if (key === 'identity') {
    issues.error([...at, rawKey], '"identity" is assigned by the router and cannot be configured; remove it');
    return false;
  }
  if (key === 'type') {
    issues.error([...at, rawKey], '"type" cannot be an attribute: the entity type is given by the entry itself; remove it');
    return false;
  }
  const attribute: AttributeFacts | undefined = Object.hasOwn(facts.attributes, key) ? facts.attributes[key] : undefined;
  if (!attribute) {
    const known = ['name', ...configAttributeNames(facts)];
    issues.error([...at, rawKey], `unknown attribute "${key}" for ${facts.kind}${didYouMean(key, known)}`);
    return false;
  }
  if (attribute.access === 'read') {
    issues.error([...at, rawKey], `"${key}" is read-only (reported by the router); setting it in a config makes the router fail`);
    return false;
  }
  return true;
}

/**
 * Runs the TypeBox schema and turns its findings into one clear message per attribute.
 * Returns the attributes whose values were rejected.
 */
function checkTypes(
  facts: EntityFacts,
  candidate: Record<string, unknown>,
  entityPath: JsonPath,
  attributePath: (attribute: string) => JsonPath,
  issues: IssueCollector,
): Set<string> {
  const reported = new Set<string>();
  const check = checker(facts);
  if (check.Check(candidate)) return reported;
  for (const error of check.Errors(candidate)) {
    const attribute = error.path.split('/')[1] ?? '';
    if (reported.has(attribute)) continue;
    reported.add(attribute);
    if (!Object.hasOwn(candidate, attribute)) {
      issues.error(entityPath, `${facts.kind} needs "${attribute}"`);
    } else {
      issues.error(attributePath(attribute), typeMessage(facts, attribute, candidate[attribute]));
    }
  }
  return reported;
}

export function typeMessage(facts: EntityFacts, attribute: string, value: unknown): string {
  const got = describeValue(value);
  if (attribute === 'name') return `"name" must be a non-empty string, not ${got}`;
  const a = facts.attributes[attribute];
  switch (a?.kind) {
    case 'integer':
      return `"${attribute}" must be an integer (a number or a string of digits), not ${got}`;
    case 'boolean':
      return `"${attribute}" must be true or false ("yes" and "no" also work), not ${got}`;
    case 'port':
      return `"${attribute}" must be a port: an integer 1–65535 (number or decimal string), not ${got}`;
    case 'enum': {
      const values = a.values ?? [];
      const hint = typeof value === 'string' ? didYouMean(value, values) : '';
      return `"${attribute}" must be one of ${values.join(', ')}; got ${got}${hint}`;
    }
    case 'map':
    case 'properties':
      return `"${attribute}" must be an object, not ${got}`;
    default:
      return `"${attribute}" must be a string, not ${got}`;
  }
}

/** Canonical values in the order the facts declare them; values already reported are left out. */
function canonicalAttributes(
  facts: EntityFacts,
  candidate: Record<string, unknown>,
  attributePath: (attribute: string) => JsonPath,
  rejected: Set<string>,
  issues: IssueCollector,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, attribute] of attributesOf(facts)) {
    if (!Object.hasOwn(candidate, key) || attribute.access === 'read') continue;
    const value = canonicalValue(attribute, candidate[key]);
    if (value === undefined) continue;
    if (value === TOO_LARGE || value === TOO_DEEP) rejected.add(key);
    if (value === TOO_LARGE) {
      issues.error(attributePath(key), `"${key}" is outside the range of safe integers`);
    } else if (value === TOO_DEEP) {
      issues.error(attributePath(key), `"${key}" is nested more than ${MAX_VALUE_DEPTH} levels deep`);
    } else {
      out[key] = value;
    }
  }
  return out;
}

const declared = new Map<EntityKind, readonly (readonly [string, AttributeFacts])[]>();

/** The attributes of a kind in declared order, listed once rather than for every entity. */
function attributesOf(facts: EntityFacts): readonly (readonly [string, AttributeFacts])[] {
  let list = declared.get(facts.kind);
  if (!list) {
    list = Object.entries(facts.attributes);
    declared.set(facts.kind, list);
  }
  return list;
}

const TOO_LARGE = Symbol('too large');
const TOO_DEEP = Symbol('too deep');

function canonicalValue(facts: AttributeFacts, value: unknown): AttributeValue | typeof TOO_LARGE | typeof TOO_DEEP | undefined {
  switch (facts.kind) {
    case 'integer': {
      const n = typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) return undefined;
      return Number.isSafeInteger(n) ? n : TOO_LARGE;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'yes' || value === 'true') return true;
      if (value === 'no' || value === 'false') return false;
      return undefined;
    case 'port':
      if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535) return String(value);
      return typeof value === 'string' && /^[0-9]+$/.test(value) ? value : undefined;
    case 'map':
    case 'properties':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      return depthExceeds(value, MAX_VALUE_DEPTH) ? TOO_DEEP : (value as Record<string, unknown>);
    default:
      return typeof value === 'string' ? value : undefined;
  }
}

/** Iterative depth measure: a deep value must not cost stack. */
function depthExceeds(root: object, limit: number): boolean {
  const pending: [unknown, number][] = [[root, 1]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [value, depth] = item;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return false;
}

function reportMissingName(input: EntityInput, attributes: Record<string, AttributeValue>, issues: IssueCollector): void {
  const hint = input.nameHint === undefined ? '' : ` (add "name": ${JSON.stringify(input.nameHint)})`;
  switch (input.kind) {
    case 'sslProfile':
    case 'proxyProfile':
    case 'listenerAddress':
      issues.error(input.path, `${input.kind} needs a "name": other entities refer to it by name${hint}`);
      return;
    case 'autoLink':
      if (attributes['direction'] !== undefined) {
        issues.error(input.path, `autoLink needs a "name" or an "address" to derive one from${hint}`);
      }
      return;
    default:
      // The attributes a name is derived from are required and already reported as missing.
      return;
  }
}
