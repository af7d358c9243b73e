/**
 * From config text to a JSON value plus the means to say where any value sits in the text.
 */
import { scanJson, type DuplicateKey } from './json-scan.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Turns offsets into 1-based line and column (UTF-16 code units). */
export class TextLocator {
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  at(offset: number): Position {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export type JsonParse =
  | {
      readonly ok: true;
      readonly value: unknown;
      /**
       * Start offset of every value up to the scanner's index depth, keyed by `positionKey`.
       * Built on the first call (the positional scan is most of the cost of loading a valid
       * config, and only issues need it), then kept.
       */
      readonly positions: () => ReadonlyMap<string, number>;
      readonly duplicates: readonly DuplicateKey[];
    }
  | { readonly ok: false; readonly offset: number; readonly message: string; readonly cause?: unknown };

const NO_POSITIONS: ReadonlyMap<string, number> = new Map();

/**
 * Parses JSON text. `JSON.parse` builds the value; the positional scan runs only when needed:
 * for a syntax error (its offset and message), when duplicate keys are possible (see
 * {@link mayHaveDuplicateKeys}) and, lazily, when an issue asks where a value is. Should the two
 * ever disagree, the `JSON.parse` verdict wins and its message is kept.
 */
export function parseJson(text: string): JsonParse {
  let value: unknown;
  const checked = completeParse;
  completeParse = undefined;
  try {
    value = checked?.text === text ? checked.value : JSON.parse(text);
  } catch (cause) {
    const scan = scanJson(text);
    if (!scan.ok) return { ok: false, offset: scan.offset, message: scan.message, cause };
    const message = cause instanceof Error ? cause.message : String(cause);
    const offset = /position (\d+)/.exec(message)?.[1];
    return { ok: false, offset: offset === undefined ? 0 : Number(offset), message, cause };
  }
  if (mayHaveDuplicateKeys(text, value)) {
    const scan = scanJson(text);
    if (!scan.ok) return { ok: true, value, positions: () => NO_POSITIONS, duplicates: [] };
    return { ok: true, value, positions: () => scan.positions, duplicates: scan.duplicates };
  }
  let positions: ReadonlyMap<string, number> | undefined;
  return {
    ok: true,
    value,
    positions: () => {
      if (positions === undefined) {
        // Called after loadConfig has returned too (its `locate`): never throw from here.
        try {
          const scan = scanJson(text);
          positions = scan.ok ? scan.positions : NO_POSITIONS;
        } catch {
          positions = NO_POSITIONS;
        }
      }
      return positions;
    },
    duplicates: [],
  };
}

/**
 * False only when `text` (which `JSON.parse` turned into `value`) certainly has no object key
 * given twice, at any depth. Every key in the text ends with `"`, optional whitespace and `:`,
 * so the count of such places is at least the number of keys written (a string value holding an
 * escaped quote before a colon adds more); `JSON.parse` keeps one key per name, so the keys of
 * `value` number those written minus the duplicates. Equal counts thus mean no duplicate, and
 * any other count sends the caller to the exact scan. Neither count recurses.
 */
export function mayHaveDuplicateKeys(text: string, value: unknown): boolean {
  return keyEndsIn(text) !== keysIn(value);
}

/** Places where `"`, then optional JSON whitespace, then `:` occurs. */
function keyEndsIn(text: string): number {
  let count = 0;
  for (let colon = text.indexOf(':'); colon !== -1; colon = text.indexOf(':', colon + 1)) {
    let at = colon - 1;
    let c = text.charCodeAt(at);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(--at);
    if (c === 0x22) count++;
  }
  return count;
}

/** Own keys of every object in a parsed JSON value, counted without recursion. */
function keysIn(root: unknown): number {
  let count = 0;
  const pending: unknown[] = [root];
  for (let i = 0; i < pending.length; i++) {
    const value = pending[i];
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (let k = 0; k < value.length; k++) {
        const child: unknown = value[k];
        if (typeof child === 'object' && child !== null) pending.push(child);
      }
      continue;
    }
    const keys = Object.keys(value);
    count += keys.length;
    for (const key of keys) {
      const child = (value as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) pending.push(child);
    }
  }
  return count;
}

/** The parse {@link isCompleteJson} made, for the next {@link parseJson} of the same text only. */
let completeParse: { readonly text: string; readonly value: unknown } | undefined;

/**
 * Whether `text` parses as JSON (a file still being written never does: no proper prefix of a
 * JSON array or object is JSON). The file source asks this of a changed file before it triggers a
 * pass, whose loader then parses the same text: the value is kept for that one `parseJson` (the
 * loader may change what it gets, so it is never handed out twice).
 */
export function isCompleteJson(text: string): boolean {
  try {
    completeParse = { text, value: JSON.parse(text) };
    return true;
  } catch {
    completeParse = undefined;
    return false;
  }
}

/**
 * The router, reading a `.json` config, drops every line whose first non-blank character is
 * `#`. Blanking those lines instead keeps every other line and column where it was.
 */
export function blankCommentLines(text: string): string {
  if (!text.includes('#')) return text;
  return text
    .split('\n')
    .map((line) => (/^\s*#/.test(line) ? ' '.repeat(line.length) : line))
    .join('\n');
}

/** The first character that is not JSON whitespace, or undefined for blank text. */
export function firstSignificant(text: string): string | undefined {
  return /[^ \t\r\n]/.exec(text)?.[0];
}

/** Length of `text` in UTF-8 bytes, as `Buffer.byteLength` counts it (a lone surrogate is U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  return utf8Count(text, Infinity);
}

/** Size in UTF-8 bytes, counted only as far as needed to tell whether it exceeds `limit`. */
export function utf8LengthExceeds(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return utf8Count(text, limit) > limit;
}

/** UTF-8 bytes of `text`, stopping as soon as the count passes `limit`. */
function utf8Count(text: string, limit: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
