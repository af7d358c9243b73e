/**
 * The router process (issues 14 and 19), with the real CLI against the chosen router target:
 * - the boot file only ever holds a bootable state: an entity the router refused live is left
 *   out of it, so after a router SIGKILL the router boots again and every good entity is served
 *   within seconds;
 * - the management port held by something else is a clear start-up error naming it and its
 *   holder, not a TLS error.
 * Written to pass unchanged against a real skrouterd 3.5.1: the refused value (a listener whose
 * sslProfile has only a CA) is one the real router answers a CREATE of with a 500 and exits at boot on.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createManagementCredentials } from '../../controller/tls/management-credentials.js';
import { writeSkrouterdConfig } from '../../schemas/config/index.js';
import type { DesiredEntity } from '../../schemas/index.js';
import { ControllerProcess, freePort, waitFor } from '../harness/controller-process.js';
import { routerTarget } from '../harness/router-target.js';
import { recordTiming } from '../harness/timings.js';

const target = routerTarget();
const T = (type: string) => `io.skupper.router.${type}`;
const CLI = fileURLToPath(new URL('../../dist/controller/cli/main.js', import.meta.url));

let running: ControllerProcess[] = [];
let server: Server | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await Promise.all(running.map((c) => c.dispose()));
  running = [];
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});
beforeAll(() => console.info(`e2e router target: ${target.description}`));
afterAll(() => console.info(`e2e scenarios ran against: ${target.description}`));

const e = (kind: DesiredEntity['kind'], name: string, attributes: DesiredEntity['attributes']): DesiredEntity => ({ kind, name, attributes });

async function good(): Promise<DesiredEntity[]> {
  return [
    e('router', 'router', { id: 'e2e-process', mode: 'edge' }),
    e('tcpListener', 'web', { host: '127.0.0.1', port: String(await freePort()), address: 'web' }),
    e('tcpConnector', 'web-backend', { host: '127.0.0.1', port: String(await freePort()), address: 'web' }),
  ];
}

async function names(c: ControllerProcess, type: string): Promise<string[]> {
  return (await c.management.query(T(type), ['name'])).map((r) => String(r['name'])).sort();
}

describe(`the router process against the ${target.kind}`, () => {
  it('an entity the router refused stays out of the boot file: after a router SIGKILL every good entity is served again', async () => {
    const base = await good();
    const first = writeSkrouterdConfig({ entities: base });
    const c = await ControllerProcess.start({ target, config: first });
    running.push(c);
    await c.waitConverged(c.revisionOf(first));
    // A CA alone: a listener using it is refused live (500) and would stop the router at boot.
    const caFile = join(c.dir, 'ca-only.crt');
    await writeFile(caFile, createManagementCredentials().caCertPem);
    const refusedListener = e('listener', 'amqps', { host: '127.0.0.1', port: String(await freePort()), role: 'normal', sslProfile: 'ca-only' });
    const added = e('tcpListener', 'api', { host: '127.0.0.1', port: String(await freePort()), address: 'api' });
    await c.writeConfig(writeSkrouterdConfig({ entities: [...base, e('sslProfile', 'ca-only', { caCertFile: caFile }), refusedListener, added] }));
    const refused = await waitFor('the listener refused and the rest applied', async () => {
      const s = await c.status();
      const listener = s.entities.find((x) => x.kind === 'listener' && x.name === 'amqps');
      const api = s.entities.find((x) => x.kind === 'tcpListener' && x.name === 'api');
      return listener?.state === 'failed' && api?.state === 'synced' ? listener : undefined;
    });
    expect(refused.lastError).toMatch(/self-identifying certificate/);
    await waitFor('the boot file rewritten without it', async () => ((await readFile(c.bootFile, 'utf8')).includes('"amqps"') ? undefined : true));
    const boot = await readFile(c.bootFile, 'utf8');
    expect(boot).toContain('"api"');
    expect(boot).toContain('"ca-only"');

    const pid = await c.routerPid();
    const started = performance.now();
    process.kill(pid, 'SIGKILL');
    await waitFor('a new router that answers', async () => {
      const s = await c.status();
      return s.router.pid !== undefined && s.router.pid !== pid && s.router.reachable ? true : undefined;
    });
    await waitFor('the good entities served again', async () => {
      const [tcp, connectors] = [await names(c, 'tcpListener'), await names(c, 'tcpConnector')];
      return tcp.join() === 'api,web' && connectors.join() === 'web-backend' ? true : undefined;
    });
    recordTiming('refused entity + router SIGKILL → good entities served again', target.kind, performance.now() - started);
    expect(await names(c, 'listener')).not.toContain('amqps');
    // The router booted from the desired file (without the refused listener), not a fallback.
    expect(c.logs.filter((l) => l.msg === 'router started').at(-1)).toMatchObject({ bootSource: 'desired', reason: 'crash' });
    expect(c.logs.some((l) => String(l.msg).startsWith('router exited during boot'))).toBe(false);
    // Still refused, and still reported, by the new router.
    await waitFor('the listener reported as refused again', async () => {
      const s = await c.status();
      return s.entities.find((x) => x.kind === 'listener' && x.name === 'amqps')?.state === 'failed' ? true : undefined;
    });
  });

  it('a first boot file the router cannot boot: restarted from a minimal one, the good entities applied live, the router\'s words reported', async () => {
    const certs = await mkdtemp(join(tmpdir(), 'iofog-router-e2e-ca-'));
    cleanups.push(() => rm(certs, { recursive: true, force: true }));
    const caFile = join(certs, 'ca-only.crt');
    await writeFile(caFile, createManagementCredentials().caCertPem);
    const base = await good();
    const bad = e('listener', 'amqps', { host: '127.0.0.1', port: String(await freePort()), role: 'normal', sslProfile: 'ca-only' });
    const text = writeSkrouterdConfig({ entities: [...base, e('sslProfile', 'ca-only', { caCertFile: caFile }), bad] });
    const started = performance.now();
    const c = await ControllerProcess.start({ target, config: text, env: { SKROUTERD_CONTAINER_MOUNTS: certs } });
    running.push(c);
    await waitFor('the good entities served, the listener refused', async () => {
      const s = await c.status();
      const state = (kind: string, name: string) => s.entities.find((x) => x.kind === kind && x.name === name)?.state;
      return state('tcpListener', 'web') === 'synced' && state('tcpConnector', 'web-backend') === 'synced' && state('listener', 'amqps') === 'failed' ? true : undefined;
    }, 30_000);
    recordTiming('unbootable first boot file → good entities served', target.kind, performance.now() - started);
    expect(await names(c, 'tcpListener')).toEqual(['web']);
    const failure = c.logs.find((l) => String(l.msg).startsWith('router exited during boot from the desired boot file'));
    expect(failure).toMatchObject({ code: 1, restartInMs: 0 });
    expect(JSON.stringify(failure?.['stderr'])).toMatch(/self-identifying certificate/);
    expect(c.logs.filter((l) => l.msg === 'router started').map((l) => l['bootSource'])).toEqual(['desired', 'minimal']);
    // The boot file now leaves the refused listener out: the next start boots it.
    await waitFor('the boot file rewritten without it', async () => ((await readFile(c.bootFile, 'utf8')).includes('"amqps"') ? undefined : true));
  });

  it('router.id flipped by 20 rewrites in about 2 s: one controlled restart once the input is still, not one per rewrite', async () => {
    const base = await good();
    const withId = (id: string) => writeSkrouterdConfig({ entities: base.map((x) => (x.kind === 'router' ? e('router', 'router', { id, mode: 'edge' }) : x)) });
    const first = withId('e2e-process');
    const c = await ControllerProcess.start({ target, config: first, env: { ROUTER_RESTART_POLICY: 'auto' } });
    running.push(c);
    await c.waitConverged(c.revisionOf(first));
    const pid = await c.routerPid();
    const started = performance.now();
    let last = '';
    for (let i = 1; i <= 20; i++) {
      last = await c.writeConfig(withId(i % 2 === 0 ? `e2e-flip-${i}` : 'e2e-process'));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitFor('the router restarted with the last id', async () => {
      const rows = await c.management.query(T('router'), ['id']);
      return rows[0]?.['id'] === 'e2e-flip-20' ? true : undefined;
    }, 30_000);
    await c.waitConverged(last);
    recordTiming('20 router.id rewrites → restarted once with the last id', target.kind, performance.now() - started);
    const restarts = c.logs.filter((l) => l.msg === 'router started' && String(l['reason']).startsWith('restart-only change'));
    // Without the rate limit every rewrite that changes the id is a restart (10 here); with it, one
    // (a few at most if this machine stalls for a whole quiet window between two writes).
    expect(restarts.length).toBeGreaterThanOrEqual(1);
    expect(restarts.length).toBeLessThanOrEqual(3);
    expect((await c.status()).router.pid).not.toBe(pid);
  });

  it('the management port held by another process: a start-up error naming the port and the holder', async () => {
    const port = await freePort();
    // A plain TCP service on the port: it accepts and says nothing (the controller's client may dial it before the check).
    const sockets: Socket[] = [];
    const holder = createServer((socket) => sockets.push(socket));
    server = holder;
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    const probe = await ControllerProcess.start({ target, config: writeSkrouterdConfig({ entities: await good() }) });
    running.push(probe);
    const child = spawn(process.execPath, [CLI, 'run'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        SKUPPER_PLATFORM: 'kubernetes',
        QDROUTERD_CONF: probe.configFile,
        ROUTER_BOOT_FILE: join(probe.dir, 'other-boot.json'),
        QDROUTERD_HOME: probe.dir,
        ROUTER_MGMT_PORT: String(port),
        HTTP_PORT: '0',
        SKROUTERD_BIN: target.bin,
        ...target.env,
      },
    });
    const stderr: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    expect(code, stderr.join("\n")).toBe(69);
    expect(stderr.join('\n')).toMatch(new RegExp(`management port 127\\.0\\.0\\.1:${port} \\(ROUTER_MGMT_PORT\\) is already in use by pid ${process.pid} `));
    expect(stderr.join('\n')).not.toMatch(/certificate|TLS/i);
    for (const socket of sockets) socket.destroy();
  });
});
