/**
 * Scenario timings: each scenario records how long it took to converge. They are printed and
 * appended to `e2e/results/timings.jsonl` (not committed) for the closing notes; never asserted.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

export function recordTiming(scenario: string, target: string, ms: number): void {
  const line = { scenario, target, ms: Math.round(ms), at: new Date().toISOString() };
  console.info(`[timing] ${scenario}: ${line.ms} ms (${target})`);
  mkdirSync(RESULTS, { recursive: true });
  appendFileSync(`${RESULTS}timings.jsonl`, `${JSON.stringify(line)}\n`);
}
