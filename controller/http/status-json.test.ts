import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatusJson } from './status-json.js';

describe('StatusJson', () => {
  it('writes what JSON.stringify writes, for any JSON value and the values JSON.stringify leaves out', () => {
    const json = new StatusJson();
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(json.text(value)).toBe(JSON.stringify(value));
      }),
    );
    const big = Array.from({ length: 40 }, (_, i) => ({ kind: 'listener', name: `l${i}`, state: 'synced', lastError: undefined }));
    const doc = { a: undefined, f: () => 1, at: new Date(0), big, nested: { big, n: null, s: 'x"\n' } };
    expect(json.text(doc)).toBe(JSON.stringify(doc));
  });

  it('serialises a large array once, and a new array anew', () => {
    const json = new StatusJson();
    const entities = Array.from({ length: 100 }, (_, i) => ({ name: `e${i}`, state: 'synced' }));
    let reads = 0;
    const counted = entities.map((e) => ({ ...e, toJSON: () => (reads++, e) }));
    json.text({ entities: counted });
    json.text({ entities: counted, other: 1 });
    expect(reads).toBe(100);
    const replaced = counted.map((e, i) => (i === 0 ? { name: 'e0', state: 'failed' } : e));
    expect(JSON.parse(json.text({ entities: replaced })).entities[0]).toEqual({ name: 'e0', state: 'failed' });
    expect(reads).toBe(199);
  });

  it('does not keep texts over 256 KiB: a huge array is serialised on every request', () => {
    const json = new StatusJson();
    let reads = 0;
    const huge = Array.from({ length: 40 }, (_, i) => ({ toJSON: () => (reads++, 'x'.repeat(8_000) + String(i)) }));
    json.text({ huge });
    json.text({ huge });
    expect(reads).toBe(80);
  });
});
