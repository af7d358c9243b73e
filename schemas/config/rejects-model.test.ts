// Rejected inputs, part 2: names, singletons, references and the type-specific rules the
// router enforces when it boots.
import { describe } from 'vitest';
import { edge, interior, pot, profile, rejectAll, type Rejection } from './test-support/reject-table.js';

const multi = (name: string, strategy = 'priority') =>
  ['tcpListener', { name, port: 9000, multiAddressStrategy: strategy }] as const;

export const MODEL_REJECTIONS: readonly Rejection[] = [
  // Names
  { name: 'name shared by sslProfile and tcpListener', text: interior(profile('x'), ['tcpListener', { name: 'x', address: 'a', port: 9 }]), path: '$[2][1].name', message: 'name "x" is already used by the sslProfile at $[1][1]' },
  { name: 'two listeners with one name', text: interior(['listener', { name: 'l', port: 1 }], ['listener', { name: 'l', port: 2 }]), path: '$[2][1].name', message: 'already used by the listener' },
  { name: 'derived names that collide', text: interior(['connector', { host: 'h', port: 1 }], ['connector', { host: 'h', port: '1' }]), path: '$[2][1]', message: 'name "connector/h:1" is already used' },
  { name: 'listener named like the router', text: interior(['listener', { name: 'router', port: 1 }]), path: '$[1][1].name', message: 'name "router" is already used by the router' },
  { name: 'two addresses with one name', text: interior(['address', { name: 'a', prefix: 'x' }], ['address', { name: 'a', prefix: 'y' }]), path: '$[2][1].name', message: 'names of address entities must differ' },
  { name: 'two logs for one module', text: interior(['log', { module: 'ROUTER' }], ['log', { name: 'other', module: 'ROUTER' }]), path: '$[2][1].module', message: 'log module ROUTER is already configured' },
  { name: 'two vhosts for one hostname', text: interior(['vhost', { name: 'a', hostname: 'h' }], ['vhost', { name: 'b', hostname: 'h' }]), path: '$[2][1].hostname', message: 'vhost "h" is already configured' },
  { name: 'two address rules for one prefix', text: interior(['address', { name: 'a', prefix: 'p' }], ['address', { name: 'b', prefix: 'p' }]), path: '$[2][1].prefix', message: 'an address rule for prefix "p"' },
  { name: 'sslProfile without name', text: interior(['sslProfile', { caCertFile: '/ca' }]), path: '$[1][1]', message: 'sslProfile needs a "name"' },
  { name: 'proxyProfile without name', text: interior(['proxyProfile', { host: 'p', port: 3128 }]), path: '$[1][1]', message: 'proxyProfile needs a "name"' },
  { name: 'listenerAddress without name', text: interior(multi('t'), ['listenerAddress', { listener: 't', address: 'a', value: 1 }]), path: '$[2][1]', message: 'listenerAddress needs a "name"' },
  { name: 'autoLink without name or address', text: interior(['autoLink', { direction: 'in' }]), path: '$[1][1]', message: 'autoLink needs a "name" or an "address"' },
  // Singletons
  { name: 'two routers', text: interior(['router', { id: 'r2' }]), path: '$[1][1]', message: 'a second router (the first is at $[0][1])' },
  { name: 'two networks', text: interior(['network', {}], ['network', { networkId: 'n' }]), path: '$[2][1]', message: 'a second network' },
  { name: 'two policies', text: interior(['policy', {}], ['policy', { maxConnections: 5 }]), path: '$[2][1]', message: 'a second policy' },
  { name: 'two sites', text: interior(['site', { name: 's1' }], ['site', { name: 's2' }]), path: '$[2][1]', message: 'a second site' },
  { name: 'no router', text: '[["site", {}]]', path: '$', message: 'no "router" entity' },
  { name: 'PoT without metadata', text: '{"listeners": {}}', path: '$', message: 'no "metadata"' },
  // References
  { name: 'missing sslProfile', text: interior(profile('server'), ['listener', { port: 1, sslProfile: 'servr' }]), path: '$[2][1].sslProfile', message: 'sslProfile "servr" does not exist; did you mean "server"?' },
  { name: 'missing proxyProfile', text: interior(['connector', { port: 1, proxyProfile: 'proxy' }]), path: '$[1][1].proxyProfile', message: 'proxyProfile "proxy" does not exist' },
  { name: 'tcpConnector with missing sslProfile', text: interior(['tcpConnector', { address: 'a', port: 1, sslProfile: 'p' }]), path: '$[1][1].sslProfile', message: 'sslProfile "p" does not exist' },
  { name: 'listenerAddress with missing tcpListener', text: interior(['listenerAddress', { name: 'la', listener: 't', address: 'a', value: 1 }]), path: '$[1][1].listener', message: 'tcpListener "t" does not exist' },
  { name: 'reference to an entity of another type', text: interior(['listener', { name: 'p', port: 1 }], ['connector', { port: 2, sslProfile: 'p' }]), path: '$[2][1].sslProfile', message: 'sslProfile "p" does not exist' },
  { name: 'PoT reference by map key only', text: pot({ sslProfiles: { p: { name: 'q', caCertFile: '/ca' } }, connectors: { c: { name: 'c', port: '1', sslProfile: 'p' } } }), path: '$.connectors["c"].sslProfile', message: 'sslProfile "p" does not exist; did you mean "q"?' },
  // Type-specific rules
  { name: 'tcpListener without address or strategy', text: interior(['tcpListener', { name: 't', port: 9 }]), path: '$[1][1]', message: 'has neither "address" nor a "multiAddressStrategy"' },
  { name: 'tcpListener with address and strategy', text: interior(['tcpListener', { name: 't', port: 9, address: 'a', multiAddressStrategy: 'weighted' }]), path: '$[1][1]', message: 'has both' },
  { name: 'listenerAddress on a plain tcpListener', text: interior(['tcpListener', { name: 't', port: 9, address: 'a' }], ['listenerAddress', { name: 'la', listener: 't', address: 'b', value: 1 }]), path: '$[2][1].listener', message: 'has no multiAddressStrategy' },
  { name: 'listenerAddress with a word for value', text: interior(multi('t'), ['listenerAddress', { name: 'la', listener: 't', address: 'b', value: 'x' }]), path: '$[2][1].value', message: 'must be an integer' },
  { name: 'address with prefix and pattern', text: interior(['address', { prefix: 'a', pattern: 'b/#' }]), path: '$[1][1]', message: 'exactly one of "prefix" or "pattern"; this one has both' },
  { name: 'address with neither prefix nor pattern', text: interior(['address', { name: 'a', distribution: 'closest' }]), path: '$[1][1]', message: 'this one has neither' },
  { name: 'address priority above 9', text: interior(['address', { prefix: 'a', priority: 12 }]), path: '$[1][1].priority', message: '"priority" must be 0–9' },
  { name: 'inter-router listener on an edge router', text: edge(['listener', { port: 1, role: 'inter-router' }]), path: '$[1][1].role', message: 'only allowed on an interior router' },
  { name: 'inter-router connector on a standalone router', text: '[["router", {}], ["connector", {"port": 1, "role": "inter-router"}]]', path: '$[1][1].role', message: "this router's mode is standalone" },
  { name: 'edge listener on an edge router', text: edge(['listener', { port: 1, role: 'edge' }]), path: '$[1][1].role', message: 'an "edge" listener is only allowed on an interior router' },
  { name: 'PoT edge listener on an edge router', text: JSON.stringify({ metadata: { mode: 'edge' }, listeners: { e: { name: 'e', port: 45671, role: 'edge' } } }), path: '$.listeners["e"].role', message: 'only allowed on an interior router' },
  { name: 'openProperties on an inter-router link', text: interior(['connector', { port: 1, role: 'inter-router', openProperties: { a: 1 } }]), path: '$[1][1].openProperties', message: 'not allowed with role "inter-router"' },
  { name: 'reserved open property', text: interior(['listener', { port: 1, openProperties: { 'qd.secret': 1 } }]), path: '$[1][1].openProperties["qd.secret"]', message: 'reserves' },
  { name: 'router id with a space', text: '[["router", {"id": "my router"}]]', path: '$[0][1].id', message: 'may not contain whitespace' },
  { name: 'router id with a dollar', text: '[["router", {"id": "r-${HOSTNAME}"}]]', path: '$[0][1].id', message: '"$"' },
  { name: 'unknown log level', text: interior(['log', { module: 'DEFAULT', enable: 'info+,loud' }]), path: '$[1][1].enable', message: 'unknown log level "loud"' },
  { name: 'notice is no 3.5.1 level', text: interior(['log', { module: 'DEFAULT', enable: 'notice+' }]), path: '$[1][1].enable', message: '"notice+"' },
  { name: 'oldestValidOrdinal above ordinal', text: interior(['sslProfile', { name: 'p', ordinal: 1, oldestValidOrdinal: 2 }]), path: '$[1][1].oldestValidOrdinal', message: 'may not exceed "ordinal"' },
  { name: 'negative ordinal', text: interior(['sslProfile', { name: 'p', ordinal: '-1' }]), path: '$[1][1].ordinal', message: 'may not be negative' },
  { name: 'two listeners on one socket', text: interior(['listener', { name: 'a', port: 5672 }], ['listener', { name: 'b', port: '5672' }]), path: '$[2][1].port', message: 'port 5672 on host "" (every address, IPv4 and IPv6) is already used by the listener at $[1][1]' },
  { name: 'tcpListener on a listener port', text: interior(['listener', { name: 'a', host: '0.0.0.0', port: 9 }], ['tcpListener', { name: 't', host: '0.0.0.0', address: 'x', port: 9 }]), path: '$[2][1].port', message: 'already used by the listener' },
];

describe('rejected inputs: names, singletons, references, type rules', () => {
  rejectAll(MODEL_REJECTIONS);
});
