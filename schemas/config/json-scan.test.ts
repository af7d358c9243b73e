import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { positionKey, scanJson } from './json-scan.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Valid JSON text with one character removed, replaced or inserted: mostly near misses. */
const nearlyJson = fc
  .tuple(fc.jsonValue({ maxDepth: 4 }), fc.nat(), fc.constantFrom('', ',', ']', '}', '"', ':', '\\', '\n', '0', 'e', '-', ' ', '\u0001'), fc.boolean())
  .map(([value, at, c, replace]) => {
    const text = JSON.stringify(value, null, 1);
    const i = at % (text.length + 1);
    return text.slice(0, i) + c + text.slice(replace ? i + 1 : i);
  });

describe('scanJson', () => {
  it('agrees with JSON.parse on validity', () => {
    const property = (text: string): void => {
      expect(scanJson(text).ok).toBe(parses(text));
    };
    fc.assert(fc.property(nearlyJson, property), { seed: 7, numRuns: 3_000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), property), { seed: 7, numRuns: 2_000 });
  });

  it('records where values start, with keys decoded', () => {
    const text = '{"a": [1, {"b\\u0063": true}], "d": null}';
    const scan = scanJson(text);
    if (!scan.ok) throw new Error(scan.message);
    expect(scan.positions.get(positionKey([]))).toBe(0);
    expect(scan.positions.get(positionKey(['a', 1]))).toBe(text.indexOf('{"b'));
    expect(scan.positions.get(positionKey([{ entry: 'a' }, 1, 'bc']))).toBe(text.indexOf('true'));
    expect(scan.positions.get(positionKey(['d']))).toBe(text.indexOf('null'));
  });

  it('notes keys given twice with their offset', () => {
    const scan = scanJson('[{"x": 1, "x": 2}]');
    expect(scan.ok && scan.duplicates).toEqual([{ path: [0, 'x'], offset: 10 }]);
  });

  it('reports the offset of the first error', () => {
    expect(scanJson('[1, 2,, 3]')).toMatchObject({ ok: false, offset: 6 });
    expect(scanJson('{"a": 1 "b": 2}')).toMatchObject({ ok: false, offset: 8, message: expect.stringContaining("','") as string });
  });
});
