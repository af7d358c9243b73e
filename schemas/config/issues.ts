/**
 * What validation reports: issues that name the file, a readable JSON path and, when the
 * text is available, the line and column where the offending value starts.
 */

/**
 * One step of a JSON path. A number is an array index, a string an object key of the format
 * itself (`port`, `listeners`), and `{ entry }` a key the user chose (a name or a module in a
 * PoT map), which is always printed in brackets.
 */
export type PathSegment = number | string | { readonly entry: string };
export type JsonPath = readonly PathSegment[];

export type Severity = 'error' | 'warning';

export interface ConfigIssue {
  readonly file: string;
  /** Readable JSON path: `$[3][1].port` (skrouterd array file), `$.listeners["x"].port` (PoT). */
  readonly path: string;
  /** 1-based line where the value at `path` starts (absent when the text cannot say). */
  readonly line?: number;
  /** 1-based column (UTF-16 code units) where the value at `path` starts. */
  readonly column?: number;
  readonly message: string;
  readonly severity: Severity;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$`, then `[n]` for indexes, `.key` for format keys, `["key"]` for user keys and odd keys. */
export function formatPath(path: JsonPath): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(typeof segment === 'string' ? segment : segment.entry)}]`;
  }
  return out;
}

/** The plain key of a segment (what the JSON text holds). */
export function segmentKey(segment: PathSegment): string | number {
  return typeof segment === 'object' ? segment.entry : segment;
}

/** A short, safe description of a value for messages: never dumps a whole object. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > 60 ? `${JSON.stringify(value.slice(0, 57))}...` : JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** Thrown by callers that prefer an exception to a failed {@link LoadResult}. */
export class DesiredStateError extends Error {
  override readonly name = 'DesiredStateError';
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    const errors = issues.filter((i) => i.severity === 'error');
    const first = errors[0] ?? issues[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super(`invalid desired state in ${file}: ${first ? `${first.path}: ${first.message}` : 'no details'}${more}`, options);
    this.file = file;
    this.issues = issues;
  }
}

/**
 * Issues for people (`file:line:col: error: $.path: message`, one per line) or, with
 * `json: true`, as a JSON array of {@link ConfigIssue}.
 */
export function formatIssues(issues: readonly ConfigIssue[], options: { json?: boolean } = {}): string {
  if (options.json) return JSON.stringify(issues, null, 2);
  return issues
    .map((issue) => {
      const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
      return `${where}: ${issue.severity}: ${issue.path}: ${issue.message}`;
    })
    .join('\n');
}
