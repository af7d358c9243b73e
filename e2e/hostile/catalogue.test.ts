/** The catalogue's own promises: size, distinct ids, and every kind of input the issue names. */
import { describe, expect, it } from 'vitest';
import { CATALOGUE, REQUIRED } from './catalogue.js';

describe('the hostile-input catalogue', () => {
  it('has at least 80 entries with distinct ids, across every area', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(80);
    expect(new Set(CATALOGUE.map((e) => e.id)).size).toBe(CATALOGUE.length);
    const areas = new Map<string, number>();
    for (const e of CATALOGUE) areas.set(e.area, (areas.get(e.area) ?? 0) + 1);
    expect([...areas.keys()].sort()).toEqual(['cli', 'edgelet', 'file', 'pot', 'settings', 'skrouterd', 'ssl-profiles']);
    console.info(`hostile catalogue: ${CATALOGUE.length} entries (${[...areas].map(([a, n]) => `${a} ${n}`).join(', ')})`);
  });

  it.each(Object.entries(REQUIRED))('covers %s', (_kind, ids) => {
    const known = new Set(CATALOGUE.map((e) => e.id));
    for (const id of ids) expect(known.has(id), id).toBe(true);
  });

  it('names an expected error for every entry', () => {
    for (const e of CATALOGUE) expect(e.expect.length, e.id).toBeGreaterThan(0);
  });
});
