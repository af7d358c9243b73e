import { attr, defineEntity } from '../entity.js';
import { tcpStatusAttributes } from './tcp-status.js';

export const tcpConnector = defineEntity({
  kind: 'tcpConnector',
  description: 'Where flows for a service address leave the network: a TCP server to dial.',
  operations: ['CREATE', 'DELETE', 'READ'],
  attributes: {
    address: attr.string('Service address whose flows this connector serves.', { required: true }),
    host: attr.string('Host of the server.', { default: '127.0.0.1' }),
    port: attr.port('Port of the server.', { required: true }),
    siteId: attr.string('Old site id, kept for compatibility.', { deprecated: true }),
    processId: attr.string('Id of the workload behind the server, for flow records.'),
    sslProfile: attr.ref('sslProfile', 'Dial the server over TLS with this profile.'),
    verifyHostname: attr.boolean('Check the server certificate against host.', { default: true }),
    ...tcpStatusAttributes,
  },
});
