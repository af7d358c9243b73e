/**
 * Legacy ioFog agent LocalAPI v2: `POST /v2/config/get {id}` and the control socket at
 * `/v2/control/socket/id/<id>`. No authentication; the identity is SELFNAME.
 */
import type { ClientOptions } from 'ws';
import type { AgentApi, AgentApiOptions, ControlTarget } from './agent-api.js';
import { Endpoint, endpointOptions, tlsDialOptions } from './endpoint.js';
import { parseV2Reply, type FetchedConfig } from './envelope.js';
import { EdgeletError } from './errors.js';

export const V2_CONFIG_PATH = '/v2/config/get';
export const V2_DEFAULT_HOST = 'iofog';

export function v2ControlPath(id: string): string {
  return `/v2/control/socket/id/${encodeURIComponent(id)}`;
}

export interface LegacyAgentOptions extends Omit<AgentApiOptions, 'api' | 'selfName' | 'microserviceUid' | 'tokenDir'> {
  readonly selfName: string;
}

export class LegacyAgentClient implements AgentApi {
  readonly version = 'v2';
  readonly selfName: string;
  readonly #endpoint: Endpoint;
  readonly #handshakeTimeoutMs: number;

  constructor(options: LegacyAgentOptions) {
    if (options.selfName.trim() === '') {
      throw new EdgeletError('SELFNAME is not set: the legacy ioFog agent API v2 needs this workload\'s microservice UUID', { kind: 'identity' });
    }
    this.selfName = options.selfName;
    this.#handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.#endpoint = new Endpoint(endpointOptions(options, { host: V2_DEFAULT_HOST, tls: false }));
  }

  get configUrl(): string {
    return this.#endpoint.describe(V2_CONFIG_PATH);
  }

  async fetchConfig(signal?: AbortSignal): Promise<FetchedConfig> {
    const reply = await this.#endpoint.request({
      method: 'POST',
      path: V2_CONFIG_PATH,
      json: { id: this.selfName },
      ...(signal !== undefined ? { signal } : {}),
    });
    return parseV2Reply(reply);
  }

  controlTargets(): Promise<ControlTarget[]> {
    const options: ClientOptions = {
      handshakeTimeout: this.#handshakeTimeoutMs,
      perMessageDeflate: false,
      maxPayload: 64 * 1024,
      ...tlsDialOptions(this.#endpoint, undefined),
    };
    const path = v2ControlPath(this.selfName);
    return Promise.resolve(this.#endpoint.origins('ws').map((origin) => ({ url: origin + path, options })));
  }

  preferTarget(url: string): void {
    this.#endpoint.prefer(url);
  }
}
