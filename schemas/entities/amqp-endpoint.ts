import { attr, type AttributeFacts } from '../entity.js';

/** Roles an AMQP listener or connector can take. */
export const ROLES = ['normal', 'inter-router', 'route-container', 'edge', 'inter-edge', 'inter-network'] as const;

/** Attributes listener and connector share: the socket, the role and the AMQP session limits. */
export const amqpEndpointAttributes: Record<string, AttributeFacts> = {
  port: attr.port('Port number (or service name).', { default: 'amqp' }),
  socketAddressFamily: attr.enum(['IPv4', 'IPv6'], 'Force one address family.'),
  role: attr.enum(ROLES, 'What connects over this endpoint: clients, routers or edges.', { default: 'normal' }),
  cost: attr.integer('Routing cost of inter-router connections over this endpoint.', { default: 1 }),
  sslProfile: attr.ref('sslProfile', 'sslProfile with the TLS material; none means plain TCP.'),
  saslMechanisms: attr.string('SASL mechanisms offered or used, space separated.'),
  maxFrameSize: attr.integer('Largest AMQP frame in bytes.', { default: 16384 }),
  maxSessions: attr.integer('Most sessions per connection.', { default: 32768 }),
  maxSessionFrames: attr.integer('Incoming window of a session, in frames.'),
  idleTimeoutSeconds: attr.integer('Close a connection idle for this long.', { default: 16 }),
  stripAnnotations: attr.enum(['in', 'out', 'both', 'no'], 'Which message annotations are removed.', {
    default: 'both',
  }),
  linkCapacity: attr.integer('Credit given to each incoming link.'),
  messageLoggingComponents: attr.string('Message parts to log, comma separated; "none" or "all".', {
    default: 'none',
  }),
  policyVhost: attr.string('Vhost policy applied to connections over this endpoint.'),
  openProperties: attr.properties('Extra properties sent in the AMQP open frame.'),
};
