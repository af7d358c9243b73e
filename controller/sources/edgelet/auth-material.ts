/**
 * The service-account files Edgelet projects into the workload. Both are read again for every
 * request and every dial: the token rotates hourly and the previous one is revoked at once, and
 * the files are symlinks into a `..data` directory that is swapped, so nothing may be cached.
 * Each is read only when it is a regular file of at most {@link MAX_MATERIAL_BYTES} (1 MiB; a
 * token is about 1 KiB, a CA bundle tens of KiB): a FIFO would block, a mistaken mount cost memory
 * at every request.
 */
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { FileTooLargeError, MAX_MATERIAL_BYTES, readBoundedText } from '../../fs/read-bounded.js';
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
    text = await readBoundedText(file, { maxBytes: MAX_MATERIAL_BYTES });
  } catch (cause) {
    const reason = cause instanceof FileTooLargeError ? cause.message : `cannot read ${file}: ${describeError(cause)}`;
    throw new EdgeletError(`edgelet token: ${reason}`, { kind: 'auth-material', url: file }, { cause });
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
    pem = await readBoundedText(file, { maxBytes: MAX_MATERIAL_BYTES });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [...rootCertificates];
    const reason = cause instanceof FileTooLargeError ? cause.message : `cannot read ${file}: ${describeError(cause)}`;
    throw new EdgeletError(`edgelet CA: ${reason}`, { kind: 'auth-material', url: file }, { cause });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new EdgeletError(`edgelet CA: ${file} holds no PEM certificate`, { kind: 'auth-material', url: file });
  }
  return [...rootCertificates, pem];
}
