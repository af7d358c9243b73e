/**
 * How skrouterd 3.5.1 secures an AMQP listener that names an sslProfile, for the simulator's
 * management port and the other listeners it serves (server_config.c `qd_server_config_load`,
 * tls.c `qd_tls_config` and `_validate_config`, tls_amqp.c `tls_private_allocate_amqp_config`):
 *
 * - `requireSsl` (default false): TLS only; without it TLS and plain AMQP share the port.
 * - `saslMechanisms` (space separated) are the only mechanisms offered. Naming EXTERNAL is what
 *   makes the TLS layer demand a client certificate signed by the profile's caCertFile
 *   (`ssl_require_peer_authentication`); EXTERNAL then authenticates as that certificate.
 * - `authenticatePeer` (default false): SASL is required, and ANONYMOUS does not authenticate.
 * - The profile's files are loaded when the listener is configured; a missing or unusable one
 *   refuses the listener, which at boot makes the router exit, with the router's message.
 *
 * A listener without an sslProfile is not secured: the simulator's plain AMQP, with or without
 * SASL ANONYMOUS, as before. `uidNameMappingFile` is not read.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { CError } from './errors.js';
import { pyStr, type Attributes } from './python-values.js';

/**
 * An in-process stand-in for a secured management listener (`startSimulator({ tls })`). The
 * defaults are the listener the controller writes: TLS only, mutual TLS, SASL EXTERNAL.
 */
export interface SimulatorTlsOptions {
  /** PEM of the router's certificate (the sslProfile's certFile). */
  readonly cert: string | Buffer;
  /** PEM of its private key (privateKeyFile). */
  readonly key: string | Buffer;
  /** PEM of the CA(s) client certificates must be signed by (caCertFile); required with EXTERNAL. */
  readonly ca?: string | Buffer;
  /** Passphrase of an encrypted `key` (the sslProfile's password). */
  readonly passphrase?: string;
  /** The listener's requireSsl (default true): false accepts plain AMQP on the same port too. */
  readonly requireSsl?: boolean;
  /** The listener's authenticatePeer (default true). */
  readonly authenticatePeer?: boolean;
  /** The listener's saslMechanisms, space separated (default `EXTERNAL`). */
  readonly saslMechanisms?: string;
}

/** A secured listener, resolved: what the TLS layer and the SASL server do. */
export interface ListenerSecurity {
  /** The sslProfile's name (for messages and the connection's TLS ordinal). */
  readonly profile: string;
  /** Credentials, trusted CAs, ciphers and protocol range of the TLS layer. */
  readonly context: SecureContextOptions;
  readonly requireSsl: boolean;
  readonly authenticatePeer: boolean;
  /** Mechanisms offered, in order. */
  readonly mechanisms: readonly string[];
  /** The TLS layer demands a client certificate signed by the profile's CA (EXTERNAL is offered). */
  readonly verifyPeer: boolean;
  /** A valid sslProfile uidFormat, which then names the user of a client certificate. */
  readonly uidFormat: string | undefined;
  readonly ordinal: number;
}

type PemField = 'caCertFile' | 'certFile' | 'privateKeyFile';

interface Material {
  readonly profile: string;
  /** What each file is called in messages (a path, or an option name). */
  readonly names: Readonly<Partial<Record<PemField, string>>>;
  readonly read: (field: PemField) => string | Buffer;
  readonly passphrase: string | undefined;
  readonly ciphers: string | undefined;
  readonly protocols: string | undefined;
}

const PROTOCOLS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/** A file system error by its code (ENOENT, EACCES, ...), anything else (OpenSSL's) by its message. */
function reason(e: unknown): string {
  const error = e as NodeJS.ErrnoException | undefined;
  if (error?.syscall !== undefined && error.code !== undefined) return error.code;
  return e instanceof Error ? e.message : String(e);
}

function configError(message: string): CError {
  return new CError('Configuration', message);
}

/** `_validate_config`: the files a listener's profile must name (none is read). */
function requireNames(profile: string, names: Readonly<Partial<Record<PemField, string>>>, verifyPeer: boolean): void {
  if (names.certFile === undefined) throw configError(`Listener requires a self-identifying certificate (sslProfile: ${profile})`);
  if (verifyPeer && names.caCertFile === undefined) throw configError(`Listener requires a CA for peer authentication (sslProfile: ${profile})`);
  if (names.privateKeyFile === undefined) throw configError(`Missing Private Keyfile (sslProfile: ${profile})`);
}

/** `_validate_config` then `tls_private_allocate_amqp_config`, in the router's order. */
function secureContext(m: Material, verifyPeer: boolean): SecureContextOptions {
  const { profile, names } = m;
  requireNames(profile, names, verifyPeer);
  // The router names only caCertFile or certFile (the key and password go with the certificate); the parenthesis says which file.
  const failed = (reported: 'caCertFile' | 'certFile', detail: string) =>
    configError(`Failed to configure TLS ${reported} '${names[reported] ?? ''}' from sslProfile '${profile}' (${detail})`);
  const load = (field: PemField, reported: 'caCertFile' | 'certFile'): string | Buffer => {
    try {
      return m.read(field);
    } catch (e) {
      throw failed(reported, `cannot read ${field} '${names[field] ?? ''}': ${reason(e)}`);
    }
  };
  const context: { -readonly [K in keyof SecureContextOptions]: SecureContextOptions[K] } = {};
  if (names.caCertFile !== undefined) {
    const ca = load('caCertFile', 'caCertFile');
    if (!String(ca).includes('-----BEGIN CERTIFICATE-----')) throw failed('caCertFile', 'no PEM certificate in caCertFile');
    try {
      createSecureContext({ ca });
    } catch (e) {
      throw failed('caCertFile', reason(e));
    }
    context.ca = ca;
  }
  context.cert = load('certFile', 'certFile');
  context.key = load('privateKeyFile', 'certFile');
  if (m.passphrase !== undefined) context.passphrase = m.passphrase;
  try {
    createSecureContext(context);
  } catch (e) {
    throw failed('certFile', `certFile and privateKeyFile: ${reason(e)}`);
  }
  if (m.protocols !== undefined) {
    const listed = m.protocols.split(/\s+/).filter(Boolean);
    const known = listed.map((p) => PROTOCOLS.indexOf(p as (typeof PROTOCOLS)[number]));
    if (known.length === 0 || known.some((i) => i < 0)) throw configError(`Failed to configure TLS Protocols '${m.protocols}' for sslProfile '${profile}')`);
    context.minVersion = PROTOCOLS[Math.min(...known)];
    context.maxVersion = PROTOCOLS[Math.max(...known)];
  }
  if (m.ciphers !== undefined) {
    try {
      createSecureContext({ ciphers: m.ciphers });
    } catch {
      throw configError(`Failed to configure TLS Ciphers '${m.ciphers}' for sslProfile '${profile}'. Use openssl ciphers -v <ciphers> to validate`);
    }
    context.ciphers = m.ciphers;
  }
  return context;
}

/** tls_private_validate_uid_format: any of `csloun`, at most one fingerprint of `125`, at most 7. */
function validUidFormat(format: unknown): string | undefined {
  if (typeof format !== 'string' || format.length > 7 || !/^[csloun125]*$/.test(format)) return undefined;
  return (format.match(/[125]/g) ?? []).length > 1 ? undefined : format;
}

/** qd_server_config_process_password (literal prefixes allowed), then qd_set_password_from_file. */
function password(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.startsWith('env:')) {
    // The router reads its own environment here; so does the simulated one.
    const found = process.env[value.slice(4).replace(/^ +/, '')];
    if (found === undefined) throw new CError('Not found', 'Failed to find a password in the environment variable');
    return found;
  }
  if (value.startsWith('pass:')) return value.slice(5);
  if (value.startsWith('literal:')) return value.slice(8);
  if (value.startsWith('file:')) {
    try {
      const line = readFileSync(value.slice(5), 'utf8').split('\n')[0]?.slice(0, 199) ?? '';
      return line === '' ? value : line;
    } catch {
      return value; // the router logs the failure and keeps the attribute's text as the password
    }
  }
  return value;
}

function mechanismsOf(saslMechanisms: unknown): string[] {
  return typeof saslMechanisms === 'string' ? saslMechanisms.split(/\s+/).filter(Boolean) : [];
}

/**
 * When a listener needs a CA: server_config.c sets `ssl_require_peer_authentication` when its
 * saslMechanisms name EXTERNAL (`strstr`, so any spelling that contains it), and that flag, not
 * `authenticatePeer`, is what listener creation hands to the TLS set-up as authenticate_peer.
 */
function requiresPeerCertificate(saslMechanisms: unknown): boolean {
  return typeof saslMechanisms === 'string' && saslMechanisms.includes('EXTERNAL');
}

/**
 * The part of a listener's TLS set-up that reads no file: the profile must name a certificate and
 * its key, and a CA when EXTERNAL is offered. Throws the router's CError; dataplane.ts runs it for
 * the listeners whose files are not read, so a profile no router could use is refused everywhere.
 */
export function checkListenerProfile(listener: Attributes, profile: Attributes): void {
  const names: Partial<Record<PemField, string>> = {};
  for (const field of ['caCertFile', 'certFile', 'privateKeyFile'] as const) {
    const p = profile[field];
    if (typeof p === 'string') names[field] = p;
  }
  requireNames(pyStr(profile['name']), names, requiresPeerCertificate(listener['saslMechanisms']));
}

/**
 * The TLS set-up of listener creation (attributes as the agent holds them): undefined when it
 * names no sslProfile. Throws the CError the router's listener creation fails with (a 500 to a
 * CREATE, a start-up failure at boot); dataplane.ts calls it where a listener is configured.
 */
export function listenerSecurity(listener: Attributes, profiles: readonly Attributes[]): ListenerSecurity | undefined {
  const name = listener['sslProfile'];
  if (name === undefined || name === null) return undefined;
  const profileName = pyStr(name);
  const profile = profiles.find((p) => p['name'] === name);
  if (!profile) throw new CError('Not found', `sslProfile '${profileName}' not found`);
  const saslMechanisms = listener['saslMechanisms'];
  const verifyPeer = requiresPeerCertificate(saslMechanisms);
  const path = (field: PemField): string | undefined => (typeof profile[field] === 'string' ? profile[field] : undefined);
  const names: Partial<Record<PemField, string>> = {};
  for (const field of ['caCertFile', 'certFile', 'privateKeyFile'] as const) {
    const p = path(field);
    if (p !== undefined) names[field] = p;
  }
  const pass = password(profile['password']);
  const context = secureContext(
    {
      profile: profileName,
      names,
      read: (field) => readFileSync(path(field) ?? ''),
      passphrase: pass,
      ciphers: typeof profile['ciphers'] === 'string' ? profile['ciphers'] : undefined,
      protocols: typeof profile['protocols'] === 'string' ? profile['protocols'] : undefined,
    },
    verifyPeer,
  );
  const mechanisms = mechanismsOf(saslMechanisms);
  return {
    profile: profileName,
    context,
    requireSsl: listener['requireSsl'] === true,
    authenticatePeer: listener['authenticatePeer'] === true,
    mechanisms: mechanisms.length > 0 ? mechanisms : ['ANONYMOUS'],
    verifyPeer,
    uidFormat: validUidFormat(profile['uidFormat']),
    ordinal: typeof profile['ordinal'] === 'number' ? profile['ordinal'] : 0,
  };
}

/** The security of `startSimulator({ tls })`; a bad option throws an Error naming it. */
export function securityFromOptions(tls: SimulatorTlsOptions): ListenerSecurity {
  const saslMechanisms = tls.saslMechanisms ?? 'EXTERNAL';
  const verifyPeer = requiresPeerCertificate(saslMechanisms);
  const values: Record<PemField, string | Buffer | undefined> = { caCertFile: tls.ca, certFile: tls.cert, privateKeyFile: tls.key };
  const option: Record<PemField, string> = { caCertFile: 'tls.ca', certFile: 'tls.cert', privateKeyFile: 'tls.key' };
  const names: Partial<Record<PemField, string>> = {};
  for (const field of ['caCertFile', 'certFile', 'privateKeyFile'] as const) if (values[field] !== undefined) names[field] = option[field];
  let context: SecureContextOptions;
  try {
    context = secureContext(
      { profile: 'tls', names, read: (field) => values[field] ?? '', passphrase: tls.passphrase, ciphers: undefined, protocols: undefined },
      verifyPeer,
    );
  } catch (e) {
    throw new Error(`startSimulator: unusable tls option: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const mechanisms = mechanismsOf(saslMechanisms);
  return {
    profile: 'tls',
    context,
    requireSsl: tls.requireSsl ?? true,
    authenticatePeer: tls.authenticatePeer ?? true,
    mechanisms: mechanisms.length > 0 ? mechanisms : ['ANONYMOUS'],
    verifyPeer,
    uidFormat: undefined,
    ordinal: 0,
  };
}
