/**
 * Where the agent API is: a list of hosts tried in order (the Edgelet's DNS name, then
 * 127.0.0.1, because host-network workloads cannot resolve the name), one port, TLS or not.
 * A host that answered is tried first next time. Only failures to reach a host (DNS, refused,
 * unreachable, timeout, reset) move on to the next one; an answer, even an error status, or a
 * refused certificate, does not.
 */
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import ky, { TimeoutError } from 'ky';
import type { ClientOptions } from 'ws';
import { DEFAULT_MAX_BYTES } from '../../../schemas/config/index.js';
import { nodeFetch, ResponseTooLargeError } from './node-fetch.js';
import { EdgeletError, describeError } from './errors.js';

export interface EndpointOptions {
  /** Hosts in order of preference; at least one. */
  readonly hosts: readonly string[];
  readonly port: number;
  /** https/wss when true, http/ws when false. */
  readonly tls: boolean;
  /** Certificate name to expect whatever host is dialled. Default: the host itself. */
  readonly serverName?: string;
  /** Timeout of one HTTP request to one host. */
  readonly requestTimeoutMs: number;
  /**
   * Largest config the replies may carry (`CONFIG_MAX_BYTES`). A reply body may be
   * {@link replyLimitFor} that: bigger is refused before it is buffered. Default 4 MiB.
   */
  readonly maxConfigBytes?: number;
}

/** Room for the envelope around the config: `success`, `data`, `microserviceUuid`, keys and spacing. */
export const ENVELOPE_ALLOWANCE_BYTES = 64 * 1024;

/**
 * The largest reply body read: twice the config limit plus {@link ENVELOPE_ALLOWANCE_BYTES}.
 * Twice, not the limit plus a little: the config usually travels as a JSON string inside the
 * envelope, where every `"`, `\` and line break of its text takes two bytes (a PoT config is
 * mostly quoted keys and strings), so a config of N bytes needs up to 2N in the reply. With
 * `limit + 64 KiB`, a valid config near CONFIG_MAX_BYTES would fail as a "too large" reply; with
 * twice, it reaches `loadConfig`, which applies CONFIG_MAX_BYTES to the config itself and names
 * it. Only characters sent as `\uXXXX` (6 bytes) could make a config within the limit exceed
 * this. At the default 4 MiB this is 8 MiB + 64 KiB, half the fixed 16 MiB it replaces.
 */
export function replyLimitFor(maxConfigBytes: number): number {
  return 2 * maxConfigBytes + ENVELOPE_ALLOWANCE_BYTES;
}

export const DEFAULT_PORT = 54321;
export const DEFAULT_FALLBACK_HOSTS: readonly string[] = ['127.0.0.1'];
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** The endpoint options of either API client: its own default host and TLS, the shared defaults for the rest. */
export function endpointOptions(
  options: {
    readonly host?: string;
    readonly fallbackHosts?: readonly string[];
    readonly port?: number;
    readonly tls?: boolean;
    readonly requestTimeoutMs?: number;
    readonly serverName?: string;
    readonly maxConfigBytes?: number;
  },
  defaults: { readonly host: string; readonly tls: boolean },
): EndpointOptions {
  return {
    hosts: [options.host ?? defaults.host, ...(options.fallbackHosts ?? DEFAULT_FALLBACK_HOSTS)],
    port: options.port ?? DEFAULT_PORT,
    tls: options.tls ?? defaults.tls,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    ...(options.serverName !== undefined ? { serverName: options.serverName } : {}),
    ...(options.maxConfigBytes !== undefined ? { maxConfigBytes: options.maxConfigBytes } : {}),
  };
}

export interface HttpReply {
  readonly status: number;
  readonly text: string;
  readonly url: string;
}

export interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  /** Trusted roots for this request (https only). */
  readonly ca?: readonly string[];
  readonly signal?: AbortSignal;
}

const HOST_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** The error means "this host could not be reached", not "this host said no". */
export function isHostFailure(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined) return HOST_FAILURES.has(code);
  return error instanceof Error && /socket hang up|handshake timed out|opening handshake has timed out/i.test(error.message);
}

export function isTlsFailure(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  return /CERT|SELF_SIGNED|VERIFY|ERR_TLS|ERR_SSL|ALTNAME/.test(code);
}

export class Endpoint {
  readonly #options: EndpointOptions;
  #preferred = 0;

  constructor(options: EndpointOptions) {
    if (options.hosts.length === 0) throw new Error('edgelet endpoint: at least one host is needed');
    this.#options = options;
  }

  get tls(): boolean {
    return this.#options.tls;
  }

  get serverName(): string | undefined {
    return this.#options.serverName;
  }

  /** Base URLs in the order to try them (`https://host:port`). */
  origins(scheme: 'http' | 'ws'): string[] {
    const s = scheme + (this.#options.tls ? 's' : '');
    return this.#order().map((i) => `${s}://${hostPart(this.#options.hosts[i] ?? '')}:${this.#options.port}`);
  }

  /** The first URL, for messages and snapshot names. */
  describe(path: string): string {
    return `${this.origins('http')[0] ?? ''}${path}`;
  }

  /** Remembers which origin answered, so it is tried first next time. */
  prefer(origin: string): void {
    const index = this.#options.hosts.findIndex((h) => origin.includes(`//${hostPart(h)}:`));
    if (index >= 0) this.#preferred = index;
  }

  async request(spec: RequestSpec): Promise<HttpReply> {
    const failures: string[] = [];
    const maxConfigBytes = this.#options.maxConfigBytes ?? DEFAULT_MAX_BYTES;
    const maxBytes = replyLimitFor(maxConfigBytes);
    const fetch = nodeFetch({
      maxBytes,
      ...(spec.ca !== undefined ? { ca: spec.ca } : {}),
      ...(this.#options.serverName !== undefined ? { serverName: this.#options.serverName } : {}),
    });
    for (const origin of this.origins('http')) {
      const url = origin + spec.path;
      try {
        const response = await ky(url, {
          method: spec.method,
          fetch,
          retry: 0,
          throwHttpErrors: false,
          timeout: this.#options.requestTimeoutMs,
          headers: { accept: 'application/json', ...spec.headers },
          ...(spec.json !== undefined ? { json: spec.json } : {}),
          ...(spec.signal !== undefined ? { signal: spec.signal } : {}),
        });
        const text = await response.text();
        this.prefer(origin);
        return { status: response.status, text, url };
      } catch (cause) {
        if (spec.signal?.aborted) throw cause;
        if (cause instanceof ResponseTooLargeError) {
          const size = cause.size !== undefined ? `${cause.size} bytes, more than` : 'more than';
          throw new EdgeletError(
            `edgelet: the reply from ${url} is ${size} the limit of ${maxBytes} bytes ` +
              `(2 × CONFIG_MAX_BYTES ${maxConfigBytes} + ${ENVELOPE_ALLOWANCE_BYTES / 1024} KiB for the envelope); refused without reading it all`,
            { kind: 'too-large', url },
            { cause },
          );
        }
        if (isTlsFailure(cause)) {
          throw new EdgeletError(`edgelet: TLS with ${url} failed: ${describeError(cause)}`, { kind: 'tls', url }, { cause });
        }
        if (!isHostFailure(cause)) {
          throw new EdgeletError(`edgelet: request to ${url} failed: ${describeError(cause)}`, { kind: 'unreachable', url }, { cause });
        }
        failures.push(`${url}: ${describeError(cause)}`);
      }
    }
    throw new EdgeletError(`edgelet: no host answered (${failures.join('; ')})`, { kind: 'unreachable', url: this.describe(spec.path) });
  }

  #order(): number[] {
    const all = this.#options.hosts.map((_, i) => i);
    return [this.#preferred, ...all.filter((i) => i !== this.#preferred)];
  }
}

function hostPart(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** TLS options of a websocket dial (CA, expected certificate name). */
export function tlsDialOptions(endpoint: Endpoint, ca: readonly string[] | undefined): ClientOptions {
  if (!endpoint.tls) return {};
  const serverName = endpoint.serverName;
  // ws hands these to tls.connect, whose checkServerIdentity returns an Error (ws's typing says boolean).
  const check = ((_host: string, cert: PeerCertificate) => checkServerIdentity(serverName ?? _host, cert)) as unknown as NonNullable<
    ClientOptions['checkServerIdentity']
  >;
  return {
    minVersion: 'TLSv1.2',
    ...(ca !== undefined ? { ca: [...ca] } : {}),
    ...(serverName !== undefined ? { servername: serverName, checkServerIdentity: check } : {}),
  };
}
