/**
 * Throw-away certificates for the simulator's TLS tests: the credentials the controller mints for
 * its management listener (controller/tls/management-credentials.ts), written to a temporary
 * directory for boot files, plus a second, unrelated set whose client certificate no listener of
 * the first trusts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANAGEMENT_COMMON_NAMES, createManagementCredentials } from '../../../controller/tls/management-credentials.js';

export interface Credentials {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TestPki {
  readonly dir: string;
  readonly ca: Buffer;
  readonly caFile: string;
  /** serverAuth, for 127.0.0.1, ::1 and localhost. */
  readonly router: Credentials;
  /** clientAuth, signed by `ca`. */
  readonly client: Credentials;
  /** The user EXTERNAL authenticates `client` as (its subject, RFC 2253). */
  readonly clientUser: string;
  /** A client certificate of another CA. */
  readonly stranger: Credentials;
}

/** Creates the certificates and writes them to a fresh temporary directory. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sim-pki-'));
  const write = (name: string, pem: string): string => {
    const file = join(dir, name);
    writeFileSync(file, pem);
    return file;
  };
  const credentials = (name: string, certPem: string, keyPem: string): Credentials => ({
    cert: Buffer.from(certPem),
    key: Buffer.from(keyPem),
    certFile: write(`${name}.crt`, certPem),
    keyFile: write(`${name}.key`, keyPem),
  });
  const mine = createManagementCredentials();
  const other = createManagementCredentials();
  return {
    dir,
    ca: Buffer.from(mine.caCertPem),
    caFile: write('ca.crt', mine.caCertPem),
    router: credentials('router', mine.routerCertPem, mine.routerKeyPem),
    client: credentials('client', mine.clientCertPem, mine.clientKeyPem),
    clientUser: `CN=${MANAGEMENT_COMMON_NAMES.client}`,
    stranger: credentials('stranger', other.clientCertPem, other.clientKeyPem),
  };
}
