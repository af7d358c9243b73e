import { attr, defineEntity } from '../entity.js';

export const autoLink = defineEntity({
  kind: 'autoLink',
  managementName: 'router.config.autoLink',
  description: 'A link the router keeps attached to a container, for a waypoint address.',
  operations: ['CREATE', 'DELETE', 'READ'],
  agent: 'c',
  attributes: {
    address: attr.string('Address the link is for.'),
    direction: attr.enum(['in', 'out'], 'in: messages come from the container; out: they go to it.', {
      required: true,
    }),
    containerId: attr.string('Container id of the peer that gets the link.'),
    connection: attr.string('Name of the listener or connector whose connection carries the link.'),
    externalAddress: attr.string('Address used on the peer\'s side of the link.'),
    linkRef: attr.status('string', 'Identity of the attached link.'),
    operStatus: attr.status('enum', 'State of the link.'),
    lastError: attr.status('string', 'Last error reported while attaching.'),
  },
});
