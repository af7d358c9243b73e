// parseJson runs the positional scan only when it must: these tests hold it to exactly what the
// scan alone would have said (duplicates, positions, syntax errors), whichever path it takes.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from './index.js';
import { scanJson } from './json-scan.js';
import { isCompleteJson, mayHaveDuplicateKeys, parseJson } from './json-text.js';

const WHITESPACE = fc.constantFrom('', '', ' ', '\n', '\t', ' \r\n  ');

/** Raw key spellings (JSON string contents): repeats are likely, `\u0061` decodes to `a`. */
const KEY = fc.constantFrom('a', 'a', 'b', '\\u0061', 'a\\":', 'x\\" :', '__proto__', ':', '', 'name');

/** String leaves with quotes and colons inside, which the key count must not mistake for keys. */
const STRING = fc.constantFrom('"v"', '"\\":"', '"x\\" :"', '"\\"\\"\\n:"', '":"', '"a:b"');

/** JSON text built piece by piece, so objects can hold a key more than once. */
const jsonText = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('array'), tie('object')),
  leaf: fc.oneof(STRING, fc.constantFrom('0', '-1.5e3', 'true', 'false', 'null')),
  array: fc
    .array(fc.tuple(WHITESPACE, tie('value'), WHITESPACE), { maxLength: 4 })
    .map((items) => `[${items.map(([a, v, b]) => `${a}${String(v)}${b}`).join(',')}]`),
  object: fc
    .array(fc.tuple(WHITESPACE, KEY, WHITESPACE, tie('value')), { maxLength: 4 })
    .map((members) => `{${members.map(([a, k, b, v]) => `${a}"${k}"${b}:${b}${String(v)}${a}`).join(',')}}`),
})).value.map(String);

function scanned(text: string): { duplicates: unknown; positions: ReadonlyMap<string, number> } {
  const scan = scanJson(text);
  return scan.ok ? { duplicates: scan.duplicates, positions: scan.positions } : { duplicates: [], positions: new Map() };
}

describe('parseJson', () => {
  it('reports exactly the duplicates and positions of the full scan, whichever path it takes', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        const parsed = parseJson(text);
        if (!parsed.ok) throw new Error(`${parsed.message} in ${text}`);
        const expected = scanned(text);
        expect(parsed.value).toEqual(JSON.parse(text));
        expect(parsed.duplicates).toEqual(expected.duplicates);
        expect([...parsed.positions()]).toEqual([...expected.positions]);
        // The cheap check may send a text without duplicates to the scan, never the reverse.
        if (expected.duplicates !== undefined && (expected.duplicates as unknown[]).length > 0) {
          expect(mayHaveDuplicateKeys(text, parsed.value)).toBe(true);
        }
      }),
      { seed: 15, numRuns: 3_000 },
    );
  });

  it('finds duplicates the cheap check must catch: spelled alike, escaped alike, deep, or beside a decoy', () => {
    const cases: [string, unknown][] = [
      ['{"a": 1, "a": 2}', [{ path: ['a'], offset: 9 }]],
      ['{"a": 1, "\\u0061": 2}', [{ path: ['a'], offset: 9 }]],
      ['[[{"k": {"x": 1, "y": {}, "x": 2}}]]', [{ path: [0, 0, 'k', 'x'], offset: 26 }]],
      // A string holding `\":` counts as one more key end, a duplicate as one fewer key: both seen.
      ['{"s": "q\\": 1", "a": 1, "a": 2}', [{ path: ['a'], offset: 24 }]],
      ['{"__proto__": 1, "__proto__": 2}', [{ path: ['__proto__'], offset: 17 }]],
    ];
    for (const [text, duplicates] of cases) {
      const parsed = parseJson(text);
      expect(parsed.ok && parsed.duplicates).toEqual(duplicates);
    }
  });

  it('takes the fast path for a duplicate-free config, and builds positions only when asked', () => {
    const text = JSON.stringify([['router', { id: 'r', mode: 'interior' }], ['listener', { name: 'l', port: 5672, host: 'a:b' }]], null, 2);
    expect(mayHaveDuplicateKeys(text, JSON.parse(text))).toBe(false);
    const parsed = parseJson(text);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.duplicates).toEqual([]);
    expect(parsed.positions()).toBe(parsed.positions());
    expect(parsed.positions()).toEqual(scanned(text).positions);
  });

  it('gives the scanner’s syntax error and offset', () => {
    expect(parseJson('[1, 2,, 3]')).toMatchObject({ ok: false, offset: 6 });
    expect(parseJson('{"a": 1 "b": 2}')).toMatchObject({ ok: false, offset: 8, message: expect.stringContaining("','") as string });
  });
});

describe('loadConfig on the fast path keeps issues exactly placed', () => {
  const text = [
    '[',
    '  ["router", {"id": "r", "mode": "interior"}],',
    '  ["ssl-profile", {"name": "tls", "caCertFile": "/c/ca.pem"}],',
    '  ["listener", {"name": "l", "port": 5672, "sslProfile": "tls", "host": "h:1"}]',
    ']',
  ].join('\n');

  it('places a warning of a valid config (no duplicates, no scan before the warning)', () => {
    expect(mayHaveDuplicateKeys(text, JSON.parse(text))).toBe(false);
    const result = loadConfig(text, { file: 'f.json' });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.warnings).toEqual([
      { file: 'f.json', path: '$[1][0]', line: 3, column: 4, severity: 'warning', message: '"ssl-profile" is read as "sslProfile"; write "sslProfile"' },
    ]);
    expect(result.locate('listener', 'l', 'port')).toEqual({ path: '$[2][1].port', line: 4, column: 38 });
    expect(result.locate('listener', 'l', 'host')).toEqual({ path: '$[2][1].host', line: 4, column: 73 });
  });

  it('places an error of a duplicate-free config at its line and column', () => {
    const bad = text.replace('"port": 5672', '"port": 70000');
    const result = loadConfig(bad, { file: 'f.json' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toMatchObject([{ path: '$[2][1].port', line: 4, column: 38, severity: 'error' }]);
  });

  it('still warns about a key given twice, at the second one, with the other issues placed', () => {
    const twice = text.replace('"mode": "interior"}', '"mode": "interior", "id": "s"}');
    const result = loadConfig(twice, { file: 'f.json' });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.warnings).toMatchObject([
      { path: '$[0][1].id', line: 2, column: 46, message: '"id" is given twice in the same object; only the last one counts' },
      { path: '$[1][0]', line: 3, column: 4 },
    ]);
    expect(result.state.entities.find((e) => e.kind === 'router')?.attributes['id']).toBe('s');
  });

  it('works the same for a PoT config', () => {
    const potText = '{\n  "metadata": {"id": "r", "mode": "interior"},\n  "listeners": {"l": {"name": "l", "port": 0}}\n}';
    const result = loadConfig(potText, { file: 'p.json' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toMatchObject([{ path: '$.listeners["l"].port', line: 3, column: 44 }]);
    const twice = potText.replace('"port": 0}', '"port": 1, "port": 5672}');
    const loaded = loadConfig(twice, { file: 'p.json' });
    expect(loaded.ok && loaded.warnings).toMatchObject([{ path: '$.listeners.l.port', line: 3, column: 47 }]);
  });

  it('isCompleteJson keeps its parse for the next parseJson of the same text, once', () => {
    const text = '[["router", {"id": "r"}]]';
    expect(isCompleteJson('[["router", {"id": ')).toBe(false);
    expect(isCompleteJson(text)).toBe(true);
    const parse = vi.spyOn(JSON, 'parse');
    const first = parseJson(text);
    expect(parse).not.toHaveBeenCalled();
    const second = parseJson(text);
    expect(parse).toHaveBeenCalledTimes(1);
    parse.mockRestore();
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.value).toEqual(second.value);
    expect(first.value).not.toBe(second.value);
    // Another text in between: the kept parse is dropped, never handed to the wrong text.
    expect(isCompleteJson(text)).toBe(true);
    const other = parseJson('[["router", {"id": "s"}]]');
    expect(other.ok && other.value).toEqual([['router', { id: 's' }]]);
    const again = parseJson(text);
    expect(again.ok && again.value).toEqual([['router', { id: 'r' }]]);
  });
});
