/**
 * The SASL server of a secured listener, as rhea's server-side SASL layer expects it: a map from
 * mechanism name to a factory of mechanism objects (`start()` sets `outcome` and `username`).
 *
 * - Only the listener's `saslMechanisms` are offered (EXTERNAL only over TLS). A client that picks another mechanism, or
 *   fails the one it picked, gets the outcome `auth` and the connection is closed, as proton
 *   closes the transport after a failed outcome (rhea alone would leave it open).
 * - EXTERNAL succeeds on a TLS connection whose client certificate was verified; the user is
 *   the certificate's subject (RFC 2253, as proton prints it), or what the sslProfile's
 *   `uidFormat` builds from it.
 * - ANONYMOUS succeeds unless the listener authenticates its peers. Mechanisms that need a user
 *   database (PLAIN, SCRAM-*, ...) are offered when listed but never succeed: the simulator has none.
 */
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { ListenerSecurity } from './listener-security.js';
import type { ConnectionSecurity } from './state.js';

/** What rhea's SaslServer calls: `start` (its result may be a promise), then reads the outcome. */
interface ServerMechanism {
  outcome: boolean | undefined;
  username: string | undefined;
  start(): void;
}

/** RFC 2253 order: the most specific component first. */
function subjectName(cert: X509Certificate): string {
  return cert.subject.split('\n').reverse().join(',');
}

const UID_FIELDS: Record<string, string> = { c: 'C', s: 'ST', l: 'L', o: 'O', u: 'OU', n: 'CN' };

/** tls_amqp.c `_get_uid_name`: the fields uidFormat names, `;`-separated; fingerprints in lower-case hex. */
function uidName(cert: X509Certificate, format: string): string | undefined {
  const fields = new Map<string, string>();
  for (const line of cert.subject.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !fields.has(line.slice(0, at))) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  const fingerprint = (f: string) => f.replaceAll(':', '').toLowerCase();
  const parts = [...format].map((c) => {
    if (c === '1') return fingerprint(cert.fingerprint);
    if (c === '2') return fingerprint(cert.fingerprint256);
    if (c === '5') return fingerprint(cert.fingerprint512);
    return fields.get(UID_FIELDS[c] ?? '');
  });
  const present = parts.filter((p): p is string => p !== undefined && p !== '');
  return present.length > 0 ? present.join(';') : undefined;
}

/** The verified client certificate of a TLS connection, if any. */
function verifiedPeer(tls: TLSSocket | undefined): X509Certificate | undefined {
  return tls?.authorized === true ? tls.getPeerX509Certificate() : undefined;
}

/** The user a certificate names, by uidFormat if the profile has one. */
export function certificateUser(tls: TLSSocket | undefined, security: ListenerSecurity): string | undefined {
  const cert = verifiedPeer(tls);
  if (!cert) return undefined;
  return (security.uidFormat === undefined ? undefined : uidName(cert, security.uidFormat)) ?? subjectName(cert);
}

function cipherBits(name: string | undefined): number | null {
  if (name === undefined) return null;
  if (/256|CHACHA20/.test(name)) return 256;
  return /128/.test(name) ? 128 : null;
}

/** The connection entity's security columns for a connection of a secured listener. */
export function connectionSecurity(tls: TLSSocket | undefined, security: ListenerSecurity, sasl: { mechanism: string; user: string } | undefined): ConnectionSecurity {
  const cipher = tls?.getCipher().name;
  return {
    isEncrypted: tls !== undefined,
    ssl: tls !== undefined,
    sslProto: tls?.getProtocol() ?? null,
    sslCipher: cipher ?? null,
    sslSsf: cipherBits(cipher),
    sasl: sasl?.mechanism ?? null,
    user: certificateUser(tls, security) ?? sasl?.user ?? 'anonymous',
    isAuthenticated: sasl !== undefined,
    tlsOrdinal: tls === undefined ? null : security.ordinal,
  };
}

/** What a plain connection that did SASL ANONYMOUS reports (a listener without an sslProfile). */
export function plainConnectionSecurity(sasl: { mechanism: string; user: string } | undefined): ConnectionSecurity | undefined {
  if (!sasl) return undefined;
  return { isEncrypted: false, ssl: false, sslProto: null, sslCipher: null, sslSsf: 0, sasl: sasl.mechanism, user: sasl.user, isAuthenticated: true, tlsOrdinal: null };
}

/** The mechanisms of a listener without an sslProfile: ANONYMOUS, optional; `outcome` hears who used it. */
export function plainMechanisms(outcome: (mechanism: string, user: string) => void): object {
  return {
    ANONYMOUS: (): ServerMechanism => {
      const m: ServerMechanism = {
        outcome: undefined,
        username: undefined,
        start() {
          // Cyrus names every ANONYMOUS user `anonymous`, whatever trace string the client sent.
          m.outcome = true;
          m.username = 'anonymous';
          outcome('ANONYMOUS', 'anonymous');
        },
      };
      return m;
    },
  };
}

/**
 * The mechanisms a connection is offered: EXTERNAL only over TLS, whose client certificate it
 * stands on, and none to a plain connection when the listener requires TLS (the recorded case is
 * EXTERNAL alone; that a listener naming ANONYMOUS too offers nothing either is the simulator's
 * reading of requireSsl).
 */
export function offeredMechanisms(security: ListenerSecurity, tls: TLSSocket | undefined): string[] {
  if (tls === undefined && security.requireSsl) return [];
  return security.mechanisms.filter((m) => tls !== undefined || m !== 'EXTERNAL');
}

/**
 * The mechanism map for one connection. `outcome` hears every SASL result (the user on success);
 * on failure `refuse` is called once the outcome frame is on its way.
 */
export function serverMechanisms(
  security: ListenerSecurity,
  tls: TLSSocket | undefined,
  outcome: (mechanism: string, user: string | undefined) => void,
  refuse: () => void,
): object {
  const offered = offeredMechanisms(security, tls);
  const userFor = (mechanism: string): string | undefined => {
    if (!offered.includes(mechanism)) return undefined;
    if (mechanism === 'EXTERNAL') return certificateUser(tls, security);
    if (mechanism === 'ANONYMOUS') return security.authenticatePeer ? undefined : 'anonymous';
    return undefined;
  };
  const factory = (mechanism: string) => (): ServerMechanism => {
    const m: ServerMechanism = {
      outcome: undefined,
      username: undefined,
      start() {
        const user = userFor(mechanism);
        m.outcome = user !== undefined;
        m.username = user;
        outcome(mechanism, user);
        // rhea writes the outcome right after start() returns (a promise step later).
        if (user === undefined) setImmediate(refuse);
      },
    };
    return m;
  };
  // rhea lists the offered mechanisms with Object.getOwnPropertyNames and looks the client's
  // choice up by name; any name resolves, so an unoffered one fails like a failed one.
  return new Proxy(
    {},
    {
      ownKeys: () => [...offered],
      getOwnPropertyDescriptor: (_target, key) =>
        typeof key === 'string' && offered.includes(key) ? { value: factory(key), enumerable: true, configurable: true, writable: false } : undefined,
      get: (_target, key) => (typeof key === 'string' && /^[A-Z0-9_-]+$/.test(key) ? factory(key) : undefined),
    },
  );
}
