/**
 * The simulator's mutual-TLS listener refuses every kind of client the way a real skrouterd 3.5.1
 * refused it (`e2e/reference/skrouterd-3.5.1-mtls-refusals.json`): in the SASL layer with an empty
 * mechanism list, or in the TLS handshake with OpenSSL's alert; and serves the right client.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index.js';
import { T } from './test-support/router.js';
import { tlsFixture } from './test-support/tls-fixture.js';
import { SASL_HEADER, attempt, exchange, saslInit, saslOutcome } from './test-support/tls-probe.js';

interface ClientCase {
  readonly client: string;
  readonly outcome: 'sasl-refused' | 'tls-alert' | 'served';
  readonly saslServerMechanisms?: readonly string[];
  readonly clientError?: { readonly rhea?: string; readonly openssl?: string };
  readonly alert?: string;
  readonly statusCode?: number;
}

const fixture = resolve(import.meta.dirname, '../reference/skrouterd-3.5.1-mtls-refusals.json');
const { listener, clients } = JSON.parse(readFileSync(fixture, 'utf8')) as {
  listener: { requireSsl: boolean; authenticatePeer: boolean; saslMechanisms: string };
  clients: readonly ClientCase[];
};

const fx = tlsFixture();

async function start(): Promise<Simulator> {
  const { pki } = fx;
  const { requireSsl, authenticatePeer, saslMechanisms } = listener;
  fx.simulator = await startSimulator({ latency: false, tls: { cert: pki.router.cert, key: pki.router.key, ca: pki.ca, requireSsl, authenticatePeer, saslMechanisms } });
  return fx.simulator;
}

/** The rhea connection options of each kind of client in the fixture. */
function optionsFor(client: string): Record<string, unknown> {
  const { pki } = fx;
  const tls = { transport: 'tls', ca: pki.ca, servername: 'localhost' };
  switch (client) {
    case 'plain-anonymous':
      return { username: 'anonymous' };
    case 'tls-no-certificate':
      return tls;
    case 'tls-other-ca':
      return { ...tls, cert: pki.stranger.cert, key: pki.stranger.key };
    case 'tls-server-certificate':
      return { ...tls, cert: pki.router.cert, key: pki.router.key };
    case 'tls-client-certificate':
      return { ...tls, cert: pki.client.cert, key: pki.client.key, enable_sasl_external: true };
    default:
      throw new Error(`the fixture names a client this test does not know: ${client}`);
  }
}

describe('a mutual-TLS listener refuses clients as skrouterd 3.5.1 does', () => {
  it.each(clients.map((c) => [c.client, c] as const))('%s', async (_, c) => {
    const sim = await start();
    const result = await attempt(sim.port, optionsFor(c.client));
    switch (c.outcome) {
      case 'sasl-refused':
        expect(result).toEqual({ opened: false, error: c.clientError?.rhea });
        expect(c.clientError?.rhea).toBe(`No suitable mechanism; server supports ${(c.saslServerMechanisms ?? []).join(',')}`);
        break;
      case 'tls-alert':
        expect(result.opened).toBe(false);
        expect(result.opened ? '' : result.error).toContain(c.clientError?.openssl);
        break;
      case 'served': {
        expect(result).toEqual({ opened: true });
        const client = fx.mtlsClient(sim.url);
        expect(await client.query(T('listener'), ['name'])).toEqual([]);
        expect(c.statusCode).toBe(200);
        break;
      }
    }
  });

  it('a plain client that picks a mechanism anyway gets the outcome auth after the empty list, and the connection ends', async () => {
    const sim = await start();
    const reply = await exchange(sim.port, 'plain', saslInit('ANONYMOUS'));
    expect(reply.subarray(0, 8)).toEqual(SASL_HEADER);
    expect(reply.includes('ANONYMOUS')).toBe(false);
    expect(reply.includes('EXTERNAL')).toBe(false);
    expect(saslOutcome(reply)).toBe(1);
  });

  it.each(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'])(
    'sends its alert under every TLS 1.3 suite (%s)',
    async (suite) => {
      const sim = await start();
      const expected = clients.find((c) => c.client === 'tls-other-ca')?.clientError?.openssl;
      const result = await attempt(sim.port, { ...optionsFor('tls-other-ca'), ciphers: suite });
      expect(result.opened ? '' : result.error).toContain(expected);
    },
  );
});
