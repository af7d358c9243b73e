// Rejected inputs, part 1: JSON syntax, file structure, entity types, attribute types and
// enums, ports, limits, and the PoT object's shape.
import { describe } from 'vitest';
import { interior, pot, rejectAll, type Rejection } from './test-support/reject-table.js';

const deep = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { x: value };
  return value;
};

export const INPUT_REJECTIONS: readonly Rejection[] = [
  // JSON syntax
  { name: 'trailing comma', text: '[\n  ["router", {}],\n]', path: '$', message: 'trailing comma' },
  { name: 'missing comma', text: '[["router", {}] ["site", {}]]', path: '$', message: "expected ',' or ']'" },
  { name: 'unterminated string', text: '[["router", {"id": "r1}]]', path: '$', message: 'unterminated string' },
  { name: 'bare word', text: '[["router", {"mode": interior}]]', path: '$', message: 'expected a JSON value' },
  { name: 'single quotes', text: "[['router', {}]]", path: '$', message: 'expected a JSON value' },
  { name: 'raw newline in string', text: '[["router", {"id": "a\nb"}]]', path: '$', message: 'control character U+000A' },
  { name: 'bad escape', text: '[["router", {"id": "a\\qb"}]]', path: '$', message: 'bad escape' },
  { name: 'leading zero', text: '[["listener", {"port": 05672}]]', path: '$', message: 'malformed number' },
  { name: 'byte-order mark', text: '\uFEFF[["router", {}]]', path: '$', message: 'byte-order mark' },
  { name: 'text after the value', text: '[["router", {}]] x', path: '$', message: 'after the end of the JSON value' },
  { name: 'missing colon', text: '{"metadata" {}}', path: '$', message: "expected ':'" },
  { name: 'comment in a PoT file', text: '{\n# note\n"metadata": {}}', path: '$', message: 'comment lines are allowed only in skrouterd' },
  { name: 'empty file', text: ' \n ', path: '$', message: 'the file is empty', located: false },
  // Structure and entity types
  { name: 'scalar document', text: '42', path: '$', message: 'must be a JSON array (skrouterd) or object (PoT)' },
  { name: 'object forced as skrouterd', text: pot({}), format: 'skrouterd', path: '$', message: 'is a JSON array of [type, attributes] pairs' },
  { name: 'array forced as PoT', text: interior(), format: 'pot', path: '$', message: 'a PoT router config is a JSON object' },
  { name: 'entry that is not a pair', text: '[["router", {}], ["site"]]', path: '$[1]', message: 'must be a [type, attributes] pair' },
  { name: 'attributes that are a list', text: '[["router", {}], ["site", []]]', path: '$[1][1]', message: 'must be an object, not an array' },
  { name: 'type that is a number', text: '[["router", {}], [7, {}]]', path: '$[1][0]', message: 'type must be a string' },
  { name: 'misspelt type', text: interior(['listner', { port: 5672 }]), path: '$[1][0]', message: 'unknown entity type "listner"; did you mean "listener"?' },
  { name: 'long type name', text: interior(['io.skupper.router.listener', {}]), path: '$[1][0]', message: 'use the short name "listener"' },
  { name: 'router.config.address', text: interior(['router.config.address', { prefix: 'a' }]), path: '$[1][0]', message: 'use the short name "address"' },
  { name: 'long autoLink name', text: interior(['io.skupper.router.router.config.autoLink', {}]), path: '$[1][0]', message: 'use the short name "autoLink"' },
  // Attributes
  { name: 'misspelt attribute', text: interior(['listener', { prot: 5672 }]), path: '$[1][1].prot', message: 'unknown attribute "prot" for listener; did you mean "port"?' },
  { name: 'unknown attribute', text: interior(['listener', { frobnicate: true }]), path: '$[1][1].frobnicate', message: 'unknown attribute "frobnicate"' },
  { name: 'read-only connectionStatus', text: interior(['connector', { connectionStatus: 'SUCCESS' }]), path: '$[1][1].connectionStatus', message: 'read-only' },
  { name: 'read-only operStatus', text: interior(['tcpListener', { address: 'a', port: 9, operStatus: 'up' }]), path: '$[1][1].operStatus', message: 'read-only' },
  { name: 'identity given', text: interior(['listener', { identity: 'listener/x' }]), path: '$[1][1].identity', message: 'assigned by the router' },
  { name: 'type given as attribute', text: interior(['listener', { type: 'listener' }]), path: '$[1][1].type', message: '"type" cannot be an attribute' },
  { name: 'number for a string', text: interior(['listener', { saslMechanisms: 5 }]), path: '$[1][1].saslMechanisms', message: 'must be a string, not 5' },
  { name: 'null value', text: interior(['listener', { host: null }]), path: '$[1][1].host', message: 'must be a string, not null' },
  { name: 'word for an integer', text: interior(['listener', { cost: 'high' }]), path: '$[1][1].cost', message: 'must be an integer' },
  { name: 'fraction for an integer', text: interior(['listener', { cost: 1.5 }]), path: '$[1][1].cost', message: 'must be an integer' },
  { name: 'integer beyond 2^53', text: interior(['listener', { linkCapacity: '123456789012345678901234' }]), path: '$[1][1].linkCapacity', message: 'safe integers' },
  { name: 'word for a boolean', text: interior(['listener', { authenticatePeer: 'maybe' }]), path: '$[1][1].authenticatePeer', message: 'must be true or false' },
  { name: 'enum violation lists values', text: interior(['listener', { role: 'bogus' }]), path: '$[1][1].role', message: 'must be one of normal, inter-router, route-container, edge, inter-edge, inter-network' },
  { name: 'enum near miss', text: interior(['listener', { stripAnnotations: 'bth' }]), path: '$[1][1].stripAnnotations', message: 'did you mean "both"?' },
  { name: 'router mode', text: '[["router", {"mode": "edgy"}]]', path: '$[0][1].mode', message: 'must be one of standalone, interior, edge' },
  { name: 'log module', text: interior(['log', { module: 'ROUTR' }]), path: '$[1][1].module', message: 'did you mean "ROUTER"?' },
  { name: 'port 0', text: interior(['listener', { port: 0 }]), path: '$[1][1].port', message: 'must be a port: an integer 1–65535' },
  { name: 'port 70000', text: interior(['listener', { port: 70000 }]), path: '$[1][1].port', message: 'not 70000' },
  { name: 'port as a word', text: interior(['listener', { port: 'amqps' }]), path: '$[1][1].port', message: 'must be a port' },
  { name: 'port with a fraction', text: interior(['connector', { port: 5672.5 }]), path: '$[1][1].port', message: 'must be a port' },
  { name: 'negative port string', text: interior(['tcpConnector', { address: 'a', port: '-1' }]), path: '$[1][1].port', message: 'must be a port' },
  { name: 'port string with leading zero', text: interior(['tcpListener', { address: 'a', port: '08080' }]), path: '$[1][1].port', message: 'must be a port' },
  { name: 'port string above range', text: interior(['proxyProfile', { name: 'p', port: '65536' }]), path: '$[1][1].port', message: 'must be a port' },
  { name: 'map attribute not an object', text: interior(['listener', { openProperties: 'x' }]), path: '$[1][1].openProperties', message: 'must be an object' },
  { name: 'map nested too deep', text: interior(['vhost', { hostname: 'h', groups: deep(40) }]), path: '$[1][1].groups', message: 'nested more than 32 levels' },
  { name: 'empty name', text: interior(['listener', { name: '', port: 1 }]), path: '$[1][1].name', message: '"name" must be a non-empty string' },
  { name: 'number as name', text: interior(['listener', { name: 3, port: 1 }]), path: '$[1][1].name', message: '"name" must be a non-empty string, not 3' },
  { name: 'missing tcpConnector port', text: interior(['tcpConnector', { name: 'c', address: 'a' }]), path: '$[1][1]', message: 'tcpConnector needs "port"' },
  { name: 'missing vhost hostname', text: interior(['vhost', { name: 'v' }]), path: '$[1][1]', message: 'vhost needs "hostname"' },
  { name: 'missing log module', text: interior(['log', { enable: 'info+' }]), path: '$[1][1]', message: 'log needs "module"' },
  { name: 'missing autoLink direction', text: interior(['autoLink', { address: 'a' }]), path: '$[1][1]', message: 'autoLink needs "direction"' },
  { name: 'key given twice after camel-casing', text: interior(['listener', { 'sasl-mechanisms': 'A', saslMechanisms: 'B' }]), path: '$[1][1].saslMechanisms', message: 'given twice' },
  // Limits
  { name: 'file over maxBytes', text: interior(), maxBytes: 20, path: '$', message: `the file is ${interior().length} bytes, more than the limit of 20 (option maxBytes)`, located: false },
  { name: 'multi-byte text over maxBytes', text: '["é"]', maxBytes: 4, path: '$', message: 'the file is 6 bytes, more than the limit of 4 (option maxBytes)', located: false },
  { name: 'skrouterd over maxEntities', text: interior(['site', {}], ['network', {}]), maxEntities: 2, path: '$', message: '3 entities is more than the limit of 2 (option maxEntities)' },
  { name: 'PoT over maxEntities', text: pot({ listeners: { a: { port: 1 }, b: { port: 2 } } }), maxEntities: 1, path: '$', message: '3 entities is more than the limit of 1 (option maxEntities)' },
  // PoT shape
  { name: 'PoT listeners as a list', text: pot({ listeners: [{ port: 5672 }] }), path: '$.listeners', message: 'older list form is not supported' },
  { name: 'PoT entry not an object', text: pot({ connectors: { up: 'x' } }), path: '$.connectors["up"]', message: 'must be an object, not "x"' },
  { name: 'PoT metadata not an object', text: '{"metadata": "edge"}', path: '$.metadata', message: '"metadata" must be an object' },
  { name: 'PoT bridges not an object', text: pot({ bridges: [] }), path: '$.bridges', message: '"bridges" must be an object' },
  { name: 'PoT misspelt section', text: pot({ listners: {} }), path: '$.listners', message: 'did you mean "listeners"?' },
  { name: 'PoT misspelt bridge section', text: pot({ bridges: { tcpListener: {} } }), path: '$.bridges.tcpListener', message: 'did you mean "tcpListeners"?' },
  { name: 'PoT section given twice', text: pot({ listeners: {}, Listeners: {} }), path: '$.Listeners', message: 'given twice' },
  { name: 'PoT unknown attribute', text: pot({ listeners: { a: { name: 'a', prot: 5672 } } }), path: '$.listeners["a"].prot', message: 'did you mean "port"?' },
  { name: 'PoT bridge port out of range', text: pot({ bridges: { tcpListeners: { t: { name: 't', address: 'a', port: '99999' } } } }), path: '$.bridges.tcpListeners["t"].port', message: 'must be a port' },
  { name: 'PoT sslProfile without name', text: pot({ sslProfiles: { p1: { caCertFile: '/ca' } } }), path: '$.sslProfiles["p1"]', message: 'add "name": "p1"' },
];

describe('rejected inputs: syntax, structure, attributes, limits, PoT shape', () => {
  rejectAll(INPUT_REJECTIONS);
});
