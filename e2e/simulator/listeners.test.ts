/**
 * Every AMQP listener of role normal (or route-container) serves management, each with its own
 * security, as skrouterd's do: the controller's mutual-TLS management listener and an anonymous
 * observer beside it; a bind that fails is logged, and ends the router when the listener is one of
 * its boot file's; CREATE and DELETE open and close listeners; a restart listens on all of them again.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../controller/net/free-port.js';
import { fill, listenerBinds } from '../reference/fixtures.js';
import { MANAGEMENT_LISTENER, anonymousListener, mtlsEntities } from '../../controller/router/management-channel.js';
import type { DesiredEntity } from '../../schemas/index.js';
import { SimulatorBootError, startSimulator, type Simulator, type SimulatorOptions } from './index.js';
import { TestClient, must } from './test-support/client.js';
import { T } from './test-support/router.js';
import { runMain } from './test-support/run-main.js';
import { tlsFixture } from './test-support/tls-fixture.js';
import { attempt } from './test-support/tls-probe.js';

type Section = readonly [string, Record<string, unknown>];

/** Its PKI's directory holds the files `mtlsEntities` names (ca.crt, router.crt, router.key). */
const fx = tlsFixture();
/** How 3.5.1 reports a failed bind (read in its sources: `e2e/reference/skrouterd-3.5.1-listener-binds.json`). */
const BINDS = listenerBinds();
const lines: string[] = [];

const section = (e: DesiredEntity): Section => [e.kind, { name: e.name, ...e.attributes }];
const observer = (port: number, name = 'e2e-observer'): Section => [
  'listener',
  { name, host: '127.0.0.1', port: String(port), role: 'normal', saslMechanisms: 'ANONYMOUS', authenticatePeer: false },
];
const ROUTER: Section = ['router', { id: 'listeners', mode: 'interior' }];

function bootFile(...sections: Section[]): string {
  const file = join(fx.pki.dir, `boot-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(sections));
  return file;
}

/** The controller's mutual-TLS management listener (any free port) and its profile. */
const mtls = (): Section[] => mtlsEntities(0, fx.pki.dir).map(section);

/** Boots `file` as `-c FILE` does (managed: serving its management listener), or in-process with `options`. */
async function start(file: string, options: SimulatorOptions = { managementListener: MANAGEMENT_LISTENER }): Promise<Simulator> {
  fx.simulator = await startSimulator({ boot: { file }, latency: false, log: (l) => lines.push(l), ...options });
  return fx.simulator;
}

async function connect(port: number): Promise<TestClient> {
  const client = await TestClient.connect(port);
  fx.onCleanup(() => client.close());
  return client;
}

async function names(client: TestClient, type: string): Promise<string[]> {
  const reply = await must(client, { operation: 'QUERY', entityType: T(type) }, { attributeNames: ['name'] });
  expect(reply.statusCode).toBe(200);
  return (reply.body as { results: [string][] }).results.map(([name]) => name).sort();
}

async function refused(port: number): Promise<boolean> {
  const outcome = await attempt(port, {});
  return !outcome.opened && outcome.error.includes('ECONNREFUSED');
}

/** Retries `check` until it returns true (binds and closes are asynchronous, as in the router). */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function occupied(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fx.onCleanup(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as { port: number }).port;
}

afterEach(() => {
  lines.length = 0;
});

describe('the listeners of the boot file', () => {
  it('each serve management with their own security; router-to-router and http listeners bind nothing', async () => {
    const [observerPort, brokerPort, meshPort, consolePort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const sim = await start(
      bootFile(
        ROUTER,
        observer(observerPort),
        ['listener', { name: 'broker', host: 'localhost', port: String(brokerPort), role: 'route-container' }],
        ['listener', { name: 'mesh', host: '127.0.0.1', port: String(meshPort), role: 'inter-router' }],
        ['listener', { name: 'console', host: '127.0.0.1', port: String(consolePort), http: true }],
        ...mtls(),
      ),
    );
    expect(sim.url).toBe(`amqps://127.0.0.1:${sim.port}`);

    // An anonymous client reads the router through the observer, and is refused on the management port.
    const anonymous = await connect(observerPort);
    expect(await names(anonymous, 'listener')).toEqual(['broker', 'console', 'e2e-observer', MANAGEMENT_LISTENER, 'mesh'].sort());
    expect(await attempt(sim.port, { username: 'anonymous' })).toMatchObject({ opened: false });
    expect(await attempt(sim.port, {})).toMatchObject({ opened: false });

    // One router behind every port: what the observer creates, the controller's client reads.
    await must(anonymous, { operation: 'CREATE', type: T('sslProfile'), name: 'seen' }, {});
    const controller = fx.mtlsClient(sim.url);
    expect((await controller.query(T('sslProfile'), ['name'])).map((r) => r['name'])).toEqual(['iofog-router-management-tls', 'seen']);
    // The observer's connection and the controller's, in one connection table.
    expect((await controller.query(T('connection'), ['sasl'])).map((r) => r['sasl'])).toEqual([null, 'EXTERNAL']);

    // route-container takes clients too (host localhost binds 127.0.0.1); inter-router and http do not.
    expect((await must(await connect(brokerPort), { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
    expect(await refused(meshPort)).toBe(true);
    expect(await refused(consolePort)).toBe(true);
    expect(lines).toEqual(expect.arrayContaining([`SERVER (info) Listening on 127.0.0.1:${observerPort}`, `SERVER (info) Listening on localhost:${brokerPort}`]));
  });

  it('a boot listener that cannot bind ends the router: its error, then a critical line, then status 1', async () => {
    const [busy, observerPort] = [await occupied(), await freePort()];
    const failed = await start(bootFile(ROUTER, ['listener', { name: 'busy', host: '127.0.0.1', port: String(busy) }], observer(observerPort), section(anonymousListener(0)))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(SimulatorBootError);
    expect((failed as SimulatorBootError).exit).toEqual({ exitCode: BINDS.amqp.bootFileListener.exitCode });
    expect(lines).toEqual(
      expect.arrayContaining([
        fill(BINDS.amqp.error, { hostPort: `127.0.0.1:${busy}`, description: fill(BINDS.description, { reason: 'Address already in use', host: '127.0.0.1', port: busy }) }),
        fill(BINDS.amqp.bootFileListener.line, { hostPort: `127.0.0.1:${busy}` }),
      ]),
    );
    // What it bound went with it.
    expect(await refused(observerPort)).toBe(true);
  });

  it('logs a listener created live that cannot bind, keeps its entity and serves on every other port', async () => {
    const [busy, observerPort] = [await occupied(), await freePort()];
    const sim = await start(bootFile(ROUTER, observer(observerPort), section(anonymousListener(0))));
    const client = await connect(sim.port);
    for (const [name, host, port] of [['busy', '127.0.0.1', String(busy)], ['elsewhere', '192.0.2.1', '5999'], ['named', '127.0.0.1', 'no-such-service']] as const) {
      expect((await must(client, { operation: 'CREATE', type: T('listener'), name }, { host, port })).statusCode).toBe(201);
    }
    await eventually('three bind errors', () => Promise.resolve(lines.filter((l) => l.startsWith('SERVER (error) Listener error')).length === 3));
    expect(lines).toEqual(
      expect.arrayContaining([
        `SERVER (error) Listener error on 127.0.0.1:${busy}: Address already in use - listen on 127.0.0.1:${busy} (proton:io)`,
        'SERVER (error) Listener error on 192.0.2.1:5999: Cannot assign requested address - listen on 192.0.2.1:5999 (proton:io)',
        'SERVER (error) Listener error on 127.0.0.1:no-such-service: Servname not supported for ai_socktype - listen on 127.0.0.1:no-such-service (proton:io)',
      ]),
    );
    expect(lines.some((l) => l.includes('Shutting down'))).toBe(false);
    expect(await names(client, 'listener')).toEqual(['busy', 'e2e-observer', 'elsewhere', MANAGEMENT_LISTENER, 'named'].sort());
    expect((await must(await connect(observerPort), { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
  });

  it('main.ts -c exits with status 1 on a boot listener that cannot bind, saying which on stderr', async () => {
    const [busy, observerPort] = [await occupied(), await freePort()];
    const run = runMain('-c', bootFile(ROUTER, ['listener', { name: 'busy', host: '127.0.0.1', port: String(busy) }], observer(observerPort), ...mtls()), '--no-latency');
    try {
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toContain(`SERVER (error) Listener error on 127.0.0.1:${busy}: Address already in use`);
      expect(run.stderr()).toContain(`SERVER (critical) Shutting down, required listener failed 127.0.0.1:${busy}`);
      expect(run.stderr()).not.toContain('start-up failed');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('are not bound in-process unless asked (serveListeners), whatever the management port', async () => {
    const observerPort = await freePort();
    const file = bootFile(ROUTER, observer(observerPort));
    await start(file, { port: 0 });
    expect(await refused(observerPort)).toBe(true);
    await fx.simulator?.close();
    const sim = await start(file, { port: 0, serveListeners: true });
    expect(sim.url).toBe(`amqp://127.0.0.1:${sim.port}`);
    expect((await must(await connect(observerPort), { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
  });
});

describe('listeners created and deleted over management', () => {
  it('CREATE starts serving (a failed bind is only logged); DELETE stops accepting and leaves open connections', async () => {
    const sim = await start(bootFile(ROUTER, section(anonymousListener(0))));
    const admin = await connect(sim.port);
    const [latePort, meshPort, busy] = [await freePort(), await freePort(), await occupied()];
    const create = (name: string, attributes: Record<string, unknown>) => must(admin, { operation: 'CREATE', type: T('listener'), name }, attributes);
    expect((await create('late', { host: '127.0.0.1', port: String(latePort), saslMechanisms: 'ANONYMOUS' })).statusCode).toBe(201);
    expect((await create('late-mesh', { host: '127.0.0.1', port: String(meshPort), role: 'inter-router' })).statusCode).toBe(201);
    expect((await create('late-busy', { host: '127.0.0.1', port: String(busy) })).statusCode).toBe(201);

    let late: TestClient | undefined;
    await eventually('the created listener', async () => (late = await connect(latePort)) !== undefined);
    expect(await names(late as TestClient, 'listener')).toEqual(['late', 'late-busy', 'late-mesh', MANAGEMENT_LISTENER].sort());
    expect(await refused(meshPort)).toBe(true);
    await eventually('the bind failure in the log', () => Promise.resolve(lines.some((l) => l.startsWith(`SERVER (error) Listener error on 127.0.0.1:${busy}: Address already in use`))));

    expect((await must(admin, { operation: 'DELETE', type: T('listener'), name: 'late' })).statusCode).toBe(204);
    await eventually('the deleted listener to refuse', () => refused(latePort));
    // skrouterd's listener delete closes the listening socket only: a connection it accepted goes on.
    expect(await names(late as TestClient, 'listener')).toEqual(['late-busy', 'late-mesh', MANAGEMENT_LISTENER].sort());
  });
});

const MISSING_CERT = '/nonexistent/router.crt';
/** What skrouterd's listener creation fails with for the profile `broken` (its certFile is missing). */
const BROKEN = `CError: Configuration: Failed to configure TLS certFile '${MISSING_CERT}' from sslProfile 'broken' (cannot read certFile '${MISSING_CERT}': ENOENT)`;
const brokenProfile = (): Section => ['sslProfile', { name: 'broken', certFile: MISSING_CERT, privateKeyFile: fx.pki.router.keyFile }];

describe('a listener whose sslProfile cannot be used', () => {
  it('is refused by CREATE with the 500 of the TLS set-up, as skrouterd refuses it, and binds nothing', async () => {
    const { pki } = fx;
    const sim = await start(
      bootFile(ROUTER, section(anonymousListener(0)), brokenProfile(), ['sslProfile', { name: 'no-ca', certFile: pki.router.certFile, privateKeyFile: pki.router.keyFile }]),
    );
    const admin = await connect(sim.port);
    const [brokenPort, externalPort, peerPort] = [await freePort(), await freePort(), await freePort()];
    const create = (name: string, attributes: Record<string, unknown>) => must(admin, { operation: 'CREATE', type: T('listener'), name }, attributes);
    const outcome = (r: { statusCode: number; statusDescription: string }) => [r.statusCode, r.statusDescription];

    expect(outcome(await create('broken-tls', { host: '127.0.0.1', port: String(brokenPort), sslProfile: 'broken' }))).toEqual([500, BROKEN]);
    // EXTERNAL makes the TLS layer verify client certificates, so the profile needs a CA...
    expect(outcome(await create('external-tls', { host: '127.0.0.1', port: String(externalPort), sslProfile: 'no-ca', saslMechanisms: 'EXTERNAL' }))).toEqual([
      500,
      'CError: Configuration: Listener requires a CA for peer authentication (sslProfile: no-ca)',
    ]);
    expect(outcome(await create('absent-tls', { host: '127.0.0.1', port: '0', sslProfile: 'absent' }))).toEqual([500, "CError: Not found: sslProfile 'absent' not found"]);
    // ...authenticatePeer alone does not (SASL then authenticates, over TLS without a client certificate).
    expect((await create('peer-tls', { host: '127.0.0.1', port: String(peerPort), sslProfile: 'no-ca', authenticatePeer: true, saslMechanisms: 'PLAIN' })).statusCode).toBe(201);
    // A listener the simulator does not serve has its files read only with checkTlsFiles (a deliberate difference).
    expect((await create('mesh-tls', { host: '127.0.0.1', port: '0', role: 'inter-router', sslProfile: 'broken' })).statusCode).toBe(201);

    expect(await names(admin, 'listener')).toEqual([MANAGEMENT_LISTENER, 'mesh-tls', 'peer-tls']);
    await eventually('the listener that was created', () => Promise.resolve(lines.includes(`SERVER (info) Listening on 127.0.0.1:${peerPort}`)));
    expect(await refused(brokenPort)).toBe(true);
    expect(await refused(externalPort)).toBe(true);
  });

  it('in the boot file is a start-up failure: startSimulator rejects, and main.ts -c exits 1', async () => {
    const file = bootFile(ROUTER, brokenProfile(), ['listener', { name: 'observer-tls', host: '127.0.0.1', port: String(await freePort()), sslProfile: 'broken' }], ...mtls());
    const failure = `Router start-up failed: Python: ${BROKEN}`;
    const error = await start(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulatorBootError);
    expect((error as Error).message).toBe(failure);
    const run = runMain('-c', file, '--no-latency');
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(failure);
  });
});

describe('a restarted router', () => {
  it('listens again on every listener of its boot file, and only on those', async () => {
    const observerPort = await freePort();
    const sim = await start(bootFile(ROUTER, observer(observerPort), ...mtls()));
    const url = sim.url;
    const before = await connect(observerPort);
    const latePort = await freePort();
    await must(before, { operation: 'CREATE', type: T('listener'), name: 'late' }, { host: '127.0.0.1', port: String(latePort) });
    await eventually('the created listener', async () => (await attempt(latePort, {})).opened);

    await sim.faults.crash();
    await before.whenDisconnected();
    expect(sim.url).toBe(url);
    expect(await names(await connect(observerPort), 'listener')).toEqual(['e2e-observer', MANAGEMENT_LISTENER]);
    expect((await fx.mtlsClient(sim.url).query(T('listener'), ['name'])).length).toBe(2);
    expect(await refused(latePort)).toBe(true);

    // Down for a while: no port answers, then all of them again.
    const crashed = sim.faults.crash({ downMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await refused(observerPort)).toBe(true);
    expect(await refused(sim.port)).toBe(true);
    await crashed;
    expect((await must(await connect(observerPort), { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
    expect((await fx.mtlsClient(sim.url).query(T('listener'), ['name'])).length).toBe(2);
  });
});
