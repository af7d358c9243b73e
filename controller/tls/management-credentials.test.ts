import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagementCredentials, type ManagementCredentials } from './management-credentials.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const DAY_MS = 86_400_000;

const creds = createManagementCredentials();
const other = createManagementCredentials();
const parse = (c: ManagementCredentials) => ({
  ca: new X509Certificate(c.caCertPem),
  router: new X509Certificate(c.routerCertPem),
  client: new X509Certificate(c.clientCertPem),
});

describe('createManagementCredentials', () => {
  const { ca, router, client } = parse(creds);

  it('returns exactly the PEM strings, never the CA key', () => {
    expect(Object.keys(creds).sort()).toEqual(['caCertPem', 'clientCertPem', 'clientKeyPem', 'routerCertPem', 'routerKeyPem']);
    expect(creds.routerKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(creds.clientKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPrivateKey(creds.routerKeyPem).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    for (const pem of [creds.routerKeyPem, creds.clientKeyPem]) expect(ca.checkPrivateKey(createPrivateKey(pem))).toBe(false);
  });

  it('names, chains and keys the three certificates', () => {
    expect([ca.subject, router.subject, client.subject]).toEqual(['CN=iofog-router-management-ca', 'CN=iofog-router', 'CN=iofog-router-controller']);
    expect([ca.issuer, router.issuer, client.issuer]).toEqual(Array(3).fill('CN=iofog-router-management-ca'));
    expect([ca.ca, router.ca, client.ca]).toEqual([true, false, false]);
    for (const cert of [ca, router, client]) {
      expect(cert.checkIssued(ca)).toBe(true);
      expect(cert.verify(ca.publicKey)).toBe(true);
    }
    expect(router.checkIssued(client)).toBe(false);
    expect(router.verify(router.publicKey)).toBe(false);
    expect(router.checkPrivateKey(createPrivateKey(creds.routerKeyPem))).toBe(true);
    expect(client.checkPrivateKey(createPrivateKey(creds.clientKeyPem))).toBe(true);
    expect(client.checkPrivateKey(createPrivateKey(creds.routerKeyPem))).toBe(false);
  });

  it('limits the router to serverAuth on loopback and the controller to clientAuth', () => {
    expect(router.keyUsage).toEqual([SERVER_AUTH]);
    expect(client.keyUsage).toEqual([CLIENT_AUTH]);
    expect(ca.keyUsage).toBeUndefined();
    expect(router.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect([router.checkIP('127.0.0.1'), router.checkIP('::1'), router.checkHost('localhost')]).toEqual(['127.0.0.1', '::1', 'localhost']);
    expect(client.subjectAltName).toBeUndefined();
  });

  it('is valid from a day before now until validityDays after it', () => {
    const now = new Date('2031-07-15T10:20:30.400Z');
    const { ca: c, router: r, client: cl } = parse(createManagementCredentials({ now, validityDays: 30 }));
    for (const cert of [c, r, cl]) {
      expect(new Date(cert.validFrom).getTime()).toBe(Date.parse('2031-07-14T10:20:30Z'));
      expect(new Date(cert.validTo).getTime()).toBe(Date.parse('2031-08-14T10:20:30Z'));
    }
    const defaults = new X509Certificate(createManagementCredentials({ now }).routerCertPem);
    expect(new Date(defaults.validTo).getTime()).toBe(Date.parse('2031-07-15T10:20:30Z') + 3650 * DAY_MS);
    expect(Math.abs(new Date(router.validFrom).getTime() - (Date.now() - DAY_MS))).toBeLessThan(60_000);
  });

  it('mints fresh keys and serials every call', () => {
    const second = parse(other);
    expect(second.ca.serialNumber).not.toBe(ca.serialNumber);
    expect(second.router.serialNumber).not.toBe(router.serialNumber);
    expect(second.client.serialNumber).not.toBe(client.serialNumber);
    expect(new Set([ca.serialNumber, router.serialNumber, client.serialNumber]).size).toBe(3);
    expect(second.ca.fingerprint256).not.toBe(ca.fingerprint256);
    expect(other.clientKeyPem).not.toBe(creds.clientKeyPem);
    expect(client.checkIssued(second.ca)).toBe(false);
  });

  it('rejects nonsensical options', () => {
    expect(() => createManagementCredentials({ validityDays: 0 })).toThrow(/validityDays/);
    expect(() => createManagementCredentials({ validityDays: Number.NaN })).toThrow(/validityDays/);
    expect(() => createManagementCredentials({ now: new Date('nope') })).toThrow(/invalid date/);
  });
});

interface Outcome {
  /** The client read the server's greeting: both sides completed and accepted the handshake. */
  talked: boolean;
  clientAuthorized?: boolean;
  clientError?: string;
  serverError?: string;
}

/** A Node (OpenSSL) server that demands a client certificate, and one client connecting to 127.0.0.1. */
async function handshake(server: tls.TlsOptions, client: tls.ConnectionOptions): Promise<Outcome> {
  const outcome: Outcome = { talked: false };
  const listener = tls.createServer({ ...server, requestCert: true, rejectUnauthorized: true }, (socket) => socket.end('hello'));
  const serverSide = new Promise<void>((resolve) => {
    listener.on('secureConnection', () => resolve());
    listener.on('tlsClientError', (error: NodeJS.ErrnoException) => {
      outcome.serverError = error.code ?? error.message;
      resolve();
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = listener.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ...client });
      socket.on('secureConnect', () => (outcome.clientAuthorized = socket.authorized));
      socket.on('data', (data: Buffer) => (outcome.talked ||= data.toString() === 'hello'));
      socket.on('error', (error: NodeJS.ErrnoException) => (outcome.clientError = error.code ?? error.message));
      socket.on('close', () => resolve());
    });
    await serverSide;
  } finally {
    await new Promise((resolve) => listener.close(resolve));
  }
  return outcome;
}

const routerSide = { key: creds.routerKeyPem, cert: creds.routerCertPem, ca: creds.caCertPem };

/** OpenSSL's verdict on a client certificate, as a Node server that does not hang up reports it
 * (Node verifies after the handshake and then destroys the socket, so the client sees no alert). */
async function serverVerdict(client: tls.ConnectionOptions, host = '127.0.0.1'): Promise<string> {
  const server = tls.createServer({ ...routerSide, requestCert: true, rejectUnauthorized: false }, (socket) => {
    const verdict = `${String(socket.authorized)} ${String(socket.authorizationError)}`;
    socket.end(socket.authorized ? `${verdict} CN=${String(socket.getPeerCertificate().subject.CN)}` : verdict);
  });
  return handshakeWith(server, client, host);
}

const hasIpv6Loopback = Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.address === '::1'));

describe('mutual TLS with the management credentials (node:tls, OpenSSL)', () => {

  it('lets the controller in, and the controller verifies the router by its IP SAN', async () => {
    const client = { ca: creds.caCertPem, cert: creds.clientCertPem, key: creds.clientKeyPem };
    expect(await handshake(routerSide, client)).toEqual({ talked: true, clientAuthorized: true });
    expect(await serverVerdict(client)).toBe('true null CN=iofog-router-controller');
  });

  it.skipIf(!hasIpv6Loopback)('works over ::1 too (IPv6 SAN)', async () => {
    const client = { ca: creds.caCertPem, cert: creds.clientCertPem, key: creds.clientKeyPem };
    expect(await serverVerdict(client, '::1')).toBe('true null CN=iofog-router-controller');
  });

  it('rejects a client without a certificate', async () => {
    const outcome = await handshake(routerSide, { ca: creds.caCertPem });
    expect(outcome.talked).toBe(false);
    expect(outcome.serverError).toBe('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
  });

  it('rejects a client certificate from another controller start', async () => {
    const client = { ca: creds.caCertPem, cert: other.clientCertPem, key: other.clientKeyPem };
    expect((await handshake(routerSide, client)).talked).toBe(false);
    expect(await serverVerdict(client)).toMatch(/^false (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
  });

  it('rejects the router certificate presented as a client certificate (extKeyUsage serverAuth only)', async () => {
    const client = { ca: creds.caCertPem, cert: creds.routerCertPem, key: creds.routerKeyPem };
    expect((await handshake(routerSide, client)).talked).toBe(false);
    expect(await serverVerdict(client)).toBe('false INVALID_PURPOSE');
  });

  it('makes a client that trusts another CA reject the router', async () => {
    const outcome = await handshake(routerSide, { ca: other.caCertPem, cert: other.clientCertPem, key: other.clientKeyPem });
    expect(outcome.talked).toBe(false);
    // OpenSSL auto-chains the server's CA into the handshake, hence "self-signed in chain".
    expect(outcome.clientError).toMatch(/^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
  });
});

/** Connects one client to `server` and returns what the server wrote (or '' on failure). */
async function handshakeWith(server: tls.Server, client: tls.ConnectionOptions, host: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<string>((resolve) => {
      let received = '';
      const socket = tls.connect({ host, port, ...client });
      socket.on('data', (data: Buffer) => (received += data.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)('the openssl command agrees', () => {
  let dir = '';
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mgmt-creds-'));
    const files: Record<string, string> = {
      'ca.crt': creds.caCertPem,
      'router.crt': creds.routerCertPem,
      'router.key': creds.routerKeyPem,
      'client.crt': creds.clientCertPem,
      'client.key': creds.clientKeyPem,
      'other-client.crt': other.clientCertPem,
    };
    for (const [name, content] of Object.entries(files)) await writeFile(file(name), content);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['router.crt', 'sslserver', true],
    ['client.crt', 'sslclient', true],
    ['router.crt', 'sslclient', false],
    ['client.crt', 'sslserver', false],
    ['other-client.crt', 'sslclient', false],
  ])('verify %s for purpose %s: %s', (cert, purpose, ok) => {
    const result = openssl('verify', '-x509_strict', '-CAfile', file('ca.crt'), '-purpose', purpose, file(cert));
    expect({ status: result.status, stdout: result.stdout.trim() }).toEqual(ok ? { status: 0, stdout: `${file(cert)}: OK` } : { status: 2, stdout: '' });
    if (!ok) expect(result.stderr).toMatch(purpose === 'sslclient' && cert === 'router.crt' ? /unsuitable certificate purpose/ : /error/);
  });

  it('verifies the router for 127.0.0.1 and ::1 only', () => {
    for (const ip of ['127.0.0.1', '::1']) expect(openssl('verify', '-CAfile', file('ca.crt'), '-purpose', 'sslserver', '-verify_ip', ip, file('router.crt')).status).toBe(0);
    expect(openssl('verify', '-CAfile', file('ca.crt'), '-verify_ip', '10.0.0.1', file('router.crt')).stderr).toMatch(/IP address mismatch/);
  });

  it('sees the critical constraints, key usages and key identifiers', () => {
    const ext = (cert: string) =>
      openssl('x509', '-in', file(cert), '-noout', '-ext', 'basicConstraints,keyUsage,subjectKeyIdentifier,authorityKeyIdentifier').stdout;
    const ca = ext('ca.crt');
    expect(ca).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(ca).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    const caKeyId = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(ca)?.[1];
    const spki = new X509Certificate(creds.caCertPem).publicKey.export({ type: 'spki', format: 'der' });
    expect(caKeyId).toBe(createHash('sha1').update(spki.subarray(-65)).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:'));
    for (const leaf of ['router.crt', 'client.crt']) {
      const text = ext(leaf);
      expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
      expect(text).toMatch(/Key Usage: critical\s+Digital Signature\n/);
      expect(/Authority Key Identifier:\s+([0-9A-F:]+)/.exec(text)?.[1]).toBe(caKeyId);
    }
  });

  it('s_server (OpenSSL verifying in the handshake, as the router does) admits the controller and refuses the router certificate', async () => {
    const greet = async (cert: string, key: string) => {
      const port = await freePort();
      const server = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', file('router.crt'), '-key', file('router.key'),
        '-CAfile', file('ca.crt'), '-Verify', '1', '-verify_return_error', '-naccept', '1', '-www']);
      let log = '';
      server.stdout.on('data', (d: Buffer) => (log += d.toString()));
      server.stderr.on('data', (d: Buffer) => (log += d.toString()));
      const exited = new Promise((resolve) => server.on('close', resolve));
      try {
        const started = Date.now();
        while (!log.includes('ACCEPT') && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
        const reply = await new Promise<string>((resolve) => {
          let received = '';
          const socket = tls.connect({ host: '127.0.0.1', port, ca: creds.caCertPem, cert, key }, () => socket.write('GET / HTTP/1.0\r\n\r\n'));
          socket.on('data', (data: Buffer) => (received += data.toString()));
          socket.on('error', (error) => (received += `error: ${error.message}`));
          socket.on('close', () => resolve(received));
        });
        return { reply, log };
      } finally {
        server.kill();
        await exited;
      }
    };
    expect((await greet(creds.clientCertPem, creds.clientKeyPem)).reply).toMatch(/^HTTP\/1.0 200 ok/);
    const refused = await greet(creds.routerCertPem, creds.routerKeyPem);
    expect(refused.reply).toMatch(/alert unsupported certificate/);
    expect(refused.log).toMatch(/unsuitable certificate purpose/);
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
