/** Small helpers for tests against the fake Edgelet. */
import { createLog, type Log } from '../../controller/log.js';

/** Polls `condition` until it holds; fails with `what` after a generous limit (never a timing assertion). */
export async function waitFor(what: string, condition: () => boolean, limitMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A log that keeps its JSON lines, so tests can check what was (and was not) written. */
export function memoryLog(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  return { log: createLog({ level: 'debug', json: true, write: (line) => lines.push(line) }), lines };
}
