/**
 * The management channel as shipped (`MGMT_AUTH=mtls`, the default): the controller converges and
 * applies edits over its mutual-TLS listener, nothing else can use that listener, and no key
 * material shows in the boot file, the log, /status or /metrics. The scenario
 * watches the router through an anonymous listener of its own in the desired config, since the
 * controller's listener admits only the controller.
 */
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManagementClient } from '../../controller/management/index.js';
import { MANAGEMENT_LISTENER, MANAGEMENT_SSL_PROFILE } from '../../controller/router/management-channel.js';
import { createManagementCredentials } from '../../controller/tls/management-credentials.js';
import { writeSkrouterdConfig } from '../../schemas/config/index.js';
import type { DesiredEntity } from '../../schemas/index.js';
import { ControllerProcess, freePort, waitFor } from '../harness/controller-process.js';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { routerTarget } from '../harness/router-target.js';
import { recordTiming } from '../harness/timings.js';

const target = routerTarget();

/** How a real 3.5.1 refused each kind of client of its mutual-TLS listener. */
const MTLS_REFUSALS = (
  JSON.parse(await readFile(new URL('../reference/skrouterd-3.5.1-mtls-refusals.json', import.meta.url), 'utf8')) as {
    clients: { client: string; outcome: string; clientError?: { rhea?: string; openssl?: string } }[];
  }
).clients;
const T = (type: string) => `io.skupper.router.${type}`;

let running: ControllerProcess[] = [];
const clients: ManagementClient[] = [];
let simulator: Simulator | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(running.map((c) => c.dispose()));
  running = [];
  await simulator?.close();
  simulator = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function client(url: string, extra: Partial<ConstructorParameters<typeof ManagementClient>[0]> = {}): ManagementClient {
  const c = new ManagementClient({ url, timeoutMs: 3_000, connectTimeoutMs: 2_000, reconnectInitialDelayMs: 100, reconnectMaxDelayMs: 200, ...extra });
  clients.push(c);
  return c;
}

/** 'answered' if the client could read the router, else why its connections were refused. */
async function attempt(c: ManagementClient): Promise<string> {
  const reasons: string[] = [];
  c.on('disconnected', (e) => reasons.push(e.reason));
  try {
    await c.query(T('listener'), ['name']);
    return 'answered';
  } catch (error) {
    return reasons[0] ?? (error instanceof Error ? error.message : String(error));
  }
}

describe(`management channel (MGMT_AUTH=mtls) against the ${target.kind}`, () => {
  it('converges and applies edits over mutual TLS; anonymous, certificate-less, foreign-CA and server-certificate clients are refused as a real router refuses them', async () => {
    const [observerPort, webPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const base: DesiredEntity[] = [
      { kind: 'router', name: 'e2e-mtls', attributes: { id: 'e2e-mtls', mode: 'edge' } },
      { kind: 'listener', name: 'e2e-observer', attributes: { host: '127.0.0.1', port: String(observerPort), role: 'normal', saslMechanisms: 'ANONYMOUS', authenticatePeer: false } },
      { kind: 'tcpListener', name: 'web', attributes: { host: '127.0.0.1', port: String(webPort), address: 'web' } },
    ];
    const text = writeSkrouterdConfig({ entities: base });
    const started = performance.now();
    const c = await ControllerProcess.start({ target, config: text, env: { MGMT_AUTH: 'mtls' } });
    running.push(c);
    await c.waitConverged(c.revisionOf(text));
    recordTiming('initial state over the mTLS management channel', target.kind, performance.now() - started);

    const status = await c.status();
    expect(status.router.url).toMatch(/^amqps:\/\/127\.0\.0\.1:\d+$/);
    expect(c.logs.find((l) => l.msg === 'controller starting')?.['managementAuth']).toBe('mtls');

    // The router runs the listener the boot file asked for.
    const observer = client(`amqp://127.0.0.1:${observerPort}`);
    const [listener] = (await observer.query(T('listener'), ['name', 'host', 'sslProfile', 'requireSsl', 'authenticatePeer', 'saslMechanisms'])).filter(
      (r) => r['name'] === MANAGEMENT_LISTENER,
    );
    expect(listener).toMatchObject({ host: '127.0.0.1', sslProfile: MANAGEMENT_SSL_PROFILE, requireSsl: true, authenticatePeer: true, saslMechanisms: 'EXTERNAL' });

    // Its certificate directory beside the boot file: private, the router's key unreadable to others.
    const [certDirName] = (await readdir(c.dir)).filter((n) => n.startsWith('.boot.json.mgmt-'));
    expect(certDirName).toBeDefined();
    const certDir = join(c.dir, certDirName ?? '');
    expect((await stat(certDir)).mode & 0o077).toBe(0);
    expect((await stat(join(certDir, 'router.key'))).mode & 0o077).toBe(0);

    // Nobody else gets in: not anonymously, not over TLS without a certificate, not with a
    // certificate of another CA, not with the router's own (serverAuth-only) certificate. Each is
    // refused the way a real 3.5.1 refused it (e2e/reference/skrouterd-3.5.1-mtls-refusals.json):
    // the anonymous client in SASL (the router offers no mechanism), the others by a TLS alert.
    // Refused by the router, not merely unanswered: a wrong port or a stall would end in a timeout.
    const url = status.router.url ?? '';
    const plainUrl = url.replace('amqps://', 'amqp://');
    const other = createManagementCredentials();
    const routerCert = { cert: await readFile(join(certDir, 'router.crt')), key: await readFile(join(certDir, 'router.key')) };
    const refusals = {
      'plain-anonymous': await attempt(client(plainUrl)),
      'tls-no-certificate': await attempt(client(url, { tls: { rejectUnauthorized: false } })),
      'tls-other-ca': await attempt(
        client(url, { tls: { rejectUnauthorized: false, cert: Buffer.from(other.clientCertPem), key: Buffer.from(other.clientKeyPem) } }),
      ),
      'tls-server-certificate': await attempt(client(url, { tls: { rejectUnauthorized: false, ...routerCert } })),
    };
    for (const [who, outcome] of Object.entries(refusals)) {
      const recorded = MTLS_REFUSALS.find((r) => r.client === who);
      if (recorded?.outcome === 'sasl-refused') expect(outcome, who).toBe(`connection closed by the router: ${recorded.clientError?.rhea ?? '?'}`);
      else expect(outcome, who).toMatch(new RegExp(`^connection lost: .*${recorded?.clientError?.openssl ?? '?'}`));
    }

    // The controller itself writes through the channel: a live edit lands.
    const edited = writeSkrouterdConfig({
      entities: [...base, { kind: 'tcpListener', name: 'api', attributes: { host: '127.0.0.1', port: String(apiPort), address: 'api' } }],
    });
    const editStarted = performance.now();
    const editPass = await c.waitConverged(await c.writeConfig(edited));
    recordTiming('live edit over the mTLS management channel', target.kind, performance.now() - editStarted);
    expect((await observer.query(T('tcpListener'), ['name'])).map((r) => r['name']).sort()).toEqual(['api', 'web']);

    // A crashed router restarts on the same credentials and the controller reconnects.
    const pid = await c.routerPid();
    const crashed = performance.now();
    process.kill(pid, 'SIGKILL');
    await waitFor('a new router, reachable over mTLS, and a converged pass on it', async () => {
      const s = await c.status();
      const onNewRouter = s.router.pid !== undefined && s.router.pid !== pid && s.router.reachable;
      return onNewRouter && s.lastPass?.result === 'converged' && s.lastPass.id > editPass ? true : undefined;
    });
    recordTiming('router SIGKILL → restarted and converged over mTLS', target.kind, performance.now() - crashed);

    // The keys stay secret: no PEM, nor any line of the router's key, in the boot file, the
    // log (debug level), /status or /metrics.
    const routerKeyLines = (await readFile(join(certDir, 'router.key'), 'utf8')).split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
    const published = {
      'boot file': await readFile(c.bootFile, 'utf8'),
      log: JSON.stringify(c.logs) + c.stderr.join('\n'),
      '/status': JSON.stringify(await c.status()),
      '/metrics': await (await c.get('/metrics')).text(),
    };
    for (const [where, text] of Object.entries(published)) {
      expect(text, where).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
      expect(routerKeyLines.filter((l) => text.includes(l)), where).toEqual([]);
    }

    // A clean stop removes the certificates, and the boot file it leaves names none of them.
    expect(await c.stop()).toEqual({ code: 0, signal: null });
    await expect(stat(certDir)).rejects.toThrow(/ENOENT/);
    const left = await readFile(c.bootFile, 'utf8');
    expect(left).not.toContain(MANAGEMENT_LISTENER);
    expect(left).toContain('e2e-observer');
  });

  it('attach mode: ROUTER_URL=amqps:// with ROUTER_TLS_CA/CERT/KEY converges on a router that requires client certificates (in-process simulator)', async () => {
    const pki = createManagementCredentials();
    const router: DesiredEntity = { kind: 'router', name: 'e2e-attached', attributes: { id: 'e2e-attached', mode: 'edge' } };
    simulator = await startSimulator({
      boot: { text: writeSkrouterdConfig({ entities: [router] }) },
      latency: false,
      tls: { cert: pki.routerCertPem, key: pki.routerKeyPem, ca: pki.caCertPem, requireSsl: true, authenticatePeer: true, saslMechanisms: 'EXTERNAL' },
    });
    const dir = await mkdtemp(join(tmpdir(), 'e2e-attach-tls-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const files = { ROUTER_TLS_CA: join(dir, 'ca.pem'), ROUTER_TLS_CERT: join(dir, 'client.pem'), ROUTER_TLS_KEY: join(dir, 'client.key') };
    await writeFile(files.ROUTER_TLS_CA, pki.caCertPem);
    await writeFile(files.ROUTER_TLS_CERT, pki.clientCertPem);
    await writeFile(files.ROUTER_TLS_KEY, pki.clientKeyPem, { mode: 0o600 });

    const webPort = await freePort();
    const text = writeSkrouterdConfig({ entities: [router, { kind: 'tcpListener', name: 'web', attributes: { host: '127.0.0.1', port: String(webPort), address: 'web' } }] });
    const c = await ControllerProcess.start({ target, config: text, env: { ROUTER_URL: simulator.url, ...files } });
    running.push(c);
    await c.waitConverged(c.revisionOf(text));
    expect((await c.status()).router).toMatchObject({ url: simulator.url, reachable: true });
    expect(c.passes().reduce((n, p) => n + p.operations, 0)).toBe(1); // the tcpListener's CREATE, over TLS
    expect(c.logs.find((l) => l.msg === 'controller starting')?.['managementAuth']).toBe('attach-tls');
    // Seen from the router: the controller's certificate is the authenticated user of a TLS connection.
    const observer = client(simulator.url, { tls: { ca: Buffer.from(pki.caCertPem), cert: Buffer.from(pki.clientCertPem), key: Buffer.from(pki.clientKeyPem) } });
    expect((await observer.query(T('tcpListener'), ['name'])).map((r) => r['name'])).toEqual(['web']);
  });
});
