/**
 * The agent API a PoT workload talks to, in either of its versions: Edgelet LocalAPI v1
 * (bearer token, TLS) or the legacy ioFog agent LocalAPI v2 (no auth, id in the URL).
 */
import { access } from 'node:fs/promises';
import type { ClientOptions } from 'ws';
import { DEFAULT_TOKEN_DIR, tokenFileOf } from './auth-material.js';
import { EdgeletError } from './errors.js';
import type { FetchedConfig } from './envelope.js';
import { EdgeletV1Client } from './v1-client.js';
import { LegacyAgentClient } from './v2-client.js';

export interface ControlTarget {
  readonly url: string;
  readonly options: ClientOptions;
}

export interface AgentApi {
  readonly version: 'v1' | 'v2';
  /** One read of the config. v1 re-reads the token and retries once on 401. */
  fetchConfig(signal?: AbortSignal): Promise<FetchedConfig>;
  /** Where to dial the control socket, in order, with auth material read just now. */
  controlTargets(): Promise<ControlTarget[]>;
  /** The control URL that answered; tried first next time. */
  preferTarget(url: string): void;
  /** URL of the config, for messages and snapshot names. */
  readonly configUrl: string;
}

export type ApiChoice = 'auto' | 'v1' | 'v2';

/** Every option of both clients; each documents its default. */
export interface AgentApiOptions {
  /** `auto` (default): v1 when the service-account token exists or SELFNAME is unset, else v2. */
  readonly api?: ApiChoice;
  /** v1 identity (EDGELET_MICROSERVICE_UID); required for v1 although not sent on the wire. */
  readonly microserviceUid?: string;
  /** v2 identity (SELFNAME). */
  readonly selfName?: string;
  /** Default `edgelet.default.svc.bridge.local` (v1), `iofog` (v2). */
  readonly host?: string;
  /** Tried when `host` cannot be reached. Default `['127.0.0.1']`. */
  readonly fallbackHosts?: readonly string[];
  /** Default 54321. */
  readonly port?: number;
  /** Default true for v1, false for v2 (as the upstream SDKs). */
  readonly tls?: boolean;
  /** v1: certificate name to expect whatever host is dialled. Default: the dialled host. */
  readonly serverName?: string;
  /** v1: service-account directory (token, ca.crt). Default {@link DEFAULT_TOKEN_DIR}. */
  readonly tokenDir?: string;
  /** One HTTP request to one host. Default 15 s. */
  readonly requestTimeoutMs?: number;
  /**
   * Largest config accepted (`CONFIG_MAX_BYTES`); a reply bigger than twice that plus 64 KiB is
   * refused before it is buffered (see `replyLimitFor`). Default 4 MiB.
   */
  readonly maxConfigBytes?: number;
  /** Websocket opening handshake. Default 10 s. */
  readonly handshakeTimeoutMs?: number;
}

export { DEFAULT_FALLBACK_HOSTS, DEFAULT_PORT } from './endpoint.js';

/** Which API to speak; pure so the rule is tested on its own. Throws a clear identity error. */
export function chooseApiVersion(input: {
  readonly api: ApiChoice;
  readonly tokenExists: boolean;
  readonly microserviceUid?: string | undefined;
  readonly selfName?: string | undefined;
  readonly tokenDir: string;
}): 'v1' | 'v2' {
  const has = (s: string | undefined) => s !== undefined && s.trim() !== '';
  const version = input.api !== 'auto' ? input.api : !input.tokenExists && has(input.selfName) ? 'v2' : 'v1';
  if (version === 'v1' && !has(input.microserviceUid)) {
    const hint = input.api === 'auto' && !input.tokenExists ? ` (or SELFNAME for the legacy ioFog agent API v2, since there is no token at ${tokenFileOf(input.tokenDir)})` : '';
    throw new EdgeletError(
      `EDGELET_MICROSERVICE_UID is not set: the Edgelet API v1 needs this workload's microservice UUID${hint}`,
      { kind: 'identity' },
    );
  }
  if (version === 'v2' && !has(input.selfName)) {
    throw new EdgeletError('SELFNAME is not set: the legacy ioFog agent API v2 needs this workload\'s microservice UUID', { kind: 'identity' });
  }
  return version;
}

export async function createAgentApi(options: AgentApiOptions): Promise<AgentApi> {
  const tokenDir = options.tokenDir ?? DEFAULT_TOKEN_DIR;
  const tokenExists = await access(tokenFileOf(tokenDir)).then(
    () => true,
    () => false,
  );
  const version = chooseApiVersion({ api: options.api ?? 'auto', tokenExists, microserviceUid: options.microserviceUid, selfName: options.selfName, tokenDir });
  return version === 'v1'
    ? new EdgeletV1Client({ ...options, tokenDir, microserviceUid: options.microserviceUid ?? '' })
    : new LegacyAgentClient({ ...options, selfName: options.selfName ?? '' });
}
