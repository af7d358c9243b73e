/**
 * Names for entities the input leaves unnamed. Where the router names such an entity itself
 * (its identity becomes its name), we derive the very same name, so that what we write back
 * and what the router reports agree; the rest follow `desired-state.ts`.
 */
import type { AttributeValue } from '../desired-state.js';
import type { EntityKind } from '../entity.js';
import { ENTITY_FACTS } from '../registry.js';

/** `<kind>/<host>:<port>`, with the schema defaults for an absent host or port. */
function socketName(kind: EntityKind, attributes: Readonly<Record<string, AttributeValue>>): string | undefined {
  const facts = ENTITY_FACTS[kind].attributes;
  const host = attributes['host'] ?? facts['host']?.default;
  const port = attributes['port'] ?? facts['port']?.default;
  if (typeof host !== 'string' || typeof port !== 'string') return undefined;
  return `${kind}/${host}:${port}`;
}

function text(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The derived name, or undefined when the attributes it comes from are missing. */
export function deriveName(kind: EntityKind, attributes: Readonly<Record<string, AttributeValue>>): string | undefined {
  switch (kind) {
    case 'router':
    case 'network':
    case 'policy':
    case 'site':
      return kind;
    case 'log': {
      const module = text(attributes['module']);
      return module === undefined ? undefined : `log/${module}`;
    }
    case 'vhost': {
      const hostname = text(attributes['hostname']);
      return hostname === undefined ? undefined : `vhost/${hostname}`;
    }
    case 'address': {
      const key = text(attributes['prefix']) ?? text(attributes['pattern']);
      return key === undefined ? undefined : `address/${key}`;
    }
    case 'autoLink': {
      const address = text(attributes['address']);
      const direction = text(attributes['direction']);
      return address === undefined || direction === undefined ? undefined : `autoLink/${address}/${direction}`;
    }
    case 'listener':
    case 'connector':
    case 'tcpListener':
    case 'tcpConnector':
      return socketName(kind, attributes);
    case 'sslProfile':
    case 'proxyProfile':
    case 'listenerAddress':
      return undefined;
  }
}
