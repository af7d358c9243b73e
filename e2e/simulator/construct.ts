/**
 * What the Python agent does when it builds an entity adapter from an attribute map: unset
 * values are dropped, log entities get their quirks, the identity is derived per type
 * (`listener/<host>:<port>:<name>`, `sslProfile/<name>`, `log/<MODULE>`, `network/0`, ...),
 * `name` defaults to the identity, and the schema validation runs.
 */
import { identityPrefix, type TypeInfo } from './catalog.js';
import { validateAttributes } from './coerce.js';
import { missingAttribute } from './errors.js';
import { pyStr, pyTruthy, type Attributes } from './python-values.js';
import type { RouterState } from './state.js';

/** Attribute access on an adapter (`self.name`): a missing attribute is an AttributeError. */
function access(attributes: Attributes, name: string): unknown {
  if (!(name in attributes)) throw missingAttribute();
  return attributes[name];
}

function hostPortName(type: TypeInfo, attributes: Attributes): string {
  for (const key of ['host', 'port']) {
    if (!(key in attributes)) attributes[key] = type.attributes.get(key)?.default ?? null;
  }
  const host = pyStr(attributes['host']);
  const port = pyStr(attributes['port']);
  const name = attributes['name'];
  return pyTruthy(name) ? `${host}:${port}:${pyStr(name)}` : `${host}:${port}`;
}

/** The part after `<type>/` in an identity. */
function identifier(state: RouterState, type: TypeInfo, attributes: Attributes): string {
  switch (type.shortName) {
    case 'listener':
    case 'connector':
    case 'tcpListener':
    case 'tcpConnector':
      return hostPortName(type, attributes);
    case 'sslProfile':
    case 'proxyProfile':
      return pyStr(access(attributes, 'name'));
    case 'listenerAddress': {
      const base = `${pyStr(access(attributes, 'listener'))}:${pyStr(access(attributes, 'address'))}`;
      return pyTruthy(attributes['name']) ? `${base}:${pyStr(attributes['name'])}` : base;
    }
    case 'log':
      return pyStr(attributes['module'] ?? null);
    case 'router':
    case 'router.node':
      return pyStr(attributes['id'] ?? null);
    case 'policy':
      // PolicyEntity keys its identity on a `module` attribute it never has.
      return 'None';
    case 'vhost':
    case 'vhostStats':
      return pyStr(attributes['hostname'] ?? null);
    case 'allocator':
      return pyStr(attributes['typeName'] ?? null);
    default:
      return String(state.typeCounter(type));
  }
}

function logQuirks(attributes: Attributes): Attributes {
  const enable = attributes['enable'];
  if (typeof enable === 'string' && enable.includes('trace')) attributes['enable'] = enable.replaceAll('trace', 'debug');
  if (attributes['module'] !== 'DEFAULT') return attributes;
  return { enable: 'info+', includeTimestamp: true, includeSource: false, outputFile: 'stderr', ...attributes };
}

/** Identity and name as EntityAdapter.validate sets them. */
export function assignIdentity(state: RouterState, type: TypeInfo, attributes: Attributes): void {
  const prefix = identityPrefix(type);
  if (pyTruthy(attributes['identity'])) {
    if (!pyTruthy(attributes['name'])) attributes['name'] = `${prefix}/${identifier(state, type, attributes)}`;
    return;
  }
  attributes['identity'] = `${prefix}/${identifier(state, type, attributes)}`;
  if (!('name' in attributes)) attributes['name'] = attributes['identity'];
}

/** Builds a validated adapter attribute map from a raw one (which is not modified). */
export function constructAttributes(state: RouterState, type: TypeInfo, raw: Attributes): Attributes {
  let attributes: Attributes = {};
  for (const [k, v] of Object.entries(raw)) if (v !== null && v !== undefined) attributes[k] = v;
  if (type.shortName === 'log') attributes = logQuirks(attributes);
  assignIdentity(state, type, attributes);
  return validateAttributes(type, attributes);
}
