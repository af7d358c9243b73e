/**
 * Config text (either format) → one validated, canonical {@link DesiredState}, or every
 * problem found. Never throws, whatever the text.
 */
import type { DesiredEntity, DesiredState } from '../desired-state.js';
import { ENTITY_KINDS, type EntityKind } from '../entity.js';
import { checkLimits } from './check-limits.js';
import { checkReferences, checkSingletons, checkUniqueNames } from './check-names.js';
import { checkNul } from './check-nul.js';
import { checkRules } from './check-rules.js';
import { checkSockets, type ReservedPort } from './check-sockets.js';
import { checkVhosts } from './check-vhost.js';
import { byPosition, IssueCollector } from './collector.js';
import { normaliseEntity, type EntityInput, type LocatedEntity } from './entity-input.js';
import { DesiredStateError, describeValue, formatPath, type ConfigIssue } from './issues.js';
import { blankCommentLines, firstSignificant, parseJson, TextLocator, utf8Length, utf8LengthExceeds } from './json-text.js';
import { readPot } from './read-pot.js';
import { readSkrouterd } from './read-skrouterd.js';

export type ConfigFormat = 'skrouterd' | 'pot';

export interface LoadOptions {
  /** Named in every issue. */
  readonly file: string;
  /** `auto` (default): a JSON array is a skrouterd file, an object a PoT config. */
  readonly format?: 'auto' | ConfigFormat;
  /** Largest accepted text in UTF-8 bytes. Default {@link DEFAULT_MAX_BYTES} (4 MiB). */
  readonly maxBytes?: number;
  /** Most entities accepted. Default {@link DEFAULT_MAX_ENTITIES} (20,000). */
  readonly maxEntities?: number;
  /**
   * What the messages say sets each limit, e.g. the setting `CONFIG_MAX_BYTES`. Default
   * `option maxBytes` / `option maxEntities`.
   */
  readonly limitNames?: { readonly maxBytes?: string; readonly maxEntities?: string };
  /**
   * Ports held by someone else on this machine (the controller's management listener and HTTP
   * server): a desired listener or tcpListener that would bind over one is refused. The caller
   * passes them as values (this module reads no settings). Default: none.
   */
  readonly reservedPorts?: readonly ReservedPort[];
}

/** Where an entity, or one of its attributes, was written. */
export type ConfigLocation = Pick<ConfigIssue, 'path' | 'line' | 'column'>;

/** Finds where the entity `kind`/`name` (and its `attribute`, when given) sits in the text. */
export type LocateEntity = (kind: EntityKind, name: string, attribute?: string) => ConfigLocation | undefined;

export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_ENTITIES = 20_000;

export type LoadResult =
  | {
      readonly ok: true;
      readonly state: DesiredState;
      readonly format: ConfigFormat;
      readonly warnings: readonly ConfigIssue[];
      /** For checks made after loading (files an attribute names): where to point their issues. */
      readonly locate: LocateEntity;
    }
  | {
      readonly ok: false;
      readonly errors: readonly ConfigIssue[];
      readonly warnings: readonly ConfigIssue[];
      /** The format, once known. */
      readonly format?: ConfigFormat;
      /** The exception behind the first error, when there was one (a JSON SyntaxError). */
      readonly cause?: unknown;
    };

export function loadConfig(text: string, options: LoadOptions): LoadResult {
  const file = typeof options.file === 'string' ? options.file : String(options.file);
  const issues = new IssueCollector(file);
  try {
    return load(text, options, issues);
  } catch (cause) {
    // A bug of ours, not the input's fault; still a result, never an exception.
    issues.error([], `internal error while validating: ${cause instanceof Error ? cause.message : String(cause)}`);
    return failed(issues, undefined, cause);
  }
}

/** {@link loadConfig} for callers that prefer an exception: throws {@link DesiredStateError}. */
export function loadConfigOrThrow(
  text: string,
  options: LoadOptions,
): { state: DesiredState; format: ConfigFormat; warnings: readonly ConfigIssue[]; locate: LocateEntity } {
  const result = loadConfig(text, options);
  if (result.ok) return result;
  throw new DesiredStateError(options.file, [...result.errors, ...result.warnings], { cause: result.cause });
}

function limit(value: number | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function load(text: string, options: LoadOptions, issues: IssueCollector): LoadResult {
  const maxBytes = limit(options.maxBytes, DEFAULT_MAX_BYTES);
  const maxEntities = limit(options.maxEntities, DEFAULT_MAX_ENTITIES);
  const requested = options.format ?? 'auto';
  const reserved = options.reservedPorts ?? [];
  const reservedOk = Array.isArray(reserved) && reserved.every((r) => Number.isInteger(r.port) && r.port >= 1 && r.port <= 65535 && typeof r.host === 'string' && typeof r.owner === 'string');
  if (maxBytes === undefined || maxEntities === undefined || !['auto', 'skrouterd', 'pot'].includes(requested) || !reservedOk) {
    issues.error([], 'invalid options: maxBytes and maxEntities must be positive integers, format auto, skrouterd or pot, reservedPorts ports 1–65535 with a host');
    return failed(issues);
  }
  if (typeof text !== 'string') {
    issues.error([], `the config text must be a string, not ${describeValue(text)}`);
    return failed(issues);
  }
  if (utf8LengthExceeds(text, maxBytes)) {
    const setting = options.limitNames?.maxBytes ?? 'option maxBytes';
    issues.error([], `the file is ${utf8Length(text)} bytes, more than the limit of ${maxBytes} (${setting})`);
    return failed(issues);
  }
  const uncommented = requested === 'pot' ? text : blankCommentLines(text);
  const first = firstSignificant(uncommented);
  if (first === undefined) {
    issues.error([], 'the file is empty');
    return failed(issues);
  }
  const format: ConfigFormat | undefined =
    requested !== 'auto' ? requested : first === '[' ? 'skrouterd' : first === '{' ? 'pot' : undefined;
  const source = format === 'pot' ? text : uncommented;
  const locator = new TextLocator(source);
  issues.useText(locator, () => new Map());
  const parsed = parseJson(source);
  if (!parsed.ok) {
    const comment = format === 'pot' && source[parsed.offset] === '#' ? ' (comment lines are allowed only in skrouterd array files)' : '';
    issues.atOffset('error', [], parsed.offset, `JSON syntax error: ${parsed.message}${comment}`);
    // Only the position is known: the path of a syntax error is the document.
    return failed(issues, format, parsed.cause);
  }
  issues.useText(locator, parsed.positions);
  for (const duplicate of parsed.duplicates) {
    const key = String(duplicate.path[duplicate.path.length - 1]);
    issues.atOffset('warning', duplicate.path, duplicate.offset, `"${key}" is given twice in the same object; only the last one counts`);
  }
  if (format === undefined) {
    issues.error([], `a config must be a JSON array (skrouterd) or object (PoT), not ${describeValue(parsed.value)}`);
    return failed(issues);
  }
  const entityLimit = { max: maxEntities, name: options.limitNames?.maxEntities ?? 'option maxEntities' };
  const inputs = format === 'skrouterd' ? readSkrouterd(parsed.value, entityLimit, issues) : readPot(parsed.value, entityLimit, issues);
  if (inputs === undefined) return failed(issues, format);
  const entities = inputs.map((input: EntityInput) => normaliseEntity(input, issues));
  checkSingletons(entities, format, issues);
  checkUniqueNames(entities, issues);
  checkReferences(entities, issues);
  checkRules(entities, issues);
  checkLimits(entities, issues);
  checkVhosts(entities, issues);
  checkNul(entities, issues);
  checkSockets(entities, reserved, issues);
  if (issues.hasErrors) return failed(issues, format);
  return { ok: true, state: canonicalState(entities), format, warnings: byPosition(issues.warnings), locate: locatorOf(entities, issues) };
}

function locatorOf(entities: readonly LocatedEntity[], issues: IssueCollector): LocateEntity {
  // Built on the first call: most loads are never asked where anything is.
  let byName: Map<string, LocatedEntity> | undefined;
  return (kind, name, attribute) => {
    byName ??= new Map(entities.map((e) => [`${e.kind}\0${e.name ?? ''}`, e]));
    const entity = byName.get(`${kind}\0${name}`);
    if (!entity) return undefined;
    const path = attribute === undefined ? entity.path : entity.attributePath(attribute);
    return { path: formatPath(path), ...issues.place(path) };
  };
}

function failed(issues: IssueCollector, format?: ConfigFormat, cause?: unknown): LoadResult {
  return {
    ok: false,
    errors: byPosition(issues.errors),
    warnings: byPosition(issues.warnings),
    ...(format === undefined ? {} : { format }),
    ...(cause === undefined ? {} : { cause }),
  };
}

const KIND_ORDER = new Map(ENTITY_KINDS.map((kind, index) => [kind, index]));

/** Entities by kind (ENTITY_KINDS order), then by name (code-unit order, locale-independent). */
export function compareEntities(a: DesiredEntity, b: DesiredEntity): number {
  const byKind = (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0);
  if (byKind !== 0) return byKind;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function canonicalState(entities: readonly LocatedEntity[]): DesiredState {
  const out: DesiredEntity[] = [];
  for (const entity of entities) {
    // Without errors every entity has a name; the guard only satisfies the type.
    if (entity.name !== undefined) out.push({ kind: entity.kind, name: entity.name, attributes: entity.attributes });
  }
  return { entities: out.sort(compareEntities) };
}
