/** Edgelet LocalAPI v1: `GET /v1/microservices/config` and the control socket, with a bearer token. */
import type { ClientOptions } from 'ws';
import { DEFAULT_TOKEN_DIR, readToken, readTrust } from './auth-material.js';
import type { AgentApi, AgentApiOptions, ControlTarget } from './agent-api.js';
import { Endpoint, endpointOptions, tlsDialOptions } from './endpoint.js';
import { parseV1Reply, type FetchedConfig } from './envelope.js';
import { EdgeletError } from './errors.js';

export const V1_CONFIG_PATH = '/v1/microservices/config';
export const V1_CONTROL_PATH = '/v1/microservices/control';
export const V1_DEFAULT_HOST = 'edgelet.default.svc.bridge.local';

export interface EdgeletV1Options extends Omit<AgentApiOptions, 'api' | 'selfName' | 'microserviceUid'> {
  readonly microserviceUid: string;
}

export class EdgeletV1Client implements AgentApi {
  readonly version = 'v1';
  readonly microserviceUid: string;
  readonly #endpoint: Endpoint;
  readonly #tokenDir: string;
  readonly #handshakeTimeoutMs: number;

  constructor(options: EdgeletV1Options) {
    if (options.microserviceUid.trim() === '') {
      throw new EdgeletError('EDGELET_MICROSERVICE_UID is not set: the Edgelet API v1 needs this workload\'s microservice UUID', { kind: 'identity' });
    }
    this.microserviceUid = options.microserviceUid;
    this.#tokenDir = options.tokenDir ?? DEFAULT_TOKEN_DIR;
    this.#handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.#endpoint = new Endpoint(endpointOptions(options, { host: V1_DEFAULT_HOST, tls: true }));
  }

  get configUrl(): string {
    return this.#endpoint.describe(V1_CONFIG_PATH);
  }

  async fetchConfig(signal?: AbortSignal): Promise<FetchedConfig> {
    for (let attempt = 0; ; attempt += 1) {
      // Fresh every time: a rotation revokes the previous token at once.
      const token = await readToken(this.#tokenDir);
      const ca = this.#endpoint.tls ? await readTrust(this.#tokenDir) : undefined;
      const reply = await this.#endpoint.request({
        method: 'GET',
        path: V1_CONFIG_PATH,
        headers: { authorization: `Bearer ${token}` },
        ...(ca !== undefined ? { ca } : {}),
        ...(signal !== undefined ? { signal } : {}),
      });
      // A 401 right after a rotation: the file may have changed between read and check.
      if (reply.status === 401 && attempt === 0) continue;
      return parseV1Reply(reply);
    }
  }

  async controlTargets(): Promise<ControlTarget[]> {
    const token = await readToken(this.#tokenDir);
    const ca = this.#endpoint.tls ? await readTrust(this.#tokenDir) : undefined;
    const options: ClientOptions = {
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: this.#handshakeTimeoutMs,
      perMessageDeflate: false,
      maxPayload: 64 * 1024,
      ...tlsDialOptions(this.#endpoint, ca),
    };
    return this.#endpoint.origins('ws').map((origin) => ({ url: origin + V1_CONTROL_PATH, options }));
  }

  preferTarget(url: string): void {
    this.#endpoint.prefer(url);
  }
}
