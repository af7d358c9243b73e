import { attr, defineEntity } from '../entity.js';
import { amqpEndpointAttributes } from './amqp-endpoint.js';

export const listener = defineEntity({
  kind: 'listener',
  description: 'AMQP (and optionally HTTP) listening socket. Changed by delete and re-create.',
  operations: ['CREATE', 'DELETE', 'READ'],
  attributes: {
    host: attr.string('Address to bind; empty means every address.', { default: '' }),
    ...amqpEndpointAttributes,
    authenticatePeer: attr.boolean('Require the peer to authenticate.', { default: false }),
    requireEncryption: attr.boolean('Refuse connections without encryption.', { default: false }),
    requireSsl: attr.boolean('Refuse connections without TLS.', { default: false }),
    initialHandshakeTimeoutSeconds: attr.integer('Time allowed for the AMQP open handshake; 0 = none.', {
      default: 0,
    }),
    failoverUrls: attr.string('Failover URLs announced to clients.'),
    healthz: attr.boolean('Serve /healthz when http is on.', { default: true }),
    metrics: attr.boolean('Serve /metrics when http is on.', { default: true }),
    websockets: attr.boolean('Accept AMQP over WebSocket when http is on.', { default: true }),
    http: attr.boolean('Speak HTTP on this socket.', { default: false }),
    httpRootDir: attr.path('Directory of static files served over HTTP.'),
  },
});
