import { attr, defineEntity } from '../entity.js';
import { amqpEndpointAttributes } from './amqp-endpoint.js';

export const connector = defineEntity({
  kind: 'connector',
  description: 'Outgoing AMQP connection the router keeps open. Changed by delete and re-create.',
  operations: ['CREATE', 'DELETE', 'READ'],
  attributes: {
    host: attr.string('Host to connect to.', { default: '127.0.0.1' }),
    ...amqpEndpointAttributes,
    proxyProfile: attr.ref('proxyProfile', 'HTTP proxy to connect through.'),
    allowRedirect: attr.boolean('Follow redirects from the peer.', { default: true }),
    verifyHostname: attr.boolean('Check the peer certificate against host.', { default: true }),
    saslUsername: attr.string('SASL user name.'),
    saslPassword: attr.string('SASL password.', { secret: true }),
    failoverUrls: attr.status('string', 'Failover URLs the peer announced.'),
    connectionStatus: attr.status('string', 'INITIALIZING, CONNECTING, SUCCESS, FAILED or CLOSING.'),
    connectionMsg: attr.status('string', 'Last connection error or note.'),
  },
});
