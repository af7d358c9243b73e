import { attr, defineEntity } from '../entity.js';
import { tcpStatusAttributes } from './tcp-status.js';

export const tcpListener = defineEntity({
  kind: 'tcpListener',
  description: 'TCP socket whose connections are carried to the tcpConnectors of its address.',
  operations: ['CREATE', 'UPDATE', 'DELETE', 'READ'],
  attributes: {
    address: attr.string('Service address; required unless multiAddressStrategy is set.'),
    host: attr.string('Address to bind; empty means every address.', { default: '' }),
    port: attr.port('Port to listen on.', { required: true }),
    backlog: attr.integer('Listen backlog; 0 means the system maximum.', { default: 0 }),
    multiAddressStrategy: attr.enum(
      ['none', 'priority', 'weighted'],
      'Choose among listenerAddresses instead of one address.',
      { default: 'none' },
    ),
    siteId: attr.string('Old site id, kept for compatibility.', { deprecated: true }),
    sslProfile: attr.ref('sslProfile', 'Terminate TLS with this profile.'),
    authenticatePeer: attr.boolean('Require a client certificate.', { default: false }),
    observer: attr.enum(['none', 'auto', 'http1', 'http2'], 'Protocol observer for flow records.', {
      access: 'update',
      default: 'auto',
    }),
    operStatus: attr.status('enum', 'up while the socket is open.'),
    connectionMsg: attr.status('string', 'Last socket error or note.'),
    ...tcpStatusAttributes,
  },
});
