// Test support for the rejected-input tables: builders for small configs and one runner that
// checks each bad input fails with the expected path, message and a line/column.
import { expect, it } from 'vitest';
import { loadConfig, type LoadOptions } from '../index.js';

export interface Rejection {
  readonly name: string;
  readonly text: string;
  readonly path: string;
  readonly message: string;
  readonly format?: LoadOptions['format'];
  readonly maxBytes?: number;
  readonly maxEntities?: number;
  readonly reservedPorts?: LoadOptions['reservedPorts'];
  /** Whether the error points at a line (false for whole-file problems like the size limit). */
  readonly located?: boolean;
}

type Entry = readonly [string, Record<string, unknown>];

/** A skrouterd file with an interior router at `$[0]`; the given entries follow from `$[1]`. */
export function interior(...entries: Entry[]): string {
  return JSON.stringify([['router', { id: 'r1', mode: 'interior' }], ...entries], null, 2);
}

/** A skrouterd file with an edge router at `$[0]`. */
export function edge(...entries: Entry[]): string {
  return JSON.stringify([['router', { id: 'r1', mode: 'edge' }], ...entries], null, 2);
}

/** A PoT config with an interior router in `metadata`. */
export function pot(sections: Record<string, unknown>): string {
  return JSON.stringify({ metadata: { id: 'r1', mode: 'interior' }, ...sections }, null, 2);
}

export const profile = (name: string): Entry => [
  'sslProfile',
  { name, caCertFile: '/c/ca.crt', certFile: '/c/tls.crt', privateKeyFile: '/c/tls.key' },
];

export interface Acceptance {
  readonly name: string;
  readonly text: string;
  /** Fragment of a warning the load must give (at `warningPath` when set); none when absent. */
  readonly warning?: string;
  readonly warningPath?: string;
  readonly reservedPorts?: LoadOptions['reservedPorts'];
}

/** One vitest case per row: the text loads, with the expected warning or none. */
export function acceptAll(rows: readonly Acceptance[]): void {
  it.each(rows.map((row) => [row.name, row] as const))('accepts %s', (_, row) => {
    const result = loadConfig(row.text, { file: 'good.json', ...(row.reservedPorts ? { reservedPorts: row.reservedPorts } : {}) });
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (row.warning === undefined) {
      expect(result.warnings).toEqual([]);
    } else {
      const match = result.warnings.find((w) => w.message.includes(row.warning ?? '') && (row.warningPath === undefined || w.path === row.warningPath));
      expect(match, JSON.stringify(result.warnings, null, 2)).toBeDefined();
    }
  });
}

/** One vitest case per row, plus a check that rows are distinct. */
export function rejectAll(rows: readonly Rejection[]): void {
  it('has distinct rows', () => {
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    const inputs = rows.map((r) => JSON.stringify([r.text, r.format, r.maxBytes, r.maxEntities, r.reservedPorts]));
    expect(new Set(inputs).size).toBe(rows.length);
  });

  it.each(rows.map((row) => [row.name, row] as const))('rejects %s', (_, row) => {
    const result = loadConfig(row.text, {
      file: 'bad.json',
      ...(row.format === undefined ? {} : { format: row.format }),
      ...(row.maxBytes === undefined ? {} : { maxBytes: row.maxBytes }),
      ...(row.maxEntities === undefined ? {} : { maxEntities: row.maxEntities }),
      ...(row.reservedPorts === undefined ? {} : { reservedPorts: row.reservedPorts }),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const match = result.errors.find((e) => e.path === row.path && e.message.includes(row.message));
    expect(match, `no error at ${row.path} with "${row.message}" in\n${JSON.stringify(result.errors, null, 2)}`).toBeDefined();
    expect(match?.file).toBe('bad.json');
    expect(match?.severity).toBe('error');
    if (row.located !== false) {
      expect(match?.line).toBeGreaterThan(0);
      expect(match?.column).toBeGreaterThan(0);
    }
    expect(result.errors.every((e) => !e.message.startsWith('internal error'))).toBe(true);
  });
}
