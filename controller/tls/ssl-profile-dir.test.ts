import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_MATERIAL_BYTES } from '../fs/read-bounded.js';
import { createLog } from '../log.js';
import { SslProfileDirectory } from './ssl-profile-dir.js';
import { scanProfileDirectory } from './ssl-profile-scan.js';

const fixture = (name: string) => readFileSync(new URL(`./test-fixtures/${name}`, import.meta.url), 'utf8');
const CA = fixture('ca.crt');
const OTHER_CA = fixture('other-ca.crt');
const CERT = fixture('tls.crt');
const KEY = fixture('tls.key');

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sslp-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function writeProfile(root: string, name: string, files: Record<string, string>): Promise<void> {
  await mkdir(join(root, name), { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(root, name, file), content);
}

let generation = 0;
/** A profile that is its own Kubernetes secret volume: files → ..data/<file>, ..data → ..<ts>. */
async function projectSecret(profileDir: string, files: Record<string, string>): Promise<void> {
  generation += 1;
  const version = `..2026_${generation}`;
  await mkdir(join(profileDir, version), { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(profileDir, version, file), content);
  await symlink(version, join(profileDir, '..data_tmp'));
  await rename(join(profileDir, '..data_tmp'), join(profileDir, '..data'));
  for (const file of Object.keys(files)) await symlink(join('..data', file), join(profileDir, file)).catch(() => undefined);
}

function captureLog() {
  const lines: string[] = [];
  return { log: createLog({ level: 'debug', json: true, write: (l) => lines.push(l) }), lines };
}

async function waitFor(what: string, condition: () => boolean): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('scanProfileDirectory', () => {
  it('finds CA-only and full profiles with their files and a content hash', async () => {
    const root = await tempDir();
    await writeProfile(root, 'client', { 'ca.crt': CA });
    await writeProfile(root, 'server', { 'ca.crt': CA, 'tls.crt': CERT, 'tls.key': KEY });
    await writeFile(join(root, 'README'), 'not a profile');
    const { materials, skipped } = await scanProfileDirectory(root);
    expect(skipped).toEqual([]);
    expect(Object.fromEntries(materials)).toEqual({
      client: { caCertFile: join(root, 'client/ca.crt'), hash: expect.stringMatching(/^[0-9a-f]{16}$/) },
      server: {
        caCertFile: join(root, 'server/ca.crt'),
        certFile: join(root, 'server/tls.crt'),
        privateKeyFile: join(root, 'server/tls.key'),
        hash: expect.stringMatching(/^[0-9a-f]{16}$/),
      },
    });
  });

  it('returns nothing for a directory that does not exist', async () => {
    expect((await scanProfileDirectory('/nonexistent/certs')).materials.size).toBe(0);
  });

  it('reads a profile that is its own secret volume (symlinks into ..data)', async () => {
    const root = await tempDir();
    await projectSecret(join(root, 'site'), { 'ca.crt': CA, 'tls.crt': CERT, 'tls.key': KEY });
    const { materials } = await scanProfileDirectory(root);
    expect(materials.get('site')).toMatchObject({ certFile: join(root, 'site/tls.crt') });
    expect([...materials.keys()]).toEqual(['site']);
  });

  it('reads a directory that is one secret volume (profile dirs are links into ..data)', async () => {
    const root = await tempDir();
    await mkdir(join(root, '..2026_1/site'), { recursive: true });
    await writeFile(join(root, '..2026_1/site/ca.crt'), CA);
    await symlink('..2026_1', join(root, '..data'));
    await symlink('..data/site', join(root, 'site'));
    expect((await scanProfileDirectory(root)).materials.get('site')).toMatchObject({ caCertFile: join(root, 'site/ca.crt') });
  });

  it('refuses links that leave the directory, and names that are not plain', async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await writeProfile(outside, 'evil', { 'ca.crt': CA, 'tls.crt': CERT, 'tls.key': KEY });
    await symlink(join(outside, 'evil'), join(root, 'escaping-dir'));
    await mkdir(join(root, 'escaping-file'));
    await symlink(join(outside, 'evil/ca.crt'), join(root, 'escaping-file/ca.crt'));
    await mkdir(join(root, 'relative-escape'));
    await symlink('../../' + join(outside, 'evil/ca.crt').replace(/^\//, ''), join(root, 'relative-escape/ca.crt'));
    await writeProfile(root, 'bad name', { 'ca.crt': CA });
    await writeProfile(root, '.hidden', { 'ca.crt': CA });
    const { materials, skipped } = await scanProfileDirectory(root);
    expect(materials.get('escaping-dir')).toEqual({ missing: `${join(root, 'escaping-dir')} is a link that leaves ${root}` });
    expect(materials.get('escaping-file')).toEqual({ missing: `${join(root, 'escaping-file/ca.crt')} is a link that leaves the profile directory` });
    expect(materials.get('relative-escape')).toHaveProperty('missing');
    expect(skipped).toEqual(['"bad name" is not a valid profile name']);
    expect(materials.has('.hidden')).toBe(false);
  });

  it.each([
    ['no ca.crt', { 'tls.crt': CERT, 'tls.key': KEY }, /ca\.crt is missing$/],
    ['a certificate without its key', { 'ca.crt': CA, 'tls.crt': CERT }, /has tls\.crt without tls\.key$/],
    ['an empty ca.crt (half written)', { 'ca.crt': '' }, /ca\.crt holds no PEM certificate$/],
    ['a key that is not PEM', { 'ca.crt': CA, 'tls.crt': CERT, 'tls.key': 'garbage' }, /tls\.key holds no PEM private key$/],
    [
      'a key that does not match the certificate',
      { 'ca.crt': CA, 'tls.crt': CERT, 'tls.key': generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string },
      /tls\.key does not match .*tls\.crt$/,
    ],
  ])('marks a profile with %s as missing, with a reason', async (_what, files, reason) => {
    const root = await tempDir();
    await writeProfile(root, 'p', files);
    const material = (await scanProfileDirectory(root)).materials.get('p');
    expect(material && 'missing' in material ? material.missing : '').toMatch(reason);
  });

  it('reads a file of exactly MAX_MATERIAL_BYTES (1 MiB), and holds back a profile with one byte more, naming the file and the limit', async () => {
    const root = await tempDir();
    // Text before the PEM block is allowed (and skipped) by PEM readers.
    const padded = (size: number) => `${'#'.repeat(size - CA.length - 1)}\n${CA}`;
    expect(Buffer.byteLength(padded(MAX_MATERIAL_BYTES))).toBe(MAX_MATERIAL_BYTES);
    await writeProfile(root, 'at-limit', { 'ca.crt': padded(MAX_MATERIAL_BYTES) });
    await writeProfile(root, 'over', { 'ca.crt': padded(MAX_MATERIAL_BYTES + 1) });
    await writeProfile(root, 'big-cert', { 'ca.crt': CA, 'tls.crt': padded(2 * MAX_MATERIAL_BYTES), 'tls.key': KEY });
    const { materials } = await scanProfileDirectory(root);
    expect(materials.get('at-limit')).toHaveProperty('hash');
    expect(materials.get('over')).toEqual({ missing: `${join(root, 'over/ca.crt')} is 1048577 bytes, more than the limit of 1048576 bytes` });
    expect(materials.get('big-cert')).toEqual({ missing: `${join(root, 'big-cert/tls.crt')} is 2097152 bytes, more than the limit of 1048576 bytes` });
  });

  it('holds back a profile whose key is a FIFO without blocking the scan', async () => {
    const root = await tempDir();
    await writeProfile(root, 'p', { 'ca.crt': CA, 'tls.crt': CERT });
    execFileSync('mkfifo', [join(root, 'p/tls.key')]);
    await writeProfile(root, 'q', { 'ca.crt': CA });
    const { materials } = await scanProfileDirectory(root);
    expect(materials.get('p')).toEqual({ missing: `${join(root, 'p/tls.key')} is not a regular file (a FIFO)` });
    expect(materials.get('q')).toHaveProperty('hash');
  });

  it.skipIf(process.getuid?.() === 0)('marks an unreadable file as missing', async () => {
    const root = await tempDir();
    await writeProfile(root, 'p', { 'ca.crt': CA });
    await chmod(join(root, 'p/ca.crt'), 0o000);
    expect((await scanProfileDirectory(root)).materials.get('p')).toEqual({ missing: `${join(root, 'p/ca.crt')} cannot be read (EACCES)` });
  });
});

describe('SslProfileDirectory', () => {
  it('reports a rotation of one profile once, changing only that profile\'s hash, and never logs key material', async () => {
    const root = await tempDir();
    await projectSecret(join(root, 'site'), { 'ca.crt': CA, 'tls.crt': CERT, 'tls.key': KEY });
    await writeProfile(root, 'local', { 'ca.crt': CA });
    const { log, lines } = captureLog();
    const dir = new SslProfileDirectory({ dir: root, debounceMs: 50, log });
    cleanup.push(() => dir.close());
    const changes: string[] = [];
    await dir.start((reason) => changes.push(reason));
    const before = new Map(dir.current());
    await projectSecret(join(root, 'site'), { 'ca.crt': OTHER_CA, 'tls.crt': CERT, 'tls.key': KEY });
    await waitFor('the change', () => changes.length === 1);
    const after = dir.current();
    expect(changes).toEqual(['ssl-profiles-changed']);
    expect(after.get('local')).toEqual(before.get('local'));
    expect(after.get('site')).not.toEqual(before.get('site'));
    expect(after.get('site')).toMatchObject({ caCertFile: join(root, 'site/ca.crt') });
    // A rewrite with the same content is not a change.
    await writeFile(join(root, 'local/ca.crt'), CA);
    await new Promise((r) => setTimeout(r, 300));
    expect(changes).toHaveLength(1);
    const keyBody = KEY.split('\n')[1] ?? 'unreachable';
    for (const line of lines) {
      expect(line).not.toContain('PRIVATE KEY');
      expect(line).not.toContain(keyBody);
    }
  });

  it('reports a profile whose files disappear, and its return', async () => {
    const root = await tempDir();
    await writeProfile(root, 'p', { 'ca.crt': CA });
    const { log, lines } = captureLog();
    const dir = new SslProfileDirectory({ dir: root, debounceMs: 50, log });
    cleanup.push(() => dir.close());
    const changes: string[] = [];
    await dir.start((reason) => changes.push(reason));
    await rm(join(root, 'p/ca.crt'));
    await waitFor('the loss', () => changes.length === 1);
    expect(dir.current().get('p')).toHaveProperty('missing');
    expect(lines.some((l) => l.includes('unusable entry') && l.includes('ca.crt is missing'))).toBe(true);
    await writeFile(join(root, 'p/ca.crt'), CA);
    await waitFor('the return', () => changes.length === 2);
    expect(dir.current().get('p')).toHaveProperty('hash');
  });

  it('sees a new profile directory appear', async () => {
    const root = await tempDir();
    const dir = new SslProfileDirectory({ dir: root, debounceMs: 50, log: captureLog().log });
    cleanup.push(() => dir.close());
    const changes: string[] = [];
    await dir.start((reason) => changes.push(reason));
    await writeProfile(root, 'fresh', { 'ca.crt': CA });
    await waitFor('the new profile', () => dir.current().has('fresh'));
    expect(changes.length).toBeGreaterThanOrEqual(1);
  });

  it('starts on a directory that does not exist yet and sees it appear', async () => {
    const parent = await tempDir();
    const root = join(parent, 'certs');
    const dir = new SslProfileDirectory({ dir: root, debounceMs: 50, log: captureLog().log });
    cleanup.push(() => dir.close());
    const changes: string[] = [];
    await dir.start((reason) => changes.push(reason));
    expect(dir.current().size).toBe(0);
    await writeProfile(root, 'late', { 'ca.crt': CA });
    await waitFor('the new directory', () => changes.includes('ssl-profiles-changed') && dir.current().has('late'));
  });
});
