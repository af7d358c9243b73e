/** A supervisor over `fake-router.sh`, whose behaviour is the boot file's content. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLog } from '../../log.js';
import type { RestartCause } from '../router-health.js';
import { RouterSupervisor, type ExitInfo, type SupervisorOptions } from '../supervisor.js';

export const FAKE = join(import.meta.dirname, 'fake-router.sh');

export function until(check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (check()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > 15_000) {
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 10);
  });
}

/** Whether a process of that pid exists (a zombie counts as gone). */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return true;
}

export interface RigEvents {
  started: string[];
  crashes: { exit: ExitInfo; delay: number; cause: RestartCause }[];
  boots: number;
}

export async function rig(mode: string, extra: Partial<SupervisorOptions> & { markBooted?: boolean } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'sup-'));
  const bootFile = join(dir, 'boot.json');
  const lines: Record<string, unknown>[] = [];
  const log = createLog({ json: true, write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  const events: RigEvents = { started: [], crashes: [], boots: 0 };
  let bootMode = mode;
  const { markBooted, ...options } = extra;
  const supervisor: RouterSupervisor = new RouterSupervisor({
    binary: FAKE,
    bootFile,
    log,
    restartBaseMs: 50,
    restartMaxMs: 200,
    ...options,
    prepareBoot: async () => {
      events.boots++;
      await writeFile(bootFile, bootMode);
    },
    onStarted: (_pid, reason) => {
      events.started.push(reason);
      // As the controller does once management answers.
      if (markBooted === true) void supervisor.booted();
    },
    onCrash: (exit, delay, cause) => events.crashes.push({ exit, delay, cause }),
  });
  return { supervisor, lines, events, dir, bootFile, setMode: (m: string) => (bootMode = m) };
}
