/**
 * What certificates the router and the controller hold, and what is wrong with them: for every
 * profile under `SSL_PROFILE_PATH` (found and read the way the overlay finds them,
 * `ssl-profile-scan.ts`: same names, same symlink and size rules) each certificate of `ca.crt`
 * (a bundle gives one entry per certificate) and `tls.crt`, and any extra certificates the caller
 * names (the management channel's own). For `/status` (`certificates`) and
 * `iofog_router_certificate_expiry_timestamp_seconds{profile,file}`.
 *
 * Issues: `expired`, `not-yet-valid`, `key-mismatch` (the private key is not the certificate's:
 * `X509Certificate.checkPrivateKey`; an encrypted key cannot be checked and is not reported),
 * `unreadable` (a file that is not a PEM certificate) and `unusable` (a profile the overlay holds
 * back; its message says why, e.g. a key that does not match). Never a file's content.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { basename } from 'node:path';
import { MAX_MATERIAL_BYTES, readBounded } from '../fs/read-bounded.js';
import { scanProfileDirectory } from './ssl-profile-scan.js';

export type CertificateIssueKind = 'expired' | 'not-yet-valid' | 'key-mismatch' | 'unreadable' | 'unusable';

export interface CertificateIssue {
  readonly kind: CertificateIssueKind;
  readonly message: string;
}

export interface CertificateEntry {
  /** The profile (directory) name, or the name the caller gave an extra certificate. */
  readonly profile: string;
  /** `ca.crt`, `tls.crt`, `ca.crt#2` for the second certificate of a bundle, ...; empty for a profile-wide issue. */
  readonly file: string;
  readonly subject?: string;
  readonly issuer?: string;
  /** subjectAltName entries as Node prints them (`DNS:localhost`, `IP Address:127.0.0.1`). */
  readonly sans?: readonly string[];
  readonly notBefore?: string;
  /** ISO time. */
  readonly notAfter?: string;
  readonly issues: readonly CertificateIssue[];
}

/** A certificate held outside the profile directory (e.g. the management channel's), PEM. */
export interface ExtraCertificate {
  readonly profile: string;
  readonly file: string;
  readonly certPem: string | Buffer;
  /** Its private key, to check they match. */
  readonly keyPem?: string | Buffer;
}

export interface InventoryOptions {
  /** `SSL_PROFILE_PATH`; absent or missing: no profiles. */
  readonly dir?: string;
  readonly extra?: readonly ExtraCertificate[];
  /** Default: now. */
  readonly now?: Date;
}

const read = (file: string): Promise<Buffer> => readBounded(file, { maxBytes: MAX_MATERIAL_BYTES });

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export async function takeCertificateInventory(options: InventoryOptions): Promise<CertificateEntry[]> {
  const now = options.now ?? new Date();
  const entries: CertificateEntry[] = [];
  if (options.dir !== undefined) {
    const { materials } = await scanProfileDirectory(options.dir);
    for (const [profile, material] of materials) {
      if ('missing' in material) {
        entries.push({ profile, file: '', issues: [{ kind: 'unusable', message: material.missing }] });
        continue;
      }
      try {
        entries.push(...describeAll(profile, 'ca.crt', await read(material.caCertFile), undefined, now));
        if (material.certFile === undefined) continue;
        const key = material.privateKeyFile === undefined ? undefined : await read(material.privateKeyFile);
        entries.push(...describeAll(profile, basename(material.certFile), await read(material.certFile), key, now).slice(0, 1));
      } catch (error) {
        // Replaced or removed since the scan (a rotation in progress): the next inventory sees it.
        entries.push({ profile, file: '', issues: [{ kind: 'unreadable', message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }] });
      }
    }
  }
  for (const extra of options.extra ?? []) entries.push(...describeAll(extra.profile, extra.file, extra.certPem, extra.keyPem, now).slice(0, 1));
  return entries;
}

/** Every certificate of a PEM file; the key, when given, is checked against the first. */
function describeAll(profile: string, file: string, pem: string | Buffer, key: string | Buffer | undefined, now: Date): CertificateEntry[] {
  const blocks = pem.toString().match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) return [{ profile, file, issues: [{ kind: 'unreadable', message: `${file} holds no PEM certificate` }] }];
  return blocks.map((block, i) => describe(profile, i === 0 ? file : `${file}#${i + 1}`, block, i === 0 ? key : undefined, now));
}

function describe(profile: string, file: string, pem: string, key: string | Buffer | undefined, now: Date): CertificateEntry {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem);
  } catch (error) {
    return { profile, file, issues: [{ kind: 'unreadable', message: `${file} is not a certificate: ${(error as Error).message}` }] };
  }
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  const issues: CertificateIssue[] = [];
  if (notAfter.getTime() <= now.getTime()) issues.push({ kind: 'expired', message: `${file} expired at ${notAfter.toISOString()}` });
  if (notBefore.getTime() > now.getTime()) issues.push({ kind: 'not-yet-valid', message: `${file} is not valid before ${notBefore.toISOString()}` });
  const privateKey = key === undefined ? undefined : parseKey(key);
  if (privateKey !== undefined && !x509.checkPrivateKey(privateKey)) issues.push({ kind: 'key-mismatch', message: `the private key does not match ${file}` });
  return {
    profile,
    file,
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    sans: x509.subjectAltName === undefined ? [] : x509.subjectAltName.split(', '),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    issues,
  };
}

/** The key, or undefined when it cannot be checked (encrypted: the profile's password opens it). */
function parseKey(key: string | Buffer): KeyObject | undefined {
  try {
    return createPrivateKey(key);
  } catch {
    return undefined;
  }
}
