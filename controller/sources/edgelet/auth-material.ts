/**
 * The service-account files Edgelet projects into the workload. Both are read again for every
 * request and every dial: the token rotates hourly and the previous one is revoked at once, and
 * the files are symlinks into a `..data` directory that is swapped, so nothing may be cached.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { EdgeletError, describeError } from './errors.js';

/** Where Edgelet mounts the service account. */
export const DEFAULT_TOKEN_DIR = '/var/run/secrets/edgelet.iofog.org/serviceaccount';

export interface AuthMaterial {
  /** Bearer token, trimmed. Never log it. */
  readonly token: string;
}

export function tokenFileOf(dir: string): string {
  return join(dir, 'token');
}

export function caFileOf(dir: string): string {
  return join(dir, 'ca.crt');
}

export async function readToken(dir: string): Promise<string> {
  const file = tokenFileOf(dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new EdgeletError(`edgelet token: cannot read ${file}: ${describeError(cause)}`, { kind: 'auth-material', url: file }, { cause });
  }
  const token = text.trim();
  if (token.length === 0) throw new EdgeletError(`edgelet token: ${file} is empty`, { kind: 'auth-material', url: file });
  return token;
}

/**
 * Trusted roots: the system roots plus the Edgelet CA when `ca.crt` exists (as the Go SDK does).
 * A missing file leaves the system roots; an unreadable or empty one is an error.
 */
export async function readTrust(dir: string): Promise<string[]> {
  const file = caFileOf(dir);
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [...rootCertificates];
    throw new EdgeletError(`edgelet CA: cannot read ${file}: ${describeError(cause)}`, { kind: 'auth-material', url: file }, { cause });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new EdgeletError(`edgelet CA: ${file} holds no PEM certificate`, { kind: 'auth-material', url: file });
  }
  return [...rootCertificates, pem];
}
