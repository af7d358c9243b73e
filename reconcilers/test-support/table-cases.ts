/**
 * The planner's table, generated from the entity facts so every type and attribute is covered:
 * for each type a minimal valid entity (plus the profiles and listener it may reference), and for
 * each configurable attribute two different valid values and another spelling of the first.
 */
import {
  ENTITY_FACTS,
  type AttributeFacts,
  type AttributeValue,
  type DesiredEntity,
  type EntityKind,
} from '../../schemas/index.js';

/** Entities every table case has, so references resolve: two of each referenced kind. */
export const SUPPORT: readonly DesiredEntity[] = [
  { kind: 'sslProfile', name: 'p1', attributes: { caCertFile: '/certs/p1/ca.crt' } },
  { kind: 'sslProfile', name: 'p2', attributes: { caCertFile: '/certs/p2/ca.crt' } },
  { kind: 'proxyProfile', name: 'x1', attributes: { host: 'proxy1', port: '3128' } },
  { kind: 'proxyProfile', name: 'x2', attributes: { host: 'proxy2', port: '3128' } },
  { kind: 'tcpListener', name: 'multi1', attributes: { port: '9101', multiAddressStrategy: 'priority' } },
  { kind: 'tcpListener', name: 'multi2', attributes: { port: '9102', multiAddressStrategy: 'weighted' } },
];

/** The entity under test per type: its name and minimal valid attributes. */
export const SUBJECT: Readonly<Record<EntityKind, DesiredEntity>> = {
  router: { kind: 'router', name: 'router', attributes: { id: 'r1' } },
  site: { kind: 'site', name: 'site', attributes: { location: 'lab' } },
  network: { kind: 'network', name: 'network', attributes: {} },
  policy: { kind: 'policy', name: 'policy', attributes: {} },
  log: { kind: 'log', name: 'log/ROUTER_CORE', attributes: { module: 'ROUTER_CORE', enable: 'error+' } },
  sslProfile: { kind: 'sslProfile', name: 'subject', attributes: { caCertFile: '/certs/s/ca.crt' } },
  proxyProfile: { kind: 'proxyProfile', name: 'subject', attributes: { host: 'proxy', port: '8080' } },
  vhost: { kind: 'vhost', name: 'subject', attributes: { hostname: 'example.com' } },
  address: { kind: 'address', name: 'subject', attributes: { prefix: 'queue' } },
  autoLink: { kind: 'autoLink', name: 'subject', attributes: { address: 'queue.a', direction: 'in' } },
  listener: { kind: 'listener', name: 'subject', attributes: { port: '5672' } },
  connector: { kind: 'connector', name: 'subject', attributes: { host: 'peer', port: '5672' } },
  tcpListener: { kind: 'tcpListener', name: 'subject', attributes: { port: '9000', address: 'svc' } },
  tcpConnector: { kind: 'tcpConnector', name: 'subject', attributes: { host: 'backend', port: '8080', address: 'svc' } },
  listenerAddress: { kind: 'listenerAddress', name: 'subject', attributes: { listener: 'multi1', address: 'svc', value: 1 } },
};

/** Two different valid values of an attribute (in the router's form). */
export function twoValues(kind: EntityKind, name: string, facts: AttributeFacts): [AttributeValue, AttributeValue] {
  if (facts.references === 'sslProfile') return ['p1', 'p2'];
  if (facts.references === 'proxyProfile') return ['x1', 'x2'];
  if (facts.references === 'tcpListener') return ['multi1', 'multi2'];
  if (kind === 'tcpListener' && name === 'multiAddressStrategy') return ['priority', 'weighted'];
  if (kind === 'log' && name === 'enable') return ['info+', 'debug'];
  switch (facts.kind) {
    case 'integer':
      return [3, 4];
    case 'boolean':
      return [facts.default !== true, facts.default === true];
    case 'port':
      return ['1001', '1002'];
    case 'enum': {
      const values = (facts.values ?? []).filter((v) => v !== facts.default);
      return [values[0] ?? '', values[1] ?? facts.default ?? ''] as [AttributeValue, AttributeValue];
    }
    case 'map':
    case 'properties':
      return [{ a: '1' }, { a: '2' }];
    case 'path':
      return ['/one', '/two'];
    case 'string':
      return ['one', 'two'];
  }
}

/** Another way a config file may write the same value, or undefined when there is none. */
export function otherSpelling(kind: EntityKind, name: string, facts: AttributeFacts, value: AttributeValue): AttributeValue | undefined {
  if (facts.kind === 'integer' && typeof value === 'number') return String(value);
  if (facts.kind === 'boolean' && typeof value === 'boolean') return value ? 'yes' : 'no';
  if (facts.kind === 'port' && typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  if (kind === 'log' && name === 'enable' && value === 'debug') return 'trace';
  return undefined;
}

/** The subject with one attribute set, keeping it valid (a strategy replaces the address, a pattern the prefix). */
export function subjectWith(kind: EntityKind, name: string, value: AttributeValue | undefined): DesiredEntity {
  const subject = SUBJECT[kind];
  const attributes: Record<string, AttributeValue> = { ...subject.attributes };
  const multi = value !== undefined && value !== 'none';
  if (kind === 'tcpListener' && name === 'multiAddressStrategy' && multi) delete attributes['address'];
  if (kind === 'address' && name === 'pattern') delete attributes['prefix'];
  if (value === undefined) delete attributes[name];
  else attributes[name] = value;
  return { ...subject, attributes };
}

/** Configurable attributes of a kind (not read-only; a log's module is its key). */
export function configurable(kind: EntityKind): [string, AttributeFacts][] {
  return Object.entries(ENTITY_FACTS[kind].attributes).filter(([n, a]) => a.access !== 'read' && !(kind === 'log' && n === 'module'));
}
