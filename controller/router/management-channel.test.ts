import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StartupError } from '../startup-error.js';
import { createManagementCredentials } from '../tls/management-credentials.js';
import { MANAGEMENT_SSL_PROFILE, openManagementChannel, type ManagementChannel } from './management-channel.js';

const base = { managementPort: 55999, managementAuth: 'mtls' as const, configFile: '/nonexistent/skrouterd.json' };

describe('management channel', () => {
  let dir: string;
  const opened: ManagementChannel[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mgmt-channel-test-'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
    await rm(dir, { recursive: true, force: true });
  });
  const open = async (settings: Parameters<typeof openManagementChannel>[0]) => {
    const channel = await openManagementChannel({ bootFile: join(dir, 'boot.json'), ...settings });
    opened.push(channel);
    return channel;
  };

  it('mtls: writes the router key, its certificate and the CA to a private directory, and keeps the client key in memory', async () => {
    const channel = await open(base);
    expect(channel.url).toBe('amqps://127.0.0.1:55999');
    expect(channel.auth).toBe('mtls');
    const profile = channel.bootEntities.find((e) => e.kind === 'sslProfile' && e.name === MANAGEMENT_SSL_PROFILE);
    const files = profile?.attributes as Record<string, string>;
    const certDir = join(files['privateKeyFile'] ?? '', '..');
    expect(((await stat(certDir)).mode & 0o777).toString(8)).toBe('700');
    expect(join(certDir, '..')).toBe(dir);
    expect((await readdir(certDir)).sort()).toEqual(['ca.crt', 'router.crt', 'router.key']);
    expect(((await stat(files['privateKeyFile'] ?? '')).mode & 0o777).toString(8)).toBe('600');
    expect(channel.tls?.key?.toString()).toContain('PRIVATE KEY');
    expect(channel.tls?.cert?.toString()).toContain('BEGIN CERTIFICATE');
    await channel.close();
    await expect(stat(certDir)).rejects.toThrow(/ENOENT/);
  });

  it('mtls: removes the certificate directories a killed controller of the same boot file left, and no other controller\'s', async () => {
    await mkdir(join(dir, '.boot.json.mgmt-stale1'));
    await writeFile(join(dir, '.boot.json.mgmt-stale1', 'router.key'), 'old');
    const other = await open({ ...base, bootFile: join(dir, 'other.json') }); // another controller's, beside ours
    const otherKey = (other.bootEntities[0]?.attributes as Record<string, string>)['privateKeyFile'] ?? '';
    const channel = await open(base);
    const certDir = join((channel.bootEntities[0]?.attributes as Record<string, string>)['caCertFile'] ?? '', '..');
    expect((await readdir(dir)).sort()).toEqual([certDir, join(otherKey, '..')].map((d) => d.slice(dir.length + 1)).sort());
    expect(await readFile(otherKey, 'utf8')).toContain('PRIVATE KEY');
  });

  it('mtls: every start makes new credentials', async () => {
    const [a, b] = [await open(base), await open(base)];
    expect(a.tls?.ca?.toString()).not.toBe(b.tls?.ca?.toString());
  });

  it('mtls: a boot file directory that cannot be written is a start-up error naming it', async () => {
    const error: unknown = await openManagementChannel({ ...base, bootFile: '/nonexistent/dir/boot.json' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/certificate directory in \/nonexistent\/dir: ENOENT.*MGMT_AUTH=none/);
  });

  it('none: an anonymous loopback listener over plain AMQP', async () => {
    const channel = await open({ ...base, managementAuth: 'none' });
    expect(channel.url).toBe('amqp://127.0.0.1:55999');
    expect(channel.tls).toBeUndefined();
    expect(channel.bootEntities).toEqual([expect.objectContaining({ kind: 'listener', attributes: expect.objectContaining({ host: '127.0.0.1', saslMechanisms: 'ANONYMOUS' }) })]);
  });

  it('attach: the URL as given, MGMT_AUTH ignored; a boot file written in pot mode keeps the anonymous loopback listener', async () => {
    for (const managementAuth of ['mtls', 'none'] as const) {
      const attached = await open({ ...base, managementAuth, routerUrl: 'amqp://10.0.0.5:5672' });
      expect([attached.url, attached.tls, attached.auth]).toEqual(['amqp://10.0.0.5:5672', undefined, 'attach']);
      expect(attached.bootEntities).toEqual([expect.objectContaining({ kind: 'listener', attributes: expect.objectContaining({ port: '55999', saslMechanisms: 'ANONYMOUS' }) })]);
    }
  });

  describe('attach over TLS', () => {
    const write = async (name: string, text: string) => {
      await writeFile(join(dir, name), text);
      return join(dir, name);
    };

    it('reads ROUTER_TLS_CA/CERT/KEY once, at start', async () => {
      const c = createManagementCredentials();
      const channel = await open({
        ...base,
        routerUrl: 'amqps://router:5671',
        routerTlsCa: await write('ca.pem', c.caCertPem),
        routerTlsCert: await write('cert.pem', c.clientCertPem),
        routerTlsKey: await write('key.pem', c.clientKeyPem),
      });
      expect(channel.auth).toBe('attach-tls');
      expect(channel.tls?.ca?.toString()).toBe(c.caCertPem);
      expect(channel.tls?.key?.toString()).toBe(c.clientKeyPem);
    });

    it.each([
      ['a missing CA file', { routerTlsCa: '/nonexistent/ca.pem' }, /^ROUTER_TLS_CA=\/nonexistent\/ca.pem: cannot read the file: ENOENT/],
      ['a CA file over 1 MiB', { routerTlsCa: 'huge' }, /^ROUTER_TLS_CA=.*huge.pem: cannot read the file: .*huge.pem is 2097152 bytes, more than the limit of 1048576 bytes$/],
      ['a CA file that is not PEM', { routerTlsCa: 'garbage' }, /^ROUTER_TLS_CA=.*garbage.pem: not a PEM certificate/],
      ['a key that is not PEM', { routerTlsCert: 'cert', routerTlsKey: 'garbage' }, /^ROUTER_TLS_KEY=.*garbage.pem: not a PEM private key/],
      ['a key of another certificate', { routerTlsCert: 'cert', routerTlsKey: 'otherKey' }, /^ROUTER_TLS_KEY=.*otherKey.pem: does not match the certificate in ROUTER_TLS_CERT=/],
    ])('refuses %s with an error naming the variable and the file', async (_title, files, message) => {
      const [c, other] = [createManagementCredentials(), createManagementCredentials()];
      const texts: Record<string, string> = { cert: c.clientCertPem, garbage: 'not a certificate\n', otherKey: other.clientKeyPem, huge: 'x'.repeat(2 * 1024 * 1024) };
      const paths: Record<string, string> = {};
      for (const [key, name] of Object.entries(files)) {
        paths[key] = name.startsWith('/') ? name : await write(`${name}.pem`, texts[name] ?? '');
      }
      const error: unknown = await openManagementChannel({ ...base, routerUrl: 'amqps://router:5671', ...paths }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toMatch(message);
    });
  });
});
