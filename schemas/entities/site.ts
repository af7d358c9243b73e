import { attr, defineEntity } from '../entity.js';

export const site = defineEntity({
  kind: 'site',
  description: 'Where the router runs, reported in flow records. Only the first site takes effect.',
  operations: ['READ'],
  restartOnly: true,
  attributes: {
    location: attr.string('Physical or logical location of the site.'),
    provider: attr.string('Infrastructure provider of the site.'),
    version: attr.string('Version string of the site.'),
    platform: attr.string('Platform the site runs on (docker, kubernetes, ...).'),
    namespace: attr.string('Namespace the site belongs to.'),
  },
});
