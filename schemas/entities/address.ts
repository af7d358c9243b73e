import { attr, defineEntity } from '../entity.js';

const DISTRIBUTIONS = ['multicast', 'closest', 'balanced', 'unavailable'] as const;

export const address = defineEntity({
  kind: 'address',
  managementName: 'router.config.address',
  description: 'Distribution rule for the addresses that match a prefix or a pattern.',
  operations: ['CREATE', 'DELETE', 'READ'],
  agent: 'c',
  attributes: {
    prefix: attr.string('Address prefix the rule applies to (exactly one of prefix or pattern).'),
    pattern: attr.string('Address pattern the rule applies to (exactly one of prefix or pattern).'),
    distribution: attr.enum(DISTRIBUTIONS, 'How messages to a matching address are delivered.', {
      default: 'balanced',
    }),
    priority: attr.integer('Delivery priority 0–9 for matching addresses; -1 means none.', { default: -1 }),
  },
});
