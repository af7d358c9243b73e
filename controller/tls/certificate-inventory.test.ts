import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { takeCertificateInventory } from './certificate-inventory.js';
import { createManagementCredentials } from './management-credentials.js';
import { createCertificate } from './x509.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400_000;

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const pkcs8 = (key: ReturnType<typeof generateKeyPairSync>['privateKey']) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A CA and a leaf it signed, valid from `from` to `to` days around NOW. */
function pki(name: string, from: number, to: number) {
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const issuer = { commonName: `${name}-ca`, privateKey: ca.privateKey };
  const validity = { notBefore: new Date(NOW.getTime() + from * DAY), notAfter: new Date(NOW.getTime() + to * DAY) };
  return {
    ca: createCertificate({ commonName: issuer.commonName, publicKey: ca.publicKey, issuer, ca: true, notBefore: new Date(NOW.getTime() - 400 * DAY), notAfter: new Date(NOW.getTime() + 4000 * DAY) }),
    cert: createCertificate({ commonName: name, publicKey: leaf.publicKey, issuer, ca: false, dnsNames: [`${name}.example`], ipAddresses: ['10.0.0.1'], ...validity }),
    key: pkcs8(leaf.privateKey),
  };
}

async function profileDir(profiles: Record<string, Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'cert-inv-'));
  dirs.push(root);
  for (const [name, files] of Object.entries(profiles)) {
    await mkdir(join(root, name));
    for (const [file, content] of Object.entries(files)) await writeFile(join(root, name, file), content);
  }
  return root;
}

describe('takeCertificateInventory', () => {
  it('lists each profile certificate with subject, SANs and notAfter, and flags the expired one', async () => {
    const good = pki('inter-router', -10, 20);
    const old = pki('old-site', -100, -1);
    const dir = await profileDir({
      'inter-router-tls': { 'ca.crt': good.ca, 'tls.crt': good.cert, 'tls.key': good.key },
      'old-tls': { 'ca.crt': old.ca, 'tls.crt': old.cert, 'tls.key': old.key },
      'ca-only': { 'ca.crt': good.ca + old.ca },
    });
    const entries = await takeCertificateInventory({ dir, now: NOW });
    expect(entries.map((e) => [e.profile, e.file, e.subject, e.issues.map((i) => i.kind)])).toEqual([
      ['ca-only', 'ca.crt', 'CN=inter-router-ca', []],
      ['ca-only', 'ca.crt#2', 'CN=old-site-ca', []],
      ['inter-router-tls', 'ca.crt', 'CN=inter-router-ca', []],
      ['inter-router-tls', 'tls.crt', 'CN=inter-router', []],
      ['old-tls', 'ca.crt', 'CN=old-site-ca', []],
      ['old-tls', 'tls.crt', 'CN=old-site', ['expired']],
    ]);
    const leaf = entries.find((e) => e.profile === 'inter-router-tls' && e.file === 'tls.crt');
    expect(leaf?.sans).toEqual(['DNS:inter-router.example', 'IP Address:10.0.0.1']);
    expect(leaf?.notAfter).toBe(new Date(NOW.getTime() + 20 * DAY).toISOString());
    expect(leaf?.issuer).toBe('CN=inter-router-ca');
  });

  it('reports a profile the overlay holds back (a key that is not the certificate\'s) with why', async () => {
    const a = pki('a', -1, 30);
    const b = pki('b', -1, 30);
    const dir = await profileDir({ mixed: { 'ca.crt': a.ca, 'tls.crt': a.cert, 'tls.key': b.key }, empty: {} });
    const entries = await takeCertificateInventory({ dir, now: NOW });
    expect(entries).toEqual([
      { profile: 'empty', file: '', issues: [{ kind: 'unusable', message: expect.stringContaining('ca.crt is missing') }] },
      { profile: 'mixed', file: '', issues: [{ kind: 'unusable', message: expect.stringMatching(/tls\.key does not match .*tls\.crt/) }] },
    ]);
  });

  it('describes the management channel\'s own certificates, and a key that does not match them', async () => {
    const credentials = createManagementCredentials({ now: NOW, validityDays: 3650 });
    const other = createManagementCredentials({ now: NOW });
    const entries = await takeCertificateInventory({
      now: NOW,
      extra: [
        { profile: 'management', file: 'router.crt', certPem: credentials.routerCertPem, keyPem: credentials.routerKeyPem },
        { profile: 'management', file: 'controller.crt', certPem: credentials.clientCertPem, keyPem: other.clientKeyPem },
      ],
    });
    expect(entries[0]).toMatchObject({ subject: 'CN=iofog-router', issuer: 'CN=iofog-router-management-ca', issues: [] });
    expect(entries[0]?.sans).toContain('DNS:localhost');
    expect(entries[0]?.sans).toContain('IP Address:127.0.0.1');
    expect(entries[0]?.notAfter).toBe(new Date(NOW.getTime() + 3650 * DAY).toISOString());
    expect(entries[1]?.issues.map((i) => i.kind)).toEqual(['key-mismatch']);
  });

  it('flags a certificate not valid yet, and a file with no certificate; a missing directory has no profiles', async () => {
    const later = pki('later', 5, 50);
    const entries = await takeCertificateInventory({
      dir: join(tmpdir(), 'no-such-cert-dir-for-inventory'),
      now: NOW,
      extra: [
        { profile: 'x', file: 'later.crt', certPem: later.cert },
        { profile: 'y', file: 'junk.crt', certPem: 'not a certificate' },
      ],
    });
    expect(entries.map((e) => [e.profile, e.issues.map((i) => i.kind)])).toEqual([
      ['x', ['not-yet-valid']],
      ['y', ['unreadable']],
    ]);
  });
});
