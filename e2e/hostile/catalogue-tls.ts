/**
 * Hostile states of the SSL profile directory (`SSL_PROFILE_PATH`) while the good config uses
 * its profile `tls`: links out of the directory, unreadable, half-written and mismatched files,
 * names with `..`. Each entry changes the directory on disk; the controller must hold the
 * profile and its users back (reporting why) and leave what the router has alone.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface TlsCase {
  readonly id: string;
  readonly area: 'ssl-profiles';
  readonly title: string;
  /** Damages `certs` (the profile directory; `certs/tls` is the profile in use). */
  readonly damage: (certs: string) => Promise<void>;
  /** Fragment of the reason the profile is held back (status `entities[].lastError`). */
  readonly expect: string;
}

const tls = (certs: string, file = '') => join(certs, 'tls', file);

async function replace(path: string, make: (path: string) => Promise<void>): Promise<void> {
  await rm(path, { recursive: true, force: true });
  await make(path);
}

const otherKey = (): string => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A FIFO at `path`: a reader that opens it blocks until a writer comes (none ever does). */
const fifo = (path: string): Promise<void> => promisify(execFile)('mkfifo', [path]).then(() => undefined);

/** `path`'s own certificate, padded after the PEM block to `bytes` (still a valid PEM file, just too big). */
async function padded(path: string, bytes: number): Promise<void> {
  const pem = await readFile(path, 'utf8');
  await writeFile(`${path}.tmp`, `${pem}${'#'.repeat(bytes - Buffer.byteLength(pem))}`);
  await rename(`${path}.tmp`, path);
}

/** A sparse file of `bytes` at `path` (costs no disk; reading it would cost `bytes` of memory). */
async function sparse(path: string, bytes: number): Promise<void> {
  const handle = await open(`${path}.tmp`, 'w');
  await handle.truncate(bytes);
  await handle.close();
  await rename(`${path}.tmp`, path);
}

const entry = (id: string, title: string, expect: string, damage: (certs: string) => Promise<void>): TlsCase => ({
  id: `tls-${id}`,
  area: 'ssl-profiles',
  title,
  damage,
  expect,
});

export const TLS_CASES: readonly TlsCase[] = [
  entry('ca-link-out', 'ca.crt a symlink to /etc/passwd', 'is a link that leaves the profile directory', (c) => replace(tls(c, 'ca.crt'), (p) => symlink('/etc/passwd', p))),
  entry('key-link-out', 'tls.key a symlink through ../..', 'is a link that leaves the profile directory', (c) => replace(tls(c, 'tls.key'), (p) => symlink('../../../../../../etc/shadow', p))),
  entry('dir-link-out', 'the profile directory a symlink to /etc', 'is a link that leaves', (c) => replace(tls(c), (p) => symlink('/etc', p))),
  entry('dir-dotdot-link', 'the profile directory a symlink to ..', 'is a link that leaves', (c) => replace(tls(c), (p) => symlink('..', p))),
  entry('key-unreadable', 'tls.key cannot be read (a directory)', 'cannot be read (EISDIR)', (c) => replace(tls(c, 'tls.key'), (p) => mkdir(p))),
  entry('ca-dangling', 'ca.crt a symlink to nowhere', 'ca.crt is missing', (c) => replace(tls(c, 'ca.crt'), (p) => symlink('nowhere.crt', p))),
  entry('ca-missing', 'ca.crt deleted', 'ca.crt is missing', (c) => rm(tls(c, 'ca.crt'))),
  entry('ca-not-pem', 'ca.crt holds text', 'holds no PEM certificate', (c) => writeFile(tls(c, 'ca.crt'), 'not a certificate\n')),
  entry('ca-truncated', 'ca.crt cut in half', 'holds no PEM certificate', (c) => writeFile(tls(c, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nMIIB\n')),
  entry('key-not-pem', 'tls.key holds text', 'holds no PEM private key', (c) => writeFile(tls(c, 'tls.key'), 'rm -rf /\n')),
  entry('key-empty', 'tls.key empty', 'holds no PEM private key', (c) => writeFile(tls(c, 'tls.key'), '')),
  entry('key-mismatch', 'tls.key of another certificate', 'does not match', (c) => writeFile(tls(c, 'tls.key'), otherKey())),
  entry('cert-without-key', 'tls.crt without tls.key', 'tls.crt without tls.key', (c) => rm(tls(c, 'tls.key'))),
  // Resource bounds: every file of a profile is read only when regular and at most 1 MiB (MAX_MATERIAL_BYTES).
  entry('cert-2MiB', 'tls.crt padded to 2 MiB', 'tls.crt is 2097152 bytes, more than the limit of 1048576 bytes', (c) => padded(tls(c, 'tls.crt'), 2 * 1024 * 1024)),
  entry('ca-sparse-64MiB', 'ca.crt a sparse 64 MiB file', 'ca.crt is 67108864 bytes, more than the limit of 1048576 bytes', (c) => sparse(tls(c, 'ca.crt'), 64 * 1024 * 1024)),
  entry('key-fifo', 'tls.key a FIFO (a read would block for ever)', 'tls.key is not a regular file (a FIFO)', (c) => replace(tls(c, 'tls.key'), fifo)),
  entry('dir-renamed-dotdot', 'the profile directory renamed to ..tls (hidden, not a profile)', "sslProfile 'tls'", (c) => rename(tls(c), join(c, '..tls'))),
  entry('dir-removed', 'the profile directory deleted', "sslProfile 'tls'", (c) => rm(tls(c), { recursive: true })),
];

/** sslProfile file paths in the config that climb out of the profile directory with `..`. */
export interface TlsPathCase {
  readonly id: string;
  readonly area: 'ssl-profiles';
  readonly path: string;
  readonly expect: string;
}

export const TLS_PATH_CASES: readonly TlsPathCase[] = [
  { id: 'tls-path-dotdot-profile', area: 'ssl-profiles', path: '/etc/skupper-router-certs/tls/../../../etc/shadow', expect: 'leaves /etc/skupper-router-certs' },
  { id: 'tls-path-dotdot-root', area: 'ssl-profiles', path: '/etc/skupper-router-certs/../../etc/shadow', expect: 'leaves /etc/skupper-router-certs' },
];
