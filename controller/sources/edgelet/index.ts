/** pot/iofog mode: desired state from the Edgelet LocalAPI v1 or the legacy ioFog agent API v2. */
export {
  chooseApiVersion,
  createAgentApi,
  DEFAULT_FALLBACK_HOSTS,
  DEFAULT_PORT,
  type AgentApi,
  type AgentApiOptions,
  type ApiChoice,
  type ControlTarget,
} from './agent-api.js';
export { DEFAULT_TOKEN_DIR } from './auth-material.js';
export { ControlChannel, OPCODE, type ControlChannelHandlers, type ControlChannelOptions } from './control-channel.js';
export { EdgeletSource, type EdgeletChangeReason, type EdgeletSourceOptions } from './edgelet-source.js';
export type { FetchedConfig } from './envelope.js';
export { EdgeletError, type EdgeletErrorKind } from './errors.js';
export { EdgeletV1Client, V1_CONFIG_PATH, V1_CONTROL_PATH, V1_DEFAULT_HOST, type EdgeletV1Options } from './v1-client.js';
export { LegacyAgentClient, V2_CONFIG_PATH, V2_DEFAULT_HOST, v2ControlPath, type LegacyAgentOptions } from './v2-client.js';
