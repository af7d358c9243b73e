/** Collects every issue of one load, each placed at its line and column when the text allows. */
import { positionKey } from './json-scan.js';
import type { Position, TextLocator } from './json-text.js';
import { formatPath, type ConfigIssue, type JsonPath, type Severity } from './issues.js';

const NO_POSITIONS: ReadonlyMap<string, number> = new Map();

export class IssueCollector {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  private positions: () => ReadonlyMap<string, number> = () => NO_POSITIONS;
  private locator: TextLocator | undefined;

  constructor(readonly file: string) {}

  /**
   * Lets later issues point into the text; paths deeper than the index use their nearest parent.
   * `positions` is called only when an issue needs a place (it may build the index then).
   */
  useText(locator: TextLocator, positions: () => ReadonlyMap<string, number>): void {
    this.locator = locator;
    this.positions = positions;
  }

  error(path: JsonPath, message: string): void {
    this.add('error', path, message);
  }

  warn(path: JsonPath, message: string): void {
    this.add('warning', path, message);
  }

  /** An issue at a known text offset (syntax errors, keys given twice). */
  atOffset(severity: Severity, path: JsonPath, offset: number, message: string): void {
    this.push(severity, path, this.locator?.at(offset), message);
  }

  /** The line and column of the value at `path` (or its nearest located parent). */
  place(path: JsonPath): Position | undefined {
    return this.locate(path);
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  private add(severity: Severity, path: JsonPath, message: string): void {
    this.push(severity, path, this.locate(path), message);
  }

  private push(severity: Severity, path: JsonPath, position: Position | undefined, message: string): void {
    const issue: ConfigIssue = { file: this.file, path: formatPath(path), ...position, message, severity };
    (severity === 'error' ? this.errors : this.warnings).push(issue);
  }

  private locate(path: JsonPath): Position | undefined {
    if (!this.locator) return undefined;
    const positions = this.positions();
    for (let length = path.length; length >= 0; length--) {
      const offset = positions.get(positionKey(path.slice(0, length)));
      if (offset !== undefined) return this.locator.at(offset);
    }
    return undefined;
  }
}

/** Orders issues as they appear in the file; issues without a position keep their order at the end. */
export function byPosition(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort(
      (a, b) =>
        (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) ||
        (a.issue.column ?? 0) - (b.issue.column ?? 0) ||
        a.order - b.order,
    )
    .map(({ issue }) => issue);
}
