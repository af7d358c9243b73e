/**
 * Fresh mutual-TLS credentials for the controller's loopback management listener, minted at
 * every controller start.
 *
 * Why: on PoT interior routers with host networking, every local process can reach the
 * router's loopback ports, so an anonymous management listener lets any of them reconfigure
 * (or tear down) the router. The listener instead requires a client certificate (mutual TLS,
 * SASL EXTERNAL) issued by an ephemeral CA whose private key never leaves this function: it
 * is discarded, so nothing, not even a later controller, can mint another client
 * certificate. The controller's client key lives only in the controller's memory.
 *
 * The router's key must sit on disk for skrouterd to read, so the router certificate is
 * serverAuth-only: a process that steals that key still cannot log in as a client, because
 * OpenSSL rejects a client certificate whose extKeyUsage lacks clientAuth.
 *
 * Validity: notBefore is one day back (clock skew, clocks that jump after boot on edge
 * devices without RTC); notAfter is far out (default 10 years) because the listener cannot
 * change its certificate without a router restart, and the credentials are regenerated with
 * the controller anyway.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createCertificate } from './x509.js';

export interface ManagementCredentials {
  /** The ephemeral CA both sides trust (and nothing else). */
  caCertPem: string;
  /** Server certificate for the router's management listener: serverAuth only, SAN IP 127.0.0.1, IP ::1, DNS localhost. */
  routerCertPem: string;
  /** PKCS#8 PEM; written to disk for skrouterd. */
  routerKeyPem: string;
  /** Client certificate the controller presents: clientAuth only. */
  clientCertPem: string;
  /** PKCS#8 PEM; keep in memory. */
  clientKeyPem: string;
}

export interface ManagementCredentialsOptions {
  /** The instant validity is computed from. Default: `new Date()`. */
  now?: Date;
  /** Days from `now` until the certificates expire. Default: 3650. */
  validityDays?: number;
}

export const MANAGEMENT_COMMON_NAMES = {
  ca: 'iofog-router-management-ca',
  router: 'iofog-router',
  client: 'iofog-router-controller',
} as const;

const DAY_MS = 86_400_000;

const newKeyPair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

/** An ephemeral CA, a router (server) and a controller (client) certificate; the CA key is discarded. */
export function createManagementCredentials(options: ManagementCredentialsOptions = {}): ManagementCredentials {
  const now = options.now ?? new Date();
  const validityDays = options.validityDays ?? 3650;
  if (Number.isNaN(now.getTime())) throw new RangeError('management credentials: `now` is an invalid date');
  if (!Number.isFinite(validityDays) || validityDays <= 0) throw new RangeError(`management credentials: validityDays must be a positive number, got ${validityDays}`);
  const validity = { notBefore: new Date(now.getTime() - DAY_MS), notAfter: new Date(now.getTime() + validityDays * DAY_MS) };

  const ca = newKeyPair();
  const issuer = { commonName: MANAGEMENT_COMMON_NAMES.ca, privateKey: ca.privateKey };
  const caCertPem = createCertificate({ commonName: issuer.commonName, publicKey: ca.publicKey, issuer, ca: true, ...validity });

  const router = newKeyPair();
  const routerCertPem = createCertificate({
    commonName: MANAGEMENT_COMMON_NAMES.router,
    publicKey: router.publicKey,
    issuer,
    ca: false,
    extendedKeyUsage: ['serverAuth'],
    ipAddresses: ['127.0.0.1', '::1'],
    dnsNames: ['localhost'],
    ...validity,
  });

  const client = newKeyPair();
  const clientCertPem = createCertificate({
    commonName: MANAGEMENT_COMMON_NAMES.client,
    publicKey: client.publicKey,
    issuer,
    ca: false,
    extendedKeyUsage: ['clientAuth'],
    ...validity,
  });

  const pkcs8 = (key: typeof router.privateKey) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { caCertPem, routerCertPem, routerKeyPem: pkcs8(router.privateKey), clientCertPem, clientKeyPem: pkcs8(client.privateKey) };
}
