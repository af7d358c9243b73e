/**
 * A listener the router cannot bind (issue 19), with the real CLI against the chosen router
 * target. skrouterd 3.5.1 answers the CREATE with 201 and only logs the failure (an AMQP listener:
 * `Listener error on HOST:PORT`; a tcpListener: `proactor listener error`, and it never tries
 * again); an AMQP listener of the boot file that cannot bind makes it exit with status 1
 * ("Shutting down, required listener failed"). Either way the controller reports the listener failed (not synced,
 * /readyz 503), keeps it out of the boot file, retries it, and reports it synced once it binds.
 * Written to pass unchanged against a real router: the port is held by a plain TCP server here.
 */
import { createServer, connect as tcpConnect, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredEntity } from '../../schemas/index.js';
import { freePort, waitFor, type ControllerProcess } from '../harness/controller-process.js';
import { recordTiming } from '../harness/timings.js';
import { T, converged, disposeAll, entities, file, names, ports, start, target } from './support/file-mode.js';

const servers: Server[] = [];
afterEach(async () => {
  await disposeAll();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});
beforeAll(() => console.info(`e2e router target: ${target.description}`));
afterAll(() => console.info(`e2e scenarios ran against: ${target.description}`));

/** A port another process listens on, and how to let it go. */
async function held(): Promise<{ port: number; release: () => Promise<void> }> {
  const port = await freePort();
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return { port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Whether an AMQP peer answers on the port: the protocol header comes back. */
function speaksAmqp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(Buffer.from('AMQP\x00\x01\x00\x00', 'latin1')));
    socket.once('data', (data) => done(data.subarray(0, 4).toString('latin1') === 'AMQP'));
  });
}

const listener = (name: string, port: number): DesiredEntity => ({
  kind: 'listener',
  name,
  attributes: { host: '127.0.0.1', port: String(port), role: 'normal', saslMechanisms: 'ANONYMOUS', authenticatePeer: false },
});

async function entity(c: ControllerProcess, name: string, kind = 'listener') {
  return (await c.status()).entities.find((x) => x.kind === kind && x.name === name);
}

describe(`a listener the router cannot bind, against the ${target.kind}`, () => {
  it('created live on a port another process holds: failed with the router\'s reason, retried, synced once the port is free', async () => {
    const { c, p } = await converged();
    const port = await held();
    await c.writeConfig(file([...entities(p), listener('late', port.port)]));
    const failed = await waitFor('the listener reported failed', async () => {
      const x = await entity(c, 'late');
      return x?.state === 'failed' ? x : undefined;
    });
    expect(failed.lastError).toContain(`the router could not bind 127.0.0.1:${port.port}: Address already in use`);
    expect((await c.get('/readyz')).status).toBe(503);
    const s = await c.status();
    expect(s.entities.filter((x) => x.name !== 'late').every((x) => x.state === 'synced')).toBe(true);
    // The router holds the entity; it just does not listen.
    expect(await names(c, 'listener')).toContain('late');
    // It is retried: a second failure is logged by the router.
    await waitFor('a retry', async () => ((await entity(c, 'late'))?.lastError?.includes('2 tries') ? true : undefined));

    const freed = performance.now();
    await port.release();
    await waitFor('the listener synced', async () => ((await entity(c, 'late'))?.state === 'synced' ? true : undefined), 30_000);
    recordTiming('port freed → listener bound and synced', target.kind, performance.now() - freed);
    expect(await speaksAmqp(port.port)).toBe(true);
    await waitFor('/readyz 200', async () => ((await c.get('/readyz')).status === 200 ? true : undefined));
  });

  it('in the first boot file on a port another process holds: the router boots again without it, then it is bound once free', async () => {
    const p = await ports();
    const port = await held();
    const text = file([...entities(p), listener('early', port.port)]);
    const started = performance.now();
    const c = await start(text);
    await waitFor('the good entities served, the listener failed', async () => {
      const s = await c.status();
      const state = (kind: string, name: string) => s.entities.find((x) => x.kind === kind && x.name === name)?.state;
      return state('tcpListener', 'web') === 'synced' && state('listener', 'edge-amqp') === 'synced' && state('listener', 'early') === 'failed' ? true : undefined;
    }, 30_000);
    recordTiming('boot listener on a held port → good entities served', target.kind, performance.now() - started);
    // The router exits within moments of binding: before or (rarely) just after it first answered management.
    const exit = c.logs.find((l) => /^router exited (during boot from the desired boot file|unexpectedly)/.test(String(l.msg)));
    expect(exit).toMatchObject({ code: 1 });
    expect(JSON.stringify(exit?.['stderr'])).toContain(`Shutting down, required listener failed 127.0.0.1:${port.port}`);
    // The next start booted the desired file again, now without the listener (not a fallback).
    expect(c.logs.filter((l) => l.msg === 'router started').map((l) => l['bootSource'])).toEqual(['desired', 'desired']);
    expect((await entity(c, 'early'))?.lastError).toContain(`the router could not bind 127.0.0.1:${port.port}`);

    await port.release();
    await waitFor('the listener synced', async () => ((await entity(c, 'early'))?.state === 'synced' ? true : undefined), 30_000);
    expect(await speaksAmqp(port.port)).toBe(true);
  });

  it('a tcpListener on a port another process holds (its address served, so the router binds it): failed, retried, synced once free', async () => {
    // The simulator binds tcpListeners only with its TCP data plane on; the real router binds one
    // as soon as a tcpConnector serves its address (here `web-backend`, address `web`).
    const { c, p } = await converged({ SIMULATOR_TCP_DATA_PLANE: '1' });
    const port = await held();
    const api: DesiredEntity = { kind: 'tcpListener', name: 'api', attributes: { host: '127.0.0.1', port: String(port.port), address: 'web' } };
    await c.writeConfig(file([...entities(p), api]));
    const failed = await waitFor('the tcpListener reported failed', async () => {
      const x = await entity(c, 'api', 'tcpListener');
      return x?.state === 'failed' ? x : undefined;
    });
    expect(failed.lastError).toContain(`the router could not bind 127.0.0.1:${port.port}: Address already in use`);
    expect((await c.get('/readyz')).status).toBe(503);
    await port.release();
    await waitFor('the tcpListener synced', async () => ((await entity(c, 'api', 'tcpListener'))?.state === 'synced' ? true : undefined), 30_000);
    const [row] = await c.management.query(T('tcpListener'), ['name', 'operStatus']).then((rows) => rows.filter((r) => r['name'] === 'api'));
    expect(row?.['operStatus']).toBe('up');
  });
});
