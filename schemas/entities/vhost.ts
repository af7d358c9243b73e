import { attr, defineEntity } from '../entity.js';

export const vhost = defineEntity({
  kind: 'vhost',
  description: 'Connection and link policy for clients that name this virtual host.',
  operations: ['CREATE', 'UPDATE', 'DELETE', 'READ'],
  attributes: {
    hostname: attr.string('Virtual host name (or pattern) the policy applies to.', { required: true }),
    aliases: attr.string('Other names for the same vhost, comma separated.', { access: 'update' }),
    maxConnections: attr.integer('Most concurrent connections to the vhost.', { access: 'update', default: 65535 }),
    maxMessageSize: attr.integer('Largest message in bytes for the vhost.', { access: 'update' }),
    maxConnectionsPerUser: attr.integer('Most connections one user may hold.', { access: 'update', default: 65535 }),
    maxConnectionsPerHost: attr.integer('Most connections from one host.', { access: 'update', default: 65535 }),
    allowUnknownUser: attr.boolean('Let users in no group connect with the $default group.', {
      access: 'update',
      default: false,
    }),
    groups: attr.map('User groups and their settings, by group name.', { access: 'update' }),
  },
});
