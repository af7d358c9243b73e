/**
 * One router per controller: a router left running by an earlier controller of the same boot file
 * (killed with SIGKILL, so it could not stop its router) still holds the management port, and a
 * new router then exits at boot while the new controller talks to the old one. Before starting
 * its router, the supervisor finds such leftovers and stops them (SIGTERM, SIGKILL after a bound).
 *
 * A leftover is found two ways, both checked against the process's start time (/proc/<pid>/stat
 * field 22) so that a recycled pid is never signalled:
 * - the pid file beside the boot file (`<boot>.router-pid`), written at every router start;
 * - any process of ours whose command line boots from one of our boot files (`-c FILE`), which
 *   also finds routers of controllers that wrote no pid file.
 */
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { Log } from '../log.js';
import { StartupError } from '../startup-error.js';
import { commandLine, processIds, processStartTime } from './proc.js';

export interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: string;
}

export interface PidRecord {
  readonly router: ProcessIdentity;
  readonly controller: ProcessIdentity;
  readonly bootFile: string;
}

export interface Leftover extends ProcessIdentity {
  readonly command: string;
  readonly foundBy: 'pid file' | 'command line';
}

export function pidFileOf(bootFile: string): string {
  return `${bootFile}.router-pid`;
}

export function identityOf(pid: number): ProcessIdentity | undefined {
  const startTime = processStartTime(pid);
  return startTime === undefined ? undefined : { pid, startTime };
}

function alive(p: ProcessIdentity): boolean {
  return processStartTime(p.pid) === p.startTime;
}

/** The file skrouterd boots from in `argv` (`-c FILE`, `--config FILE`, `--config=FILE`). */
export function configArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-c' || arg === '--config') return argv[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return undefined;
}

/** Records the router just started, for the next controller if this one is killed. */
export async function writePidRecord(bootFile: string, routerPid: number): Promise<void> {
  const router = identityOf(routerPid);
  const controller = identityOf(process.pid);
  if (!router || !controller) return;
  const record: PidRecord = { router, controller, bootFile };
  await writeFileAtomic(pidFileOf(bootFile), `${JSON.stringify(record)}\n`);
}

export async function removePidRecord(bootFile: string): Promise<void> {
  await rm(pidFileOf(bootFile), { force: true });
}

async function readPidRecord(bootFile: string): Promise<PidRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(pidFileOf(bootFile), 'utf8')) as Partial<PidRecord>;
    const ok = (p: unknown): p is ProcessIdentity =>
      typeof p === 'object' && p !== null && Number.isInteger((p as ProcessIdentity).pid) && typeof (p as ProcessIdentity).startTime === 'string';
    return ok(parsed.router) && ok(parsed.controller) ? { router: parsed.router, controller: parsed.controller, bootFile } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws a StartupError when another running controller's router runs from `bootFile`; else the
 * pid record (if any). Called before anything beside the boot file is touched (the management
 * channel's certificate directories too).
 */
export async function assertBootFileFree(bootFile: string): Promise<PidRecord | undefined> {
  const record = await readPidRecord(bootFile);
  if (record && alive(record.router) && record.controller.pid !== process.pid && alive(record.controller)) {
    throw new StartupError(
      `the boot file ${bootFile} is in use by another controller (pid ${record.controller.pid}, running router pid ${record.router.pid}): two controllers must not share a boot file (set ROUTER_BOOT_FILE)`,
    );
  }
  return record;
}

/**
 * Routers left by earlier controllers of `bootFiles`. Throws a StartupError when the controller
 * that started the recorded router is still running: two controllers must not share a boot file.
 */
export async function findLeftovers(bootFile: string, bootFiles: readonly string[], ignore: ReadonlySet<number>): Promise<Leftover[]> {
  const found = new Map<number, Leftover>();
  const record = await assertBootFileFree(bootFile);
  if (record && alive(record.router) && !ignore.has(record.router.pid)) {
    found.set(record.router.pid, { ...record.router, command: (commandLine(record.router.pid) ?? []).join(' '), foundBy: 'pid file' });
  }
  const ours = new Set(bootFiles.map((f) => resolve(f)));
  for (const pid of processIds()) {
    if (pid === process.pid || ignore.has(pid) || found.has(pid)) continue;
    const argv = commandLine(pid);
    const config = argv && configArgument(argv);
    if (config === undefined || !ours.has(resolve(config))) continue;
    const id = identityOf(pid);
    if (id) found.set(pid, { ...id, command: (argv ?? []).join(' '), foundBy: 'command line' });
  }
  return [...found.values()];
}

const POLL_MS = 50;

async function gone(p: ProcessIdentity, withinMs: number): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (alive(p)) {
    if (performance.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return true;
}

function signal(p: ProcessIdentity, sig: NodeJS.Signals): void {
  try {
    if (alive(p)) process.kill(p.pid, sig);
  } catch {
    // Gone meanwhile, or not ours to signal (then the port check names it).
  }
}

/** Stops each leftover: SIGTERM, SIGKILL after `graceMs`. Resolves when all are gone (or cannot be). */
export async function stopLeftovers(leftovers: readonly Leftover[], graceMs: number, log: Log): Promise<void> {
  await Promise.all(
    leftovers.map(async (p) => {
      log.warn('stopping a router left running by an earlier controller', { pid: p.pid, command: p.command, foundBy: p.foundBy });
      signal(p, 'SIGTERM');
      if (await gone(p, graceMs)) return;
      log.warn('leftover router ignored SIGTERM; killing it', { pid: p.pid, graceMs });
      signal(p, 'SIGKILL');
      if (!(await gone(p, 2_000))) log.error('leftover router still running after SIGKILL', { pid: p.pid });
    }),
  );
}
