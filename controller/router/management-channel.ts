/**
 * The management channel between the controller and its router: the URL, the client's TLS
 * material, and the entities the boot file adds so the router listens for it.
 *
 * - Supervised, `MGMT_AUTH=mtls` (default): a CA, a router and a controller certificate are made
 *   at every start (`controller/tls/management-credentials.ts`). The router's key, its certificate
 *   and the CA go to a fresh 0700 directory beside the boot file (writable, and already visible to
 *   a router in a container), since skrouterd reads files; the controller's key stays in memory
 *   and the CA key is discarded. The directory goes at stop; one left by a killed controller goes
 *   at the next start. The listener requires TLS, a client certificate
 *   from that CA, and SASL EXTERNAL, so no other local process can reconfigure the router.
 * - Supervised, `MGMT_AUTH=none`: an anonymous listener, loopback only.
 * - Attach (`ROUTER_URL`): the router is someone else's, and `MGMT_AUTH` does not apply.
 *   `ROUTER_TLS_CA/CERT/KEY` are read once, at start. A boot file written in pot mode keeps the
 *   anonymous loopback listener it always had: certificates made by this process would vanish
 *   with it, and whoever runs that router secures it.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DesiredEntity } from '../../schemas/index.js';
import { MAX_MATERIAL_BYTES, readBounded } from '../fs/read-bounded.js';
import type { ManagementTlsOptions } from '../management/index.js';
import type { Settings } from '../settings.js';
import { StartupError } from '../startup-error.js';
import { createManagementCredentials } from '../tls/management-credentials.js';
import { assertBootFileFree } from './leftover-router.js';

/** Name of the management listener the controller adds; reserved, never planned. */
export const MANAGEMENT_LISTENER = 'iofog-router-management';
/** Name of that listener's sslProfile with mTLS (skrouterd names are unique across entity types). */
export const MANAGEMENT_SSL_PROFILE = 'iofog-router-management-tls';
/** The names the plan must never touch, nor a desired config take. */
export const MANAGEMENT_NAMES: readonly string[] = [MANAGEMENT_LISTENER, MANAGEMENT_SSL_PROFILE];

export interface ManagementChannel {
  readonly url: string;
  /** TLS material of the client; undefined over plain AMQP. */
  readonly tls: ManagementTlsOptions | undefined;
  /** What the boot file adds for the channel: the listener, and its sslProfile with mTLS. */
  readonly bootEntities: readonly DesiredEntity[];
  /** How the channel is protected, for the start-up log and `/status`. */
  readonly auth: 'mtls' | 'none' | 'attach-tls' | 'attach';
  /** Removes the generated files (after the router stopped). */
  close(): Promise<void>;
}

/** The anonymous loopback listener (`MGMT_AUTH=none`). */
export function anonymousListener(port: number): DesiredEntity {
  return {
    kind: 'listener',
    name: MANAGEMENT_LISTENER,
    attributes: { host: '127.0.0.1', port: String(port), role: 'normal', saslMechanisms: 'ANONYMOUS', authenticatePeer: false },
  };
}

/** The router's files in the certificate directory, by the sslProfile attribute that names each. */
const ROUTER_FILES = { caCertFile: 'ca.crt', certFile: 'router.crt', privateKeyFile: 'router.key' } as const;

/** The mTLS listener and its sslProfile, for certificate files in `dir`. */
export function mtlsEntities(port: number, dir: string): DesiredEntity[] {
  return [
    {
      kind: 'sslProfile',
      name: MANAGEMENT_SSL_PROFILE,
      attributes: Object.fromEntries(Object.entries(ROUTER_FILES).map(([attribute, file]) => [attribute, join(dir, file)])),
    },
    {
      kind: 'listener',
      name: MANAGEMENT_LISTENER,
      attributes: {
        host: '127.0.0.1',
        port: String(port),
        role: 'normal',
        sslProfile: MANAGEMENT_SSL_PROFILE,
        requireSsl: true,
        authenticatePeer: true,
        saslMechanisms: 'EXTERNAL',
      },
    },
  ];
}

/** Prefix of the certificate directories made beside `bootFile`: named after it, so controllers with other boot files in the same directory keep theirs. */
function certDirPrefix(bootFile: string): string {
  return `.${basename(bootFile)}.mgmt-`;
}

/**
 * Removes the certificate directories an earlier controller of this boot file left when it was
 * killed before its stop: their CA is gone, so nothing can use them, and two controllers never
 * share a boot file (they would overwrite each other's).
 */
async function removeStaleDirectories(bootFile: string): Promise<void> {
  const parent = dirname(bootFile);
  const prefix = certDirPrefix(bootFile);
  const names = await readdir(parent).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(join(parent, n), { recursive: true, force: true })));
}

type ChannelSettings = Pick<
  Settings,
  'routerUrl' | 'managementPort' | 'managementAuth' | 'routerTlsCa' | 'routerTlsCert' | 'routerTlsKey' | 'bootFile' | 'configFile'
>;

export async function openManagementChannel(settings: ChannelSettings): Promise<ManagementChannel> {
  const { routerUrl, managementPort: port } = settings;
  if (routerUrl !== undefined) return attachChannel(settings, routerUrl);
  if (settings.managementAuth === 'none') {
    return { url: `amqp://127.0.0.1:${port}`, tls: undefined, bootEntities: [anonymousListener(port)], auth: 'none', close: async () => {} };
  }
  const credentials = createManagementCredentials();
  const bootFile = settings.bootFile ?? settings.configFile;
  const parent = dirname(bootFile);
  // Another running controller's certificate directories are not stale.
  await assertBootFileFree(bootFile);
  let dir: string;
  try {
    await removeStaleDirectories(bootFile);
    dir = await mkdtemp(join(parent, certDirPrefix(bootFile)));
  } catch (error) {
    throw new StartupError(`cannot create the management channel's certificate directory in ${parent}: ${(error as Error).message} (the boot file's directory must be writable; or MGMT_AUTH=none)`);
  }
  try {
    const pems = { caCertFile: credentials.caCertPem, certFile: credentials.routerCertPem, privateKeyFile: credentials.routerKeyPem };
    for (const [attribute, file] of Object.entries(ROUTER_FILES)) {
      await writeFile(join(dir, file), pems[attribute as keyof typeof ROUTER_FILES], { mode: 0o600 });
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new StartupError(`cannot write the management channel's certificates to ${dir}: ${(error as Error).message} (or MGMT_AUTH=none)`);
  }
  return {
    url: `amqps://127.0.0.1:${port}`,
    tls: {
      ca: Buffer.from(credentials.caCertPem),
      cert: Buffer.from(credentials.clientCertPem),
      key: Buffer.from(credentials.clientKeyPem),
    },
    bootEntities: mtlsEntities(port, dir),
    auth: 'mtls',
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

async function attachChannel(settings: ChannelSettings, url: string): Promise<ManagementChannel> {
  const bootEntities = [anonymousListener(settings.managementPort)];
  const close = async (): Promise<void> => {};
  if (!url.startsWith('amqps://')) return { url, tls: undefined, bootEntities, auth: 'attach', close };
  const read = async (variable: string, file: string | undefined): Promise<Buffer | undefined> => {
    if (file === undefined) return undefined;
    try {
      return await readBounded(file, { maxBytes: MAX_MATERIAL_BYTES });
    } catch (error) {
      throw new StartupError(`${variable}=${file}: cannot read the file: ${(error as Error).message}`);
    }
  };
  const [ca, cert, key] = [
    await read('ROUTER_TLS_CA', settings.routerTlsCa),
    await read('ROUTER_TLS_CERT', settings.routerTlsCert),
    await read('ROUTER_TLS_KEY', settings.routerTlsKey),
  ];
  checkPem(settings, ca, cert, key);
  const tls: ManagementTlsOptions = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  return { url, tls, bootEntities, auth: 'attach-tls', close };
}

/** Refuses at start what would otherwise fail every connection attempt with an OpenSSL message. */
function checkPem(settings: ChannelSettings, ca: Buffer | undefined, cert: Buffer | undefined, key: Buffer | undefined): void {
  const parse = <T>(variable: string, file: string | undefined, what: string, f: () => T): T => {
    try {
      return f();
    } catch (error) {
      throw new StartupError(`${variable}=${file ?? ''}: not ${what}: ${(error as Error).message}`);
    }
  };
  if (ca) parse('ROUTER_TLS_CA', settings.routerTlsCa, 'a PEM certificate', () => new X509Certificate(ca));
  if (!cert || !key) return;
  const certificate = parse('ROUTER_TLS_CERT', settings.routerTlsCert, 'a PEM certificate', () => new X509Certificate(cert));
  const privateKey = parse('ROUTER_TLS_KEY', settings.routerTlsKey, 'a PEM private key', () => createPrivateKey(key));
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new StartupError(`ROUTER_TLS_KEY=${settings.routerTlsKey ?? ''}: does not match the certificate in ROUTER_TLS_CERT=${settings.routerTlsCert ?? ''}`);
  }
}
