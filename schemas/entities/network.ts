import { attr, defineEntity } from '../entity.js';

export const network = defineEntity({
  kind: 'network',
  description: 'Network identity of the router. networkId changes live; tenantId needs a restart.',
  operations: ['UPDATE', 'READ'],
  singleton: true,
  attributes: {
    networkId: attr.string('Identifier of the application network.', { access: 'update' }),
    tenantId: attr.string('Tenant prefix put in front of every TCP address at create time.', { restartOnly: true }),
  },
});
