/**
 * Figures for the closing note: every input tried and every fault survived is counted here; the
 * suite prints the counts, and appends them as JSON lines to `HARDENING_REPORT` when it is set.
 */
import { appendFileSync } from 'node:fs';
import { afterAll } from 'vitest';

const counts = new Map<string, number>();
const report = process.env['HARDENING_REPORT'];

/** One input tried or one fault survived, with what the controller said about it. */
export function tally(suite: 'hostile' | 'faults' | 'fuzz', area: string, id: string, detail: string | number): void {
  const key = `${suite}/${area}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  if (report) appendFileSync(report, `${JSON.stringify({ suite, area, id, detail })}\n`);
}

afterAll(() => {
  if (counts.size === 0) return;
  const lines = [...counts].map(([key, n]) => `${key}: ${n}`);
  console.info(`hardening figures: ${lines.join(', ')}`);
});
