/**
 * Serving management as the boot file's management listener says, sslProfile included, both
 * in-process (`managementListener`) and through skrouterd's command line (`main.ts -c FILE`),
 * and refusing to start, as skrouterd does, when the profile's files cannot be used.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManagementClient } from '../../controller/management/client.js';
import { MANAGEMENT_LISTENER, MANAGEMENT_SSL_PROFILE } from '../../controller/router/management-channel.js';
import { SimulatorBootError, startSimulator, type Simulator } from './index.js';
import { TestClient, must } from './test-support/client.js';
import { runMain } from './test-support/run-main.js';
import { T } from './test-support/router.js';
import { tlsFixture } from './test-support/tls-fixture.js';
import { attempt } from './test-support/tls-probe.js';

const NAME = MANAGEMENT_LISTENER;
/** Not NAME: skrouterd keeps one name namespace across types, so a profile named like its listener fails the boot. */
const PROFILE = MANAGEMENT_SSL_PROFILE;

const fx = tlsFixture();

/** The boot file the controller writes for a mutual-TLS management listener (port 0: any free port). */
function bootFile(profile: Record<string, unknown> = {}, listener: Record<string, unknown> = {}): string {
  const { pki } = fx;
  const file = join(pki.dir, `boot-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify([
    ['router', { id: 'tls-router', mode: 'interior' }],
    ['sslProfile', { name: PROFILE, caCertFile: pki.caFile, certFile: pki.router.certFile, privateKeyFile: pki.router.keyFile, ...profile }],
    ['listener', { name: NAME, host: '127.0.0.1', port: '0', role: 'normal', sslProfile: PROFILE, requireSsl: true, authenticatePeer: true, saslMechanisms: 'EXTERNAL', ...listener }],
  ]));
  return file;
}

/** Boots `file` serving its management listener, as `-c FILE` does; the fixture closes it. */
async function boot(file: string): Promise<Simulator> {
  fx.simulator = await startSimulator({ boot: { file }, managementListener: NAME, latency: false });
  return fx.simulator;
}

async function bootFailure(file: string): Promise<string> {
  const error: unknown = await startSimulator({ boot: { file }, managementListener: NAME, latency: false }).then(
    async (sim) => {
      await sim.close();
      throw new Error('the simulator booted');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SimulatorBootError);
  return (error as Error).message;
}

describe('the boot file management listener with an sslProfile', () => {
  it('is served with mutual TLS and SASL EXTERNAL on the listener port', async () => {
    const simulator = await boot(bootFile());
    expect(simulator.url).toBe(`amqps://127.0.0.1:${simulator.port}`);
    const client = fx.mtlsClient(simulator.url);
    expect(await client.query(T('listener'), ['name', 'sslProfile', 'requireSsl', 'authenticatePeer'])).toEqual([
      { name: NAME, sslProfile: PROFILE, requireSsl: true, authenticatePeer: true },
    ]);
    expect(await attempt(simulator.port, { username: 'anonymous' })).toMatchObject({ opened: false });
  });

  it('takes the router spelling of the booleans, and with requireSsl no also serves plain AMQP', async () => {
    const file = bootFile({}, { requireSsl: 'no', authenticatePeer: 'no', saslMechanisms: 'EXTERNAL ANONYMOUS' });
    const simulator = await boot(file);
    expect(simulator.url).toMatch(/^amqps:/);
    const plain = await TestClient.connect(simulator.port, { sasl: true });
    fx.onCleanup(() => plain.close());
    expect((await must(plain, { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
    expect(await fx.mtlsClient(simulator.url).query(T('connection'), ['sasl'])).toHaveLength(2);
  });

  it("names the user by the profile's uidFormat: fields of the subject and a fingerprint", async () => {
    const simulator = await boot(bootFile({ uidFormat: 'n2' }));
    const sha256 = new X509Certificate(fx.pki.client.cert).fingerprint256.replaceAll(':', '').toLowerCase();
    expect(await fx.mtlsClient(simulator.url).query(T('connection'), ['user'])).toEqual([{ user: `${fx.pki.clientUser.slice(3)};${sha256}` }]);
  });

  it('stays plain AMQP for a listener without an sslProfile', async () => {
    const file = join(fx.pki.dir, 'plain.json');
    writeFileSync(file, JSON.stringify([['listener', { name: NAME, host: '127.0.0.1', port: '0', authenticatePeer: true, saslMechanisms: 'EXTERNAL' }]]));
    const simulator = await boot(file);
    expect(simulator.url).toBe(`amqp://127.0.0.1:${simulator.port}`);
    const client = await TestClient.connect(simulator.port);
    fx.onCleanup(() => client.close());
    expect((await must(client, { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
  });

  it('refuses to start when a profile file cannot be used, naming the field and the file', async () => {
    const missing = join(fx.pki.dir, 'absent.key');
    expect(await bootFailure(bootFile({ privateKeyFile: missing }))).toBe(
      `Router start-up failed: Python: CError: Configuration: Failed to configure TLS certFile '${fx.pki.router.certFile}' from sslProfile '${PROFILE}' (cannot read privateKeyFile '${missing}': ENOENT)`,
    );
    expect(await bootFailure(bootFile({ caCertFile: '/nonexistent/ca.crt' }))).toBe(
      `Router start-up failed: Python: CError: Configuration: Failed to configure TLS caCertFile '/nonexistent/ca.crt' from sslProfile '${PROFILE}' (cannot read caCertFile '/nonexistent/ca.crt': ENOENT)`,
    );
    expect(await bootFailure(bootFile({ certFile: fx.pki.caFile }))).toMatch(
      new RegExp(`^Router start-up failed: Python: CError: Configuration: Failed to configure TLS certFile '${fx.pki.caFile}' from sslProfile '${PROFILE}' \\(certFile and privateKeyFile: .+\\)$`),
    );
    expect(await bootFailure(bootFile({ caCertFile: undefined }))).toBe(
      `Router start-up failed: Python: CError: Configuration: Listener requires a CA for peer authentication (sslProfile: ${PROFILE})`,
    );
    expect(await bootFailure(bootFile({}, { sslProfile: 'absent' }))).toBe("Router start-up failed: Python: CError: Not found: sslProfile 'absent' not found");
    // The profile may not share its listener's name: one name namespace across types.
    expect(await bootFailure(bootFile({ name: NAME }, { sslProfile: NAME }))).toMatch(
      /^Router start-up failed: Python: Exception: Cannot load configuration file .*: adding \{'type': 'io\.skupper\.router\.listener', 'name': 'iofog-router-management', .*\} duplicates unique attribute 'name' from existing \{'type': 'io\.skupper\.router\.sslProfile'/,
    );
  });

  it('reads the files again at a restart, stays down while they are gone, and serves once they are back', async () => {
    const key = join(fx.pki.dir, 'rotating.key');
    writeFileSync(key, fx.pki.router.key);
    const simulator = await boot(bootFile({ privateKeyFile: key }));
    rmSync(key);
    await expect(simulator.faults.crash()).rejects.toThrow(`cannot read privateKeyFile '${key}': ENOENT`);
    expect(await attempt(simulator.port, { transport: 'tls', ca: fx.pki.ca, servername: 'localhost' })).toMatchObject({ opened: false });
    writeFileSync(key, fx.pki.router.key);
    await simulator.faults.crash();
    expect(await fx.mtlsClient(simulator.url).query(T('connection'), ['sasl'])).toEqual([{ sasl: 'EXTERNAL' }]);
  });

  it('listens again as the restarted boot file says: secured, then plain, then secured again', async () => {
    const file = bootFile();
    const { pki } = fx;
    const secured = readFileSync(file, 'utf8');
    const simulator = await boot(file);
    const port = simulator.port;
    writeFileSync(file, JSON.stringify([['listener', { name: NAME, host: '127.0.0.1', port: '0', saslMechanisms: 'ANONYMOUS' }]]));
    await simulator.faults.crash();
    expect(simulator.url).toBe(`amqp://127.0.0.1:${port}`);
    const plain = await TestClient.connect(port);
    fx.onCleanup(() => plain.close());
    expect((await must(plain, { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
    writeFileSync(file, secured);
    await simulator.faults.crash();
    expect(simulator.url).toBe(`amqps://127.0.0.1:${port}`);
    expect(await attempt(port, { username: 'anonymous' })).toMatchObject({ opened: false });
    expect(await fx.mtlsClient(simulator.url).query(T('connection'), ['user'])).toEqual([{ user: pki.clientUser }]);
  });
});

describe('main.ts -c BOOT_FILE with the TLS management listener', () => {
  it('prints an amqps URL and serves mutual TLS until SIGTERM', async () => {
    const run = runMain('-c', bootFile(), '--no-latency');
    try {
      const url = await run.firstLine;
      expect(url).toMatch(/^amqps:\/\/127\.0\.0\.1:\d+$/);
      const client = new ManagementClient({ url, tls: { ca: fx.pki.ca, cert: fx.pki.client.cert, key: fx.pki.client.key, servername: 'localhost' }, timeoutMs: 10_000 });
      try {
        expect(await client.query(T('connection'), ['sasl', 'user'])).toEqual([{ sasl: 'EXTERNAL', user: fx.pki.clientUser }]);
      } finally {
        await client.close();
      }
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('exits 1 with the start-up failure when a profile file is missing', async () => {
    const run = runMain('-c', bootFile({ certFile: '/nonexistent/router.crt' }), '--no-latency');
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(`Failed to configure TLS certFile '/nonexistent/router.crt' from sslProfile '${PROFILE}' (cannot read certFile '/nonexistent/router.crt': ENOENT)`);
  });
});
