/** The AMQP management client of skrouterd (see client.ts for the contract). */
export { ManagementClient, type RequestOptions, type RouterIdentity } from './client.js';
export type {
  ConnectedEvent,
  DisconnectedEvent,
  ManagementEventName,
  ManagementEvents,
  RouterRestartedEvent,
} from './events.js';
export type { ManagementLogger } from './logger.js';
export {
  ManagementOptionError,
  type ManagementClientOptions,
  type ManagementTlsOptions,
  type SaslMechanism,
} from './options.js';
export { UNREADABLE_REPLY, type ManagementReply, type ManagementSchema } from './reply.js';
export type { ApplicationPropertyValue } from './request-window.js';
