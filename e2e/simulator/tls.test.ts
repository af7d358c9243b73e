/**
 * A management port secured like the controller's listener (sslProfile, requireSsl,
 * authenticatePeer, saslMechanisms EXTERNAL): mutual TLS works with the product's management
 * client, and everything else is turned away the way skrouterd turns it away.
 */
import { describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorTlsOptions } from './index.js';
import { TestClient, must } from './test-support/client.js';
import { T } from './test-support/router.js';
import { tlsFixture } from './test-support/tls-fixture.js';
import { AMQP_HEADER, SASL_HEADER, attempt, exchange, saslInit, saslOutcome } from './test-support/tls-probe.js';

const fx = tlsFixture();

async function start(tls: Partial<SimulatorTlsOptions> = {}): Promise<Simulator> {
  const { pki } = fx;
  const simulator = await startSimulator({ latency: false, tls: { cert: pki.router.cert, key: pki.router.key, ca: pki.ca, ...tls } });
  fx.simulator = simulator;
  return simulator;
}

const mtlsClient = (sim: Simulator) => fx.mtlsClient(sim.url, { reconnectInitialDelayMs: 20 });
const withTls = (extra: Record<string, unknown> = {}) => ({ transport: 'tls', ca: fx.pki.ca, servername: 'localhost', ...extra });
const withClientCert = () => ({ ca: fx.pki.ca, cert: fx.pki.client.cert, key: fx.pki.client.key });

describe('a management port secured with mutual TLS and SASL EXTERNAL', () => {
  it('serves a client certificate from its CA, authenticated as the certificate subject', async () => {
    const sim = await start();
    expect(sim.url).toBe(`amqps://127.0.0.1:${sim.port}`);
    const client = mtlsClient(sim);
    expect(await client.query(T('listener'), ['name'])).toEqual([]);
    const [connection] = await client.query(T('connection'), ['isEncrypted', 'ssl', 'sslProto', 'sasl', 'user', 'isAuthenticated', 'tlsOrdinal']);
    expect(connection).toMatchObject({ isEncrypted: true, ssl: true, sasl: 'EXTERNAL', user: fx.pki.clientUser, isAuthenticated: true, tlsOrdinal: 0 });
    expect(connection?.['sslProto']).toMatch(/^TLSv1\.[23]$/);
  });

  it('fails the TLS handshake of a client without a certificate', async () => {
    const sim = await start();
    const result = await attempt(sim.port, withTls({ username: 'anonymous' }));
    expect(result).toMatchObject({ opened: false, error: expect.stringMatching(/alert certificate required|handshake failure/) });
  });

  it('ends the handshake of a client whose certificate another CA signed with the alert unknown ca, before any AMQP', async () => {
    const sim = await start();
    const result = await attempt(sim.port, withTls({ cert: fx.pki.stranger.cert, key: fx.pki.stranger.key, enable_sasl_external: true }));
    expect(result).toMatchObject({ opened: false, error: expect.stringContaining('alert unknown ca') });
  });

  it('refuses a plain AMQP client: an empty SASL mechanism list, or the end of a connection that skips SASL', async () => {
    const sim = await start();
    expect(await attempt(sim.port, { username: 'anonymous' })).toEqual({ opened: false, error: 'No suitable mechanism; server supports ' });
    expect(await attempt(sim.port, {})).toMatchObject({ opened: false });
  });

  it('answers SASL ANONYMOUS on an EXTERNAL-only listener with outcome auth, then closes', async () => {
    const sim = await start();
    const reply = await exchange(sim.port, withClientCert(), saslInit('ANONYMOUS'));
    expect(reply.subarray(0, 8)).toEqual(SASL_HEADER);
    expect(reply.includes('EXTERNAL')).toBe(true);
    expect(reply.includes('ANONYMOUS')).toBe(false);
    expect(saslOutcome(reply)).toBe(1);
    // The product's client, had it been told to use ANONYMOUS, gives up on the mechanism list.
    expect(await attempt(sim.port, withTls({ cert: fx.pki.client.cert, key: fx.pki.client.key, username: 'anonymous' }))).toMatchObject({ opened: false });
  });

  it('closes on a client that skips SASL although peers must authenticate', async () => {
    const sim = await start();
    const reply = await exchange(sim.port, withClientCert(), AMQP_HEADER);
    expect(reply.includes(Buffer.from([0x00, 0x53, 0x10]))).toBe(false); // no AMQP open
    expect(await mtlsClient(sim).query(T('connection'), ['sasl'])).toEqual([{ sasl: 'EXTERNAL' }]);
  });

  it('with requireSsl false serves TLS and plain AMQP on the same port', async () => {
    const sim = await start({ requireSsl: false, authenticatePeer: false, saslMechanisms: 'ANONYMOUS EXTERNAL' });
    const plain = await TestClient.connect(sim.port, { sasl: true });
    fx.onCleanup(() => plain.close());
    expect((await must(plain, { operation: 'GET-ANNOTATIONS' })).statusCode).toBe(200);
    const secure = mtlsClient(sim);
    const rows = await secure.query(T('connection'), ['isEncrypted', 'sasl', 'user']);
    expect(rows).toEqual(
      expect.arrayContaining([
        { isEncrypted: false, sasl: 'ANONYMOUS', user: 'anonymous' },
        { isEncrypted: true, sasl: 'EXTERNAL', user: fx.pki.clientUser },
      ]),
    );
  });

  it('serves TLS again after a router restart', async () => {
    const sim = await start();
    const client = mtlsClient(sim);
    await client.query(T('listener'));
    for (const downMs of [0, 50]) {
      const restarted = new Promise<void>((resolve) => {
        const off = client.on('routerRestarted', () => {
          off();
          resolve();
        });
      });
      await sim.faults.crash({ downMs });
      await restarted;
      expect(await client.query(T('connection'), ['sasl'])).toEqual([{ sasl: 'EXTERNAL' }]);
    }
  });

  it('refuses unusable tls options, naming the option', async () => {
    await expect(startSimulator({ tls: { cert: fx.pki.router.cert, key: fx.pki.router.key } })).rejects.toThrow(
      'startSimulator: unusable tls option: Configuration: Listener requires a CA for peer authentication (sslProfile: tls)',
    );
    await expect(startSimulator({ tls: { cert: fx.pki.router.cert, key: fx.pki.client.key, ca: fx.pki.ca } })).rejects.toThrow(
      /Failed to configure TLS certFile 'tls\.cert' from sslProfile 'tls' \(certFile and privateKeyFile: .*key values mismatch\)$/,
    );
  });
});
