/**
 * One router per controller (issue 14), with the real CLI against the chosen router target:
 * - the controller SIGKILLed: its router does not outlive it, and a new controller of the same
 *   boot file and management port converges;
 * - a router an earlier controller left running on the boot file and management port (as
 *   controllers without a watchdog did): the next controller stops it before starting its own,
 *   and converges, ready, on a router of its own.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSkrouterdConfig } from '../../schemas/config/index.js';
import type { DesiredEntity } from '../../schemas/index.js';
import { ControllerProcess, freePort, waitFor } from '../harness/controller-process.js';
import { routerTarget } from '../harness/router-target.js';
import { recordTiming } from '../harness/timings.js';

const target = routerTarget();
const T = (type: string) => `io.skupper.router.${type}`;

let running: ControllerProcess[] = [];
const strays: number[] = [];
afterEach(async () => {
  // The later controller first: the earlier one's directory holds the shared files.
  for (const c of running.reverse()) await c.dispose();
  running = [];
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function config(): Promise<string> {
  const entities: DesiredEntity[] = [
    { kind: 'router', name: 'router', attributes: { id: 'e2e-one-router', mode: 'edge' } },
    { kind: 'tcpListener', name: 'web', attributes: { host: '127.0.0.1', port: String(await freePort()), address: 'web' } },
  ];
  return writeSkrouterdConfig({ entities });
}

/** A second controller on the first one's config file, boot file, home and management port. */
async function successor(first: ControllerProcess, text: string): Promise<ControllerProcess> {
  const next = await ControllerProcess.start({
    target,
    config: text,
    env: {
      QDROUTERD_CONF: first.configFile,
      ROUTER_BOOT_FILE: first.bootFile,
      QDROUTERD_HOME: first.dir,
      ROUTER_MGMT_PORT: new URL(first.managementUrl).port,
    },
  });
  running.push(next);
  return next;
}

describe(`one router per controller, against the ${target.kind}`, () => {
  it('the controller SIGKILLed: its router ends with it, and a new controller converges', async () => {
    const text = await config();
    const first = await ControllerProcess.start({ target, config: text });
    running.push(first);
    await first.waitConverged(first.revisionOf(text));
    const routerPid = await first.routerPid();
    strays.push(routerPid);
    const started = performance.now();
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    await waitFor('the router to end with its controller', () => (alive(routerPid) ? undefined : true));
    recordTiming('controller SIGKILL → its router gone', target.kind, performance.now() - started);

    const next = await successor(first, text);
    await next.waitConverged(next.revisionOf(text));
    expect(await next.routerPid()).not.toBe(routerPid);
    expect((await next.get('/readyz')).status).toBe(200);
    expect(next.logs.some((l) => l.msg === 'stopping a router left running by an earlier controller')).toBe(false);
  });

  it('a router left running on the boot file and port is stopped by the next controller, which converges on its own router', async () => {
    const text = await config();
    const first = await ControllerProcess.start({ target, config: text });
    running.push(first);
    await first.waitConverged(first.revisionOf(text));
    expect(await first.stop()).toMatchObject({ code: 0 });
    // What a controller without a watchdog left after its SIGKILL: a router nobody supervises.
    const orphan = spawn(target.bin, ['-c', first.bootFile], { cwd: first.dir, env: { ...process.env, ...target.env }, stdio: 'ignore', detached: true });
    orphan.unref();
    const orphanPid = orphan.pid ?? -1;
    strays.push(orphanPid);
    await waitFor('the leftover router to answer', async () => ((await first.management.query(T('tcpListener'), ['name'])).length === 1 ? true : undefined));
    await first.management.close();

    const started = performance.now();
    const next = await successor(first, text);
    await next.waitConverged(next.revisionOf(text));
    recordTiming('leftover router stopped → new controller converged', target.kind, performance.now() - started);
    expect(alive(orphanPid)).toBe(false);
    expect(await next.routerPid()).not.toBe(orphanPid);
    expect((await next.get('/readyz')).status).toBe(200);
    expect(next.logs.find((l) => l.msg === 'stopping a router left running by an earlier controller')).toMatchObject({ pid: orphanPid, foundBy: 'command line' });
  });
});
