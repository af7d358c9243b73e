import { attr, defineEntity } from '../entity.js';

export const proxyProfile = defineEntity({
  kind: 'proxyProfile',
  description: 'HTTP CONNECT proxy a connector dials through.',
  operations: ['CREATE', 'UPDATE', 'DELETE', 'READ'],
  attributes: {
    host: attr.string('Proxy host.', { access: 'update' }),
    port: attr.port('Proxy port.', { access: 'update' }),
    username: attr.string('User for proxy authentication.', { access: 'update' }),
    password: attr.string('Password for proxy authentication.', { access: 'update', secret: true }),
  },
});
