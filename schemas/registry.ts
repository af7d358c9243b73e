/** Every configurable entity type of skrouterd 3.5.1, by short and by long name. */
import { ENTITY_KINDS, type EntityFacts, type EntityKind } from './entity.js';
import { address } from './entities/address.js';
import { autoLink } from './entities/auto-link.js';
import { connector } from './entities/connector.js';
import { listenerAddress } from './entities/listener-address.js';
import { listener } from './entities/listener.js';
import { log } from './entities/log.js';
import { network } from './entities/network.js';
import { policy } from './entities/policy.js';
import { proxyProfile } from './entities/proxy-profile.js';
import { router } from './entities/router.js';
import { site } from './entities/site.js';
import { sslProfile } from './entities/ssl-profile.js';
import { tcpConnector } from './entities/tcp-connector.js';
import { tcpListener } from './entities/tcp-listener.js';
import { vhost } from './entities/vhost.js';

export const ENTITY_FACTS: Readonly<Record<EntityKind, EntityFacts>> = {
  router,
  site,
  network,
  policy,
  log,
  sslProfile,
  proxyProfile,
  vhost,
  address,
  autoLink,
  listener,
  connector,
  tcpListener,
  tcpConnector,
  listenerAddress,
};

const byLongType = new Map(Object.values(ENTITY_FACTS).map((f) => [f.longType, f]));

export function isEntityKind(value: string): value is EntityKind {
  return (ENTITY_KINDS as readonly string[]).includes(value);
}

/** Facts of a type given by its long management name, or undefined for a type we do not manage. */
export function factsForLongType(longType: string): EntityFacts | undefined {
  return byLongType.get(longType);
}

/** Attribute names the controller configures and compares (everything that is not read-only). */
export function configAttributeNames(facts: EntityFacts): string[] {
  return Object.entries(facts.attributes)
    .filter(([, a]) => a.access !== 'read')
    .map(([n]) => n);
}
