/**
 * A validating JSON scanner that remembers where values start.
 *
 * `JSON.parse` builds the values (it is exact and fast) but on Node 20 many of its error
 * messages carry no position, and it cannot say where a value sits in the text. This scanner
 * walks the same grammar without recursion (so deeply nested input cannot exhaust the stack),
 * reports the first syntax error with its offset, records the start offset of every value up
 * to {@link INDEX_DEPTH} levels deep, and notes object keys given twice.
 */
import type { PathSegment } from './issues.js';

/** Values deeper than this are not indexed; our paths are at most five segments long. */
export const INDEX_DEPTH = 6;

export interface DuplicateKey {
  readonly path: readonly (string | number)[];
  readonly offset: number;
}

export type ScanResult =
  | { readonly ok: true; readonly positions: ReadonlyMap<string, number>; readonly duplicates: readonly DuplicateKey[] }
  | { readonly ok: false; readonly offset: number; readonly message: string };

/**
 * Key of a path in the position index. Map entries and plain keys look the same in the text;
 * an index and a key cannot both occur at one place, so `3` and `"3"` need not differ.
 */
export function positionKey(path: readonly PathSegment[]): string {
  let key = '';
  for (const segment of path) key += `\u0000${typeof segment === 'object' ? segment.entry : segment}`;
  return key;
}

/** A path as a chain of nodes: children share their parent, so indexing costs no copying. */
interface PathNode {
  readonly parent: PathNode | undefined;
  readonly segment: string | number;
  readonly key: string;
  readonly depth: number;
}

const ROOT: PathNode = { parent: undefined, segment: '', key: '', depth: 0 };

function childOf(node: PathNode | undefined, segment: string | number): PathNode | undefined {
  if (!node || node.depth >= INDEX_DEPTH) return undefined;
  return { parent: node, segment, key: `${node.key}\u0000${segment}`, depth: node.depth + 1 };
}

function segmentsOf(node: PathNode): (string | number)[] {
  const out: (string | number)[] = [];
  for (let at: PathNode | undefined = node; at && at.parent; at = at.parent) out.unshift(at.segment);
  return out;
}

interface Frame {
  readonly kind: 'array' | 'object';
  /** `start`: just opened; `after`: a member was read (or is being read in a child frame). */
  state: 'start' | 'after';
  /** Path of this container, or undefined below the indexed depth. */
  readonly path: PathNode | undefined;
  index: number;
  key: string | undefined;
  readonly keys: Set<string> | undefined;
}

class ScanError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const LITERALS = ['true', 'false', 'null'] as const;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function describeChar(text: string, at: number): string {
  if (at >= text.length) return 'end of input';
  const code = text.codePointAt(at) ?? 0;
  if (code === 0xfeff) return 'a byte-order mark (save the file as UTF-8 without BOM)';
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
  return `'${String.fromCodePoint(code)}'`;
}

export function scanJson(text: string): ScanResult {
  const scanner = new Scanner(text);
  try {
    scanner.run();
    return { ok: true, positions: scanner.positions, duplicates: scanner.duplicates };
  } catch (error) {
    if (error instanceof ScanError) return { ok: false, offset: error.offset, message: error.message };
    throw error;
  }
}

class Scanner {
  readonly positions = new Map<string, number>();
  readonly duplicates: DuplicateKey[] = [];
  private at = 0;
  private readonly stack: Frame[] = [];

  constructor(private readonly text: string) {}

  run(): void {
    this.value(ROOT);
    for (let frame = this.top(); frame; frame = this.top()) {
      if (frame.state === 'start') this.openContainer(frame);
      else this.continueContainer(frame);
    }
    this.skipWhitespace();
    if (this.at < this.text.length) {
      throw new ScanError(this.at, `unexpected ${describeChar(this.text, this.at)} after the end of the JSON value`);
    }
  }

  private skipWhitespace(): void {
    while (this.at < this.text.length && WHITESPACE.has(this.text.charCodeAt(this.at))) this.at++;
  }

  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** Reads one value at the current position; a container is only opened and left on the stack. */
  private value(path: PathNode | undefined): void {
    this.skipWhitespace();
    if (path) this.positions.set(path.key, this.at);
    const c = this.text[this.at];
    if (c === '{' || c === '[') {
      const kind = c === '{' ? 'object' : 'array';
      const keys = path && kind === 'object' ? new Set<string>() : undefined;
      this.stack.push({ kind, state: 'start', path, index: 0, key: undefined, keys });
      this.at++;
      return;
    }
    if (c === '"') return void this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of LITERALS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return;
      }
    }
    throw new ScanError(this.at, `expected a JSON value, found ${describeChar(this.text, this.at)}`);
  }

  private openContainer(frame: Frame): void {
    this.skipWhitespace();
    if (this.text[this.at] === (frame.kind === 'object' ? '}' : ']')) {
      this.at++;
      this.stack.pop();
      return;
    }
    this.beginMember(frame);
  }

  /** Starts the next member of a container (after `[`, `{` or a comma). */
  private beginMember(frame: Frame): void {
    frame.state = 'after';
    if (frame.kind === 'array') {
      this.value(childOf(frame.path, frame.index));
      return;
    }
    this.skipWhitespace();
    if (this.text[this.at] !== '"') {
      throw new ScanError(this.at, `expected a double-quoted property name, found ${describeChar(this.text, this.at)}`);
    }
    const keyStart = this.at;
    const raw = this.string();
    const indexed = frame.path !== undefined && frame.path.depth < INDEX_DEPTH;
    const key = indexed ? (raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1)) : undefined;
    if (key !== undefined && frame.keys && frame.path) {
      if (frame.keys.has(key)) this.duplicates.push({ path: [...segmentsOf(frame.path), key], offset: keyStart });
      frame.keys.add(key);
    }
    frame.key = key;
    this.skipWhitespace();
    if (this.text[this.at] !== ':') {
      throw new ScanError(this.at, `expected ':' after the property name, found ${describeChar(this.text, this.at)}`);
    }
    this.at++;
    this.value(key === undefined ? undefined : childOf(frame.path, key));
  }

  /** After a member: a comma starts the next one, the closing bracket ends the container. */
  private continueContainer(frame: Frame): void {
    this.skipWhitespace();
    const close = frame.kind === 'object' ? '}' : ']';
    const c = this.text[this.at];
    if (c === ',') {
      this.at++;
      frame.index++;
      this.skipWhitespace();
      if (this.text[this.at] === close) {
        throw new ScanError(this.at, `trailing comma before '${close}' is not allowed in JSON`);
      }
      this.beginMember(frame);
      return;
    }
    if (c === close) {
      this.at++;
      this.stack.pop();
      return;
    }
    const after = frame.kind === 'object' ? 'property value' : 'array element';
    throw new ScanError(this.at, `expected ',' or '${close}' after ${after}, found ${describeChar(this.text, this.at)}`);
  }

  /** Scans a string starting at the opening quote and returns its raw text (quotes included). */
  private string(): string {
    const start = this.at;
    this.at++;
    for (;;) {
      if (this.at >= this.text.length) throw new ScanError(start, 'unterminated string');
      const code = this.text.charCodeAt(this.at);
      if (code === 0x22) {
        this.at++;
        return this.text.slice(start, this.at);
      }
      if (code < 0x20) {
        throw new ScanError(this.at, `${describeChar(this.text, this.at)} inside a string (escape it, e.g. \\n)`);
      }
      if (code === 0x5c) {
        const next = this.text[this.at + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) {
            throw new ScanError(this.at, 'bad \\u escape: expected four hex digits');
          }
          this.at += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) {
          throw new ScanError(this.at, `bad escape sequence '\\${next ?? ''}'`);
        }
        this.at += 2;
        continue;
      }
      this.at++;
    }
  }

  private number(): void {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) throw new ScanError(this.at, `malformed number`);
    this.at += match[0].length;
    const next = this.text[this.at];
    if (next !== undefined && /[0-9.eE+\-A-Za-z]/.test(next)) {
      throw new ScanError(this.at, `malformed number: unexpected ${describeChar(this.text, this.at)}`);
    }
  }
}
