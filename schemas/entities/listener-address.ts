import { attr, defineEntity } from '../entity.js';

export const listenerAddress = defineEntity({
  kind: 'listenerAddress',
  description: 'One of the addresses a multi-address tcpListener chooses among.',
  operations: ['CREATE', 'DELETE', 'READ'],
  attributes: {
    listener: attr.ref('tcpListener', 'The tcpListener (with multiAddressStrategy) this belongs to.', {
      required: true,
    }),
    address: attr.string('Service address.', { required: true }),
    value: attr.integer('Priority or weight, per the listener\'s strategy.', { required: true }),
    connectionsOpened: attr.status('integer', 'Flows sent to this address so far.'),
  },
});
