import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../net/free-port.js';
import { configArgument, findLeftovers, identityOf, pidFileOf } from './leftover-router.js';
import { ManagementPortInUseError, assertPortFree } from './port-check.js';
import { commandLine, portHolders, processStartTime } from './proc.js';
import type { RouterSupervisor } from './supervisor.js';
import { FAKE, rig, running, until } from './test-support/rig.js';
import { startWatchdog } from './watchdog.js';

const linux = process.platform === 'linux';
const spawned: ChildProcess[] = [];
let supervisor: RouterSupervisor | undefined;
let server: Server | undefined;

afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
  for (const c of spawned.splice(0)) c.kill('SIGKILL');
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A router nobody supervises any more (as after its controller's SIGKILL). */
async function orphan(bootFile: string, mode = 'normal'): Promise<number> {
  await writeFile(bootFile, mode);
  const child = spawn(FAKE, ['-c', bootFile], { stdio: 'ignore', detached: true });
  spawned.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child.pid ?? -1;
}

describe.runIf(linux)('one router per controller', () => {
  it('/proc: start time and command line of a process', async () => {
    const argv = ['-e', 'setTimeout(() => {}, 30000)', 'a b'];
    const sleeper = spawn(process.execPath, argv, { stdio: 'ignore' });
    spawned.push(sleeper);
    await new Promise((resolve) => sleeper.once('spawn', resolve));
    expect(commandLine(sleeper.pid ?? -1)).toEqual([process.execPath, ...argv]);
    expect(Number(processStartTime(sleeper.pid ?? -1))).toBeGreaterThanOrEqual(Number(processStartTime(process.pid)));
    expect(processStartTime(2 ** 22 + 7)).toBeUndefined();
  });

  it('reads the boot file out of skrouterd\'s command line', () => {
    expect(configArgument(['skrouterd', '-c', '/a/b.json'])).toBe('/a/b.json');
    expect(configArgument(['node', 'main.js', '--config', '/x'])).toBe('/x');
    expect(configArgument(['skrouterd', '--config=/y'])).toBe('/y');
    expect(configArgument(['skrouterd'])).toBeUndefined();
  });

  it('a router left by an earlier controller of the same boot file is stopped before ours starts', async () => {
    const r = await rig('normal');
    const left = await orphan(r.bootFile);
    const other = await orphan(join(r.dir, 'other.json'));
    expect((await findLeftovers(r.bootFile, [r.bootFile], new Set())).map((l) => l.pid)).toEqual([left]);
    supervisor = r.supervisor;
    await r.supervisor.start();
    expect(running(left)).toBe(false);
    expect(running(other)).toBe(true);
    expect(r.lines.find((l) => l['msg'] === 'stopping a router left running by an earlier controller')).toMatchObject({ pid: left, foundBy: 'command line' });
    const record = JSON.parse(await readFile(pidFileOf(r.bootFile), 'utf8')) as { router: { pid: number } };
    expect(record.router.pid).toBe(r.supervisor.pid);
  });

  it('the pid file finds a leftover whatever its command line, and never a recycled pid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'leftover-'));
    const bootFile = join(dir, 'boot.json');
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    spawned.push(sleeper);
    await new Promise((resolve) => sleeper.once('spawn', resolve));
    const pid = sleeper.pid ?? -1;
    const id = identityOf(pid);
    const deadController = { pid: 2 ** 22 + 7, startTime: '1' };
    await writeFile(pidFileOf(bootFile), JSON.stringify({ router: { pid, startTime: '12345' }, controller: deadController }));
    expect(await findLeftovers(bootFile, [bootFile], new Set())).toEqual([]);
    await writeFile(pidFileOf(bootFile), JSON.stringify({ router: id, controller: deadController }));
    expect(await findLeftovers(bootFile, [bootFile], new Set())).toMatchObject([{ pid, foundBy: 'pid file' }]);
    // Its controller still running: two controllers on one boot file is refused, not fought over.
    await writeFile(pidFileOf(bootFile), JSON.stringify({ router: id, controller: identityOf(sleeper.pid ?? -1) }));
    await expect(findLeftovers(bootFile, [bootFile], new Set())).rejects.toThrow(/in use by another controller/);
  });

  it('a boot file in use by another running controller: the start is refused and its files are left alone', async () => {
    const r = await rig('normal');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    spawned.push(other);
    await new Promise((resolve) => other.once('spawn', resolve));
    const id = identityOf(other.pid ?? -1);
    const record = JSON.stringify({ router: id, controller: id });
    await writeFile(pidFileOf(r.bootFile), record);
    await writeFile(`${r.bootFile}.last-good`, 'theirs');
    await expect(r.supervisor.start()).rejects.toThrow(/in use by another controller \(pid \d+/);
    await r.supervisor.stop();
    expect(await readFile(pidFileOf(r.bootFile), 'utf8')).toBe(record);
    expect(await readFile(`${r.bootFile}.last-good`, 'utf8')).toBe('theirs');
    expect(running(other.pid ?? -1)).toBe(true);
  });

  it('the watchdog stops the router when its pipe closes (the controller ended), and spares a recycled pid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'watchdog-'));
    const a = await orphan(join(dir, 'a.json'));
    const b = await orphan(join(dir, 'b.json'));
    const aId = identityOf(a);
    const bId = identityOf(b);
    if (!aId || !bId) throw new Error('no /proc identity');
    startWatchdog(aId, 5).release();
    startWatchdog({ pid: b, startTime: `${bId.startTime}0` }, 5).release();
    await until(() => processStartTime(a) === undefined, 'the router to be stopped');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(processStartTime(b)).toBe(bId.startTime);
  });

  it('a held management port is a start-up error naming the port and its holder', async () => {
    const port = await freePort();
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    const error = await assertPortFree(port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagementPortInUseError);
    expect((error as ManagementPortInUseError).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} \\(ROUTER_MGMT_PORT\\) is already in use by pid ${process.pid} `));
    expect(portHolders(port).map((h) => h.pid)).toEqual([process.pid]);
    const r = await rig('normal', { managementPort: port });
    await expect(r.supervisor.start()).rejects.toThrow(ManagementPortInUseError);
    expect(r.supervisor.pid).toBeUndefined();
  });
});

describe('watchdog without a shell', () => {
  it('says so instead of failing the start', async () => {
    const errors: Error[] = [];
    startWatchdog({ pid: process.pid, startTime: '0' }, 1, (e) => errors.push(e), '/nonexistent/sh');
    await until(() => errors.length === 1, 'the spawn error');
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});
