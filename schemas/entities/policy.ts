import { attr, defineEntity } from '../entity.js';

export const policy = defineEntity({
  kind: 'policy',
  description: 'Global connection limits and vhost policy switches, read at start-up only.',
  operations: ['READ'],
  singleton: true,
  restartOnly: true,
  attributes: {
    maxConnections: attr.integer('Most concurrent connections the router accepts.', { default: 65535 }),
    maxMessageSize: attr.integer('Largest message in bytes; 0 means no limit.', { default: 0 }),
    enableVhostPolicy: attr.boolean('Apply vhost policies to incoming connections.', { default: false }),
    enableVhostNamePatterns: attr.boolean('Let vhost hostnames be patterns.', { default: false }),
    policyDir: attr.path('Directory of vhost policy files loaded at start-up.', { default: '' }),
    defaultVhost: attr.string('Vhost used when a connection names none that exists.', { default: '$default' }),
    connectionsProcessed: attr.status('integer', 'Connections checked against the policy.'),
    connectionsDenied: attr.status('integer', 'Connections the policy refused.'),
    connectionsCurrent: attr.status('integer', 'Connections open now.'),
    linksDenied: attr.status('integer', 'Links the policy refused.'),
    maxMessageSizeDenied: attr.status('integer', 'Messages refused for their size.'),
    totalDenials: attr.status('integer', 'All refusals together.'),
  },
});
