/**
 * Discovery of TLS material: each sub-directory `<profile>/` of the profile directory holding
 * `ca.crt` (and optionally `tls.crt` with `tls.key`) is one profile.
 *
 * Safety: only plain names are profiles (no separators, no `..`, no hidden names; the
 * `..data`/`..<timestamp>` entries of a Kubernetes secret volume are skipped as hidden), and every
 * file must resolve, through any symlinks, to a place inside the profile directory: a secret
 * volume's `ca.crt -> ..data/ca.crt` is fine, a link to `/etc/shadow` is not. Each file is read
 * only when it is a regular file of at most {@link MAX_MATERIAL_BYTES} (1 MiB; a real bundle is tens
 * of KiB): a FIFO would block the scan, a mistaken mount cost its size at every scan. File
 * contents are hashed and checked for shape, never logged or put in a message.
 */
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isValidProfileName, type ProfileMaterial } from '../../reconcilers/ssl-profiles.js';
import { FileTooLargeError, MAX_MATERIAL_BYTES, NotRegularFileError, readBounded } from '../fs/read-bounded.js';

export interface ScanResult {
  readonly materials: ReadonlyMap<string, ProfileMaterial>;
  /** Entries that are not profiles, with why (for a warning). */
  readonly skipped: readonly string[];
}

const FILES = [
  { attribute: 'caCertFile', file: 'ca.crt' },
  { attribute: 'certFile', file: 'tls.crt' },
  { attribute: 'privateKeyFile', file: 'tls.key' },
] as const;

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  // `..2026_01_01/site` (a secret volume's timestamped directory) is inside; `../x` is not.
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}

export async function scanProfileDirectory(dir: string): Promise<ScanResult> {
  const root = resolve(dir);
  let rootReal: string;
  try {
    rootReal = await realpath(root);
  } catch (error) {
    if (code(error) === 'ENOENT') return { materials: new Map(), skipped: [] };
    throw error;
  }
  const materials = new Map<string, ProfileMaterial>();
  const skipped: string[] = [];
  const entries = await readdir(root, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    if (!isValidProfileName(entry.name)) {
      skipped.push(`${JSON.stringify(entry.name)} is not a valid profile name`);
      continue;
    }
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    const profileDir = join(root, entry.name);
    let real: string;
    try {
      real = await realpath(profileDir);
    } catch (error) {
      materials.set(entry.name, { missing: `${profileDir} cannot be resolved (${code(error)})` });
      continue;
    }
    if (!inside(rootReal, real)) {
      materials.set(entry.name, { missing: `${profileDir} is a link that leaves ${root}` });
      continue;
    }
    if (!(await stat(real).then((s) => s.isDirectory(), () => false))) continue;
    materials.set(entry.name, await readProfile(rootReal, profileDir));
  }
  return { materials, skipped };
}

async function readProfile(rootReal: string, profileDir: string): Promise<ProfileMaterial> {
  const contents = new Map<string, Buffer>();
  for (const { file } of FILES) {
    const path = join(profileDir, file);
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      if (code(error) === 'ENOENT') continue;
      return { missing: `${path} cannot be resolved (${code(error)})` };
    }
    if (!inside(rootReal, real)) return { missing: `${path} is a link that leaves the profile directory` };
    try {
      contents.set(file, await readBounded(real, { maxBytes: MAX_MATERIAL_BYTES }));
    } catch (error) {
      if (error instanceof FileTooLargeError) return { missing: error.describe(path) };
      if (error instanceof NotRegularFileError && error.code === undefined) return { missing: `${path} is ${error.message}` };
      return { missing: `${path} cannot be read (${code(error)})` };
    }
  }
  const ca = contents.get('ca.crt');
  const cert = contents.get('tls.crt');
  const key = contents.get('tls.key');
  if (ca === undefined) return { missing: `${join(profileDir, 'ca.crt')} is missing` };
  if ((cert === undefined) !== (key === undefined)) {
    return { missing: `${profileDir} has ${cert ? 'tls.crt without tls.key' : 'tls.key without tls.crt'}` };
  }
  const problem = checkShapes(profileDir, ca, cert, key);
  if (problem !== undefined) return { missing: problem };
  const hash = createHash('sha256');
  for (const { file } of FILES) {
    const content = contents.get(file);
    if (content !== undefined) hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return {
    caCertFile: join(profileDir, 'ca.crt'),
    ...(cert !== undefined ? { certFile: join(profileDir, 'tls.crt'), privateKeyFile: join(profileDir, 'tls.key') } : {}),
    hash: hash.digest('hex').slice(0, 16),
  };
}

/** Catches half-written and mismatched files (a rotation that is not atomic) before the router does. */
function checkShapes(profileDir: string, ca: Buffer, cert: Buffer | undefined, key: Buffer | undefined): string | undefined {
  const where = (file: string) => join(profileDir, file);
  if (parseCertificate(ca) === undefined) return `${where('ca.crt')} holds no PEM certificate`;
  if (cert === undefined || key === undefined) return undefined;
  const x509 = parseCertificate(cert);
  if (x509 === undefined) return `${where('tls.crt')} holds no PEM certificate`;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    // An encrypted key (the profile's `password` opens it) cannot be checked here.
    if (code(error) === 'ERR_MISSING_PASSPHRASE') return undefined;
    return `${where('tls.key')} holds no PEM private key`;
  }
  return x509.checkPrivateKey(privateKey) ? undefined : `${where('tls.key')} does not match ${where('tls.crt')}`;
}

function parseCertificate(content: Buffer): X509Certificate | undefined {
  if (!content.includes('-----BEGIN CERTIFICATE-----')) return undefined;
  try {
    return new X509Certificate(content);
  } catch {
    return undefined;
  }
}
