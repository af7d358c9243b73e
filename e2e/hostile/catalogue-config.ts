/**
 * Hostile desired configs, in both formats, and hostile states of the config file itself. Each
 * entry goes to the running controller as the watched file; most are the last good config with
 * one bad thing added, so a controller that applied any of it would change the router.
 */
import { ENTITY_FACTS, ENTITY_KINDS } from '../../schemas/index.js';

/** What sits at the config path instead of a file with text. */
export type FileState = 'missing' | 'directory' | 'dangling-symlink' | 'symlink-loop' | 'sparse-64MiB' | 'unreadable';

export interface ConfigCase {
  readonly id: string;
  readonly area: 'skrouterd' | 'pot' | 'file';
  readonly title: string;
  /** The file's text, or a state of the file system at the config path. */
  readonly input: string | { readonly bytes: Uint8Array } | { readonly fs: FileState };
  /** Fragment of the error the controller must report (in `/status`: `rejected`, or the failed pass). */
  readonly expect: string;
  /** JSON path of the error, when it is a validation error. */
  readonly path?: string;
  /**
   * `unreadable`: the source cannot be read (no file, a directory, a symlink to nowhere): not an
   * input to reject but a source that is down, reported in `/status` `source` (`up: false`,
   * `error`) while the passes hold the router to the last good state (`lastPass.result:
   * 'converged'`, `/readyz` 200). Otherwise (the default) the input is rejected (`rejected`).
   */
  readonly outcome?: 'unreadable';
}

type Entry = readonly [string, Record<string, unknown>];

const CERTS = '/etc/skupper-router-certs/tls';
/** The last good config: one of most kinds, with references between them. */
export const GOOD: readonly Entry[] = [
  ['router', { id: 'hostile-interior', mode: 'interior' }],
  ['log', { module: 'DEFAULT', enable: 'info+' }],
  ['sslProfile', { name: 'tls', caCertFile: `${CERTS}/ca.crt`, certFile: `${CERTS}/tls.crt`, privateKeyFile: `${CERTS}/tls.key` }],
  ['address', { name: 'mc', prefix: 'mc', distribution: 'multicast' }],
  ['listener', { name: 'amqp', host: '0.0.0.0', port: '25672', role: 'normal' }],
  ['listener', { name: 'amqps', host: '0.0.0.0', port: '25671', sslProfile: 'tls' }],
  ['connector', { name: 'uplink', host: 'upstream.example', port: '45671', role: 'inter-router', sslProfile: 'tls' }],
  ['tcpListener', { name: 'web', host: '0.0.0.0', port: '29090', address: 'web' }],
  ['tcpConnector', { name: 'web-backend', host: '127.0.0.1', port: '8080', address: 'web' }],
];

export const goodText = (): string => JSON.stringify(GOOD, null, 2);
/** The good config with `extra` appended; the first extra entry sits at `$[AT]`. */
const plus = (...extra: Entry[]): string => JSON.stringify([...GOOD, ...extra], null, 2);
const AT = GOOD.length;
/** The good config with the router's attributes replaced. */
const router = (attributes: Record<string, unknown>): string => JSON.stringify([['router', attributes], ...GOOD.slice(1)], null, 2);
const pot = (sections: Record<string, unknown>): string =>
  JSON.stringify({ metadata: { id: 'hostile-interior', mode: 'interior' }, ...sections }, null, 2);

function nested(levels: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < levels; i++) value = { k: value };
  return value;
}

/** One entry per enum attribute of every entity type, with a value outside the enum. */
function enumViolations(): ConfigCase[] {
  const minimal: Partial<Record<string, Record<string, unknown>>> = {
    log: { module: 'ROUTER' },
    address: { name: 'e-address', prefix: 'e' },
    autoLink: { name: 'e-autolink', address: 'e', direction: 'in' },
    listener: { name: 'e-listener', port: 30001 },
    connector: { name: 'e-connector', host: 'e.example', port: 30002 },
    tcpListener: { name: 'e-tcp', port: 30003, address: 'e' },
  };
  const cases: ConfigCase[] = [];
  for (const kind of ENTITY_KINDS) {
    for (const [attribute, facts] of Object.entries(ENTITY_FACTS[kind].attributes)) {
      if (facts.kind !== 'enum' || facts.access === 'read') continue;
      const bad = { [attribute]: 'not-a-valid-value' };
      const base = minimal[kind];
      let text: string;
      let path: string;
      if (kind === 'router') {
        text = router({ id: 'hostile-interior', mode: 'interior', ...bad });
        path = `$[0][1].${attribute}`;
      } else if (base) {
        const attributes = { ...base, ...bad };
        if (attribute === 'multiAddressStrategy') delete attributes['address'];
        text = plus([kind, attributes]);
        path = `$[${AT}][1].${attribute}`;
      } else {
        throw new Error(`no minimal ${kind} for the enum ${attribute}: add one`);
      }
      cases.push({ id: `enum-${kind}.${attribute}`, area: 'skrouterd', title: `${kind}.${attribute} outside its enum`, input: text, expect: 'must be one of', path });
    }
  }
  return cases;
}

const a = (attribute: string): string => `$[${AT}][1].${attribute}`;
const sk = (id: string, title: string, input: string, expect: string, path?: string): ConfigCase => ({
  id: `sk-${id}`,
  area: 'skrouterd',
  title,
  input,
  expect,
  ...(path === undefined ? {} : { path }),
});
const po = (id: string, title: string, input: string, expect: string, path?: string): ConfigCase => ({
  id: `pot-${id}`,
  area: 'pot',
  title,
  input,
  expect,
  ...(path === undefined ? {} : { path }),
});
const fsCase = (id: string, title: string, input: ConfigCase['input'], expect: string, outcome?: 'unreadable'): ConfigCase => ({
  id: `file-${id}`,
  area: 'file',
  title,
  input,
  expect,
  ...(outcome === undefined ? {} : { outcome }),
});

const good = goodText();

export const CONFIG_CASES: readonly ConfigCase[] = [
  // Malformed JSON
  sk('trailing-comma', 'trailing comma', good.replace(/\]\s*\]\s*$/, ']\n,]'), 'JSON syntax error'),
  sk('missing-comma', 'missing comma between entries', '[["router", {}] ["site", {}]]', "expected ',' or ']'"),
  sk('unterminated', 'unterminated string', '[["router", {"id": "r1}]]', 'unterminated string'),
  sk('bare-word', 'bare word value', '[["router", {"mode": interior}]]', 'expected a JSON value'),
  sk('single-quotes', 'single-quoted strings', "[['router', {}]]", 'expected a JSON value'),
  sk('nan', 'NaN literal', plus(['listener', { name: 'x', port: 1 }]).replace('"port": 1', '"port": NaN'), 'JSON syntax error'),
  sk('truncated', 'the good file cut in half', good.slice(0, Math.floor(good.length / 2)), 'JSON syntax error'),
  sk('text-after', 'text after the JSON value', `${good}\n]`, 'after the end of the JSON value'),
  sk('bom', 'byte-order mark', `\uFEFF${good}`, 'byte-order mark'),
  sk('control-char', 'raw control character in a string', good.replace('"hostile-interior"', '"hostile\u0007interior"'), 'control character'),
  sk('bad-escape', 'invalid escape', good.replace('"hostile-interior"', '"hostile\\xinterior"'), 'bad escape'),
  // Structure and wrong types
  sk('scalar', 'a number as the document', '42', 'must be a JSON array (skrouterd) or object (PoT)'),
  sk('null-doc', 'null as the document', 'null', 'must be a JSON array (skrouterd) or object (PoT)'),
  sk('string-doc', 'a string as the document', '"[]"', 'must be a JSON array (skrouterd) or object (PoT)'),
  sk('not-a-pair', 'an entry that is not a pair', plus(['site'] as unknown as Entry), 'must be a [type, attributes] pair', `$[${AT}]`),
  sk('attrs-list', 'attributes that are a list', plus(['site', [] as unknown as Record<string, unknown>]), 'must be an object, not an array', `$[${AT}][1]`),
  sk('type-number', 'a type that is a number', plus([7 as unknown as string, {}]), 'type must be a string', `$[${AT}][0]`),
  sk('unknown-type', 'unknown entity type', plus(['bridge', { name: 'b' }]), 'unknown entity type "bridge"', `$[${AT}][0]`),
  sk('proto-type', '__proto__ as the type', plus(['__proto__', { name: 'p' }]), 'unknown entity type "__proto__"', `$[${AT}][0]`),
  sk('proto-attr', '__proto__ as an attribute', `[${good.slice(1, -1)}, ["listener", {"__proto__": {"port": 1}, "name": "p", "port": 2}]]`, 'unknown attribute "__proto__"'),
  sk('long-type', 'long management type name', plus(['io.skupper.router.listener', { name: 'l', port: 1 }]), 'use the short name "listener"', `$[${AT}][0]`),
  sk('port-bool', 'port that is a boolean', plus(['listener', { name: 'x', port: true }]), 'must be a port', a('port')),
  sk('port-object', 'port that is an object', plus(['listener', { name: 'x', port: { n: 1 } }]), 'must be a port', a('port')),
  sk('int-word', 'word for an integer', plus(['listener', { name: 'x', port: 1, cost: 'high' }]), 'must be an integer', a('cost')),
  sk('bool-word', 'word for a boolean', plus(['listener', { name: 'x', port: 1, authenticatePeer: 'maybe' }]), 'must be true or false', a('authenticatePeer')),
  sk('name-number', 'a number as the name', plus(['listener', { name: 3, port: 1 }]), '"name" must be a non-empty string', a('name')),
  sk('name-empty', 'an empty name', plus(['listener', { name: '', port: 1 }]), '"name" must be a non-empty string', a('name')),
  sk('host-null', 'null for a string', plus(['listener', { name: 'x', host: null, port: 1 }]), 'must be a string, not null', a('host')),
  sk('string-number', 'number for a string', plus(['listener', { name: 'x', port: 1, saslMechanisms: 5 }]), 'must be a string', a('saslMechanisms')),
  sk('map-string', 'string for a map', plus(['listener', { name: 'x', port: 1, openProperties: 'x' }]), 'must be an object', a('openProperties')),
  sk('huge-int', 'integer beyond 2^53', plus(['listener', { name: 'x', port: 1, linkCapacity: '123456789012345678901234' }]), 'safe integers', a('linkCapacity')),
  sk('read-only', 'read-only attribute given', plus(['connector', { name: 'x', port: 1, connectionStatus: 'SUCCESS' }]), 'read-only', a('connectionStatus')),
  sk('missing-required', 'required attribute missing', plus(['tcpConnector', { name: 'x', address: 'a' }]), 'tcpConnector needs "port"', `$[${AT}][1]`),
  // Ports out of range or not numeric
  sk('port-0', 'port 0', plus(['listener', { name: 'x', port: 0 }]), 'must be a port: an integer 1–65535', a('port')),
  sk('port-65536', 'port 65536', plus(['listener', { name: 'x', port: 65536 }]), 'must be a port', a('port')),
  sk('port-negative', 'negative port string', plus(['tcpConnector', { name: 'x', address: 'a', port: '-1' }]), 'must be a port', a('port')),
  sk('port-word', 'port as a service name', plus(['listener', { name: 'x', port: 'amqps' }]), 'must be a port', a('port')),
  sk('port-suffix', 'port with trailing text', plus(['connector', { name: 'x', host: 'h', port: '5672abc' }]), 'must be a port', a('port')),
  sk('port-fraction', 'port with a fraction', plus(['connector', { name: 'x', host: 'h', port: 5672.5 }]), 'must be a port', a('port')),
  sk('port-empty', 'empty port string', plus(['tcpListener', { name: 'x', address: 'a', port: '' }]), 'must be a port', a('port')),
  sk('port-exp', 'port 1e10', plus(['listener', { name: 'x', port: 1e10 }]), 'must be a port', a('port')),
  // Duplicate and colliding names
  sk('dup-listener', 'two listeners with one name', plus(['listener', { name: 'amqp', port: 30010 }]), 'already used by the listener', a('name')),
  sk('dup-across-types', 'a tcpListener named like the sslProfile', plus(['tcpListener', { name: 'tls', address: 'a', port: 30011 }]), 'name "tls" is already used by the sslProfile', a('name')),
  sk('dup-router-name', 'a listener named like the router', plus(['listener', { name: 'router', port: 30012 }]), 'name "router" is already used by the router', a('name')),
  sk('dup-derived', 'derived names that collide', plus(['connector', { host: 'h', port: 1 }], ['connector', { host: 'h', port: '1' }]), 'name "connector/h:1" is already used'),
  sk('two-routers', 'a second router', plus(['router', { id: 'other' }]), 'a second router'),
  sk('dup-log-module', 'a second log for DEFAULT', plus(['log', { name: 'again', module: 'DEFAULT' }]), 'log module DEFAULT is already configured'),
  sk('dup-socket', 'two listeners on one socket', plus(['listener', { name: 'x', host: '0.0.0.0', port: 25672 }]), 'is already used by the listener', a('port')),
  sk('dup-prefix', 'two address rules for one prefix', plus(['address', { name: 'mc2', prefix: 'mc' }]), 'an address rule for prefix "mc"'),
  sk('dup-key', 'a key given twice after camel-casing', plus(['listener', { name: 'x', port: 1, 'sasl-mechanisms': 'A', saslMechanisms: 'B' }]), 'given twice'),
  // Dangling references
  sk('ref-ssl', 'listener names a missing sslProfile', plus(['listener', { name: 'x', port: 30020, sslProfile: 'tsl' }]), 'sslProfile "tsl" does not exist; did you mean "tls"?', a('sslProfile')),
  sk('ref-proxy', 'connector names a missing proxyProfile', plus(['connector', { name: 'x', host: 'h', port: 1, proxyProfile: 'proxy' }]), 'proxyProfile "proxy" does not exist', a('proxyProfile')),
  sk('ref-tcp-ssl', 'tcpConnector names a missing sslProfile', plus(['tcpConnector', { name: 'x', address: 'a', port: 1, sslProfile: 'gone' }]), 'sslProfile "gone" does not exist', a('sslProfile')),
  sk('ref-listener', 'listenerAddress names a missing tcpListener', plus(['listenerAddress', { name: 'la', listener: 'nope', address: 'a', value: 1 }]), 'tcpListener "nope" does not exist', a('listener')),
  sk('ref-wrong-type', 'sslProfile reference to a listener', plus(['connector', { name: 'x', host: 'h', port: 2, sslProfile: 'amqp' }]), 'sslProfile "amqp" does not exist', a('sslProfile')),
  // Shell and path injection
  sk('inject-id-subst', 'router id with a command substitution', router({ id: 'r-$(reboot)', mode: 'interior' }), '"$"', '$[0][1].id'),
  sk('inject-id-semicolon', 'router id with a shell command', router({ id: 'r1; rm -rf /', mode: 'interior' }), 'may not contain whitespace', '$[0][1].id'),
  sk('inject-log-level', 'log level with a shell command', plus(['log', { module: 'ROUTER', enable: 'info+;rm -rf /' }]), 'unknown log level', a('enable')),
  sk('inject-type-path', 'entity type that is a path', plus(['../../etc/passwd', {}]), 'unknown entity type', `$[${AT}][0]`),
  sk('inject-attr-path', 'attribute name that is a path', plus(['listener', { name: 'x', port: 1, '../../etc/shadow': 'x' }]), 'unknown attribute'),
  // Huge inputs and deep nesting
  sk('size-5MiB', 'a 5 MiB file', plus(['listener', { name: 'x', port: 1, failoverUrls: 'u'.repeat(5 * 1024 * 1024) }]), 'more than the limit of 4194304'),
  sk('entities-20001', '20,001 entities', JSON.stringify([['router', { mode: 'interior' }], ...Array.from({ length: 20_000 }, (_, i) => ['address', { name: `a${i}`, prefix: `p${i}` }])]), 'more than the limit of 20000'),
  sk('deep-arrays', 'arrays nested 100,000 deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'no "router" entity'),
  sk('deep-map', 'an attribute map nested 40 deep', plus(['listener', { name: 'x', port: 1, openProperties: nested(40) }]), 'nested more than 32 levels', a('openProperties')),
  sk('deep-unclosed', '100,000 unclosed objects', `[["router", ${'{"a":'.repeat(100_000)}`, 'JSON syntax error'),
  ...enumViolations(),
  // Values that make skrouterd 3.5.1 exit at boot (e2e/reference/skrouterd-3.5.1-boot-refusals.json)
  sk('cost-0', 'listener cost 0', plus(['listener', { name: 'x', port: 30040, cost: 0 }]), '"cost" must be 1…2147483647; skrouterd 3.5.1 refuses to boot with 0', a('cost')),
  sk('frame-huge', 'connector maxFrameSize 99999999999', plus(['connector', { name: 'x', host: 'h', port: 30041, maxFrameSize: 99999999999 }]), 'must be 0 (the default) or 512…2147483647; skrouterd 3.5.1 refuses to boot with 99999999999', a('maxFrameSize')),
  sk('frame-511', 'listener maxFrameSize 511', plus(['listener', { name: 'x', port: 30042, maxFrameSize: 511 }]), 'refuses to boot with 511', a('maxFrameSize')),
  sk('sessions-32769', 'listener maxSessions 32769', plus(['listener', { name: 'x', port: 30043, maxSessions: 32769 }]), 'must be 0 (the default) or 1…32768', a('maxSessions')),
  sk('session-frames-1', 'connector maxSessionFrames 1', plus(['connector', { name: 'x', host: 'h', port: 30044, maxSessionFrames: 1 }]), 'must be 0 (the default) or 2…2147483647', a('maxSessionFrames')),
  sk('failover-no-host', 'listener failoverUrls with an item without a host', plus(['listener', { name: 'x', port: 30048, failoverUrls: 'amqp://a.example:5672,amqps://:5671' }]), 'has no host; skrouterd 3.5.1 refuses to boot with it', a('failoverUrls')),
  sk('worker-threads-0', 'router workerThreads 0 (the router exits at once)', router({ id: 'hostile-interior', mode: 'interior', workerThreads: 0 }), '"workerThreads" must be 1…2147483647', '$[0][1].workerThreads'),
  sk('worker-threads-negative', 'router workerThreads -1 (the router aborts)', router({ id: 'hostile-interior', mode: 'interior', workerThreads: '-1' }), 'refuses to boot with -1', '$[0][1].workerThreads'),
  sk('policy-connections-negative', 'policy maxConnections -1', plus(['policy', { maxConnections: -1 }]), '"maxConnections" must be 0…2147483647', a('maxConnections')),
  sk('vhost-connections-negative', 'vhost maxConnections -1', plus(['vhost', { name: 'v', hostname: 'v', maxConnections: -1 }]), '"maxConnections" must be 0…65535', a('maxConnections')),
  sk('vhost-group-word', 'vhost group maxSessions "lots"', plus(['vhost', { name: 'v', hostname: 'v', groups: { $default: { maxSessions: 'lots' } } }]), '"maxSessions" must be an integer 0 or more, not "lots"', `$[${AT}][1].groups["$default"].maxSessions`),
  sk('vhost-alias-self', 'vhost alias repeating its hostname', plus(['vhost', { name: 'v', hostname: 'v', aliases: 'w, v' }]), 'repeats the vhost\'s own hostname', a('aliases')),
  sk('vhost-user-two-groups', 'a user in two vhost groups', plus(['vhost', { name: 'v', hostname: 'v', groups: { a: { users: 'u' }, b: { users: 'u' } } }]), 'a user may be in one group only', `$[${AT}][1].groups["b"].users`),
  sk('vhost-unknown-without-default', 'allowUnknownUser without a $default group', plus(['vhost', { name: 'v', hostname: 'v', allowUnknownUser: true }]), 'needs a "$default" user group', a('allowUnknownUser')),
  sk('vhost-hosts-backwards', 'vhost remoteHosts range highest first', plus(['vhost', { name: 'v', hostname: 'v', groups: { $default: { remoteHosts: '10.0.0.9-10.0.0.1' } } }]), 'lower address first', `$[${AT}][1].groups["$default"].remoteHosts`),
  sk('nul-name', 'a NUL character in a name', plus(['listener', { name: 'x\u0000y', port: 30045 }]), 'the name contains a NUL character', a('name')),
  sk('nul-value', 'a NUL character in a connector host', plus(['connector', { name: 'x', host: 'h\u0000', port: 30046 }]), 'embedded null character', a('host')),
  sk('nul-open-property', 'a NUL character in an openProperties key', plus(['listener', { name: 'x', port: 30047, openProperties: { 'k\u0000': 'v' } }]), 'contains a NUL character'),
  // Listening sockets that overlap (0.0.0.0 holds every IPv4 address; an empty host every address)
  sk('socket-wildcard-overlap', 'a listener on 127.0.0.1 under the 0.0.0.0 listener\'s port', plus(['listener', { name: 'x', host: '127.0.0.1', port: 25672 }]), 'is already used by the listener at $[4][1], on host "0.0.0.0"', a('port')),
  sk('socket-every-address', 'a tcpListener on every address under a tcpListener\'s port', plus(['tcpListener', { name: 'x', host: '', port: 29090, address: 'b' }]), 'is already used by the tcpListener at $[7][1]', a('port')),
  sk('socket-localhost', 'a listener on localhost under a listener\'s port', plus(['listener', { name: 'x', host: 'localhost', port: '25671' }]), 'is already used by the listener at $[5][1]', a('port')),
  // PoT objects
  po('listeners-list', 'listeners in the old list form', pot({ listeners: [{ name: 'l', port: 5672 }] }), 'older list form is not supported', '$.listeners'),
  po('entry-string', 'a connector that is a string', pot({ connectors: { up: 'x' } }), 'must be an object, not "x"', '$.connectors["up"]'),
  po('metadata-string', 'metadata that is a string', '{"metadata": "edge"}', '"metadata" must be an object', '$.metadata'),
  po('no-metadata', 'no metadata', '{"listeners": {}}', 'no "metadata"'),
  po('empty-object', 'an empty object', '{}', 'no "metadata"'),
  po('misspelt-section', 'a misspelt section', pot({ listners: {} }), 'did you mean "listeners"?', '$.listners'),
  po('section-twice', 'one section under two spellings', pot({ listeners: {}, Listeners: {} }), 'given twice', '$.Listeners'),
  po('bridges-list', 'bridges that are a list', pot({ bridges: [] }), '"bridges" must be an object', '$.bridges'),
  po('bridge-port', 'tcpListener port out of range', pot({ bridges: { tcpListeners: { t: { name: 't', address: 'a', port: '99999' } } } }), 'must be a port', '$.bridges.tcpListeners["t"].port'),
  po('mode-enum', 'router mode outside its enum', JSON.stringify({ metadata: { id: 'r', mode: 'hub' } }), 'must be one of standalone, interior, edge', '$.metadata.mode'),
  po('role-enum', 'listener role outside its enum', pot({ listeners: { l: { name: 'l', port: 1, role: 'admin' } } }), 'must be one of', '$.listeners["l"].role'),
  po('profile-no-name', 'sslProfile without its name', pot({ sslProfiles: { p1: { caCertFile: '/ca' } } }), 'add "name": "p1"', '$.sslProfiles["p1"]'),
  po('ref-map-key', 'reference by map key only', pot({ sslProfiles: { p: { name: 'q', caCertFile: '/ca' } }, connectors: { c: { name: 'c', port: '1', sslProfile: 'p' } } }), 'sslProfile "p" does not exist', '$.connectors["c"].sslProfile'),
  po('dup-names', 'a listener and a connector with one name', pot({ listeners: { a: { name: 'same', port: 1 } }, connectors: { b: { name: 'same', host: 'h', port: 2 } } }), 'name "same" is already used'),
  po('comment', 'a comment line in a PoT object', `{\n# note\n"metadata": {}}`, 'comment lines are allowed only in skrouterd'),
  po('edge-on-edge', 'an edge listener on an edge router', JSON.stringify({ metadata: { mode: 'edge' }, listeners: { e: { name: 'e', port: 45671, role: 'edge' } } }), 'only allowed on an interior router', '$.listeners["e"].role'),
  po('inject-id', 'router id with a command substitution', JSON.stringify({ metadata: { id: '`reboot`$(id)', mode: 'interior' } }), '"$"', '$.metadata.id'),
  po('worker-threads-0', 'router workerThreads 0 in metadata', JSON.stringify({ metadata: { id: 'r', mode: 'interior', workerThreads: 0 } }), '"workerThreads" must be 1…2147483647', '$.metadata.workerThreads'),
  po('cost-0', 'listener cost 0', pot({ listeners: { l: { name: 'l', port: 30050, cost: '0' } } }), 'refuses to boot with 0', '$.listeners["l"].cost'),
  po('socket-overlap', 'a tcpListener on a listener\'s port', pot({ listeners: { l: { name: 'l', host: '0.0.0.0', port: 30051 } }, bridges: { tcpListeners: { t: { name: 't', host: '10.0.0.1', port: '30051', address: 'a' } } } }), 'is already used by the listener', '$.bridges.tcpListeners["t"].port'),
  // The file itself
  fsCase('empty', 'an empty file', '', 'the file is empty'),
  fsCase('blank', 'only whitespace', ' \n\t\n', 'the file is empty'),
  fsCase('comments-only', 'only comment lines', '# nothing here\n# at all\n', 'the file is empty'),
  fsCase('binary', 'binary garbage (a zip header)', { bytes: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0xfe, 0x01]) }, 'not valid UTF-8'),
  fsCase('utf16', 'the good file in UTF-16', { bytes: Buffer.from(`\uFEFF${good}`, 'utf16le') }, 'not valid UTF-8'),
  fsCase('missing', 'the file deleted', { fs: 'missing' }, 'ENOENT', 'unreadable'),
  fsCase('directory', 'a directory at the config path', { fs: 'directory' }, 'not a regular file', 'unreadable'),
  fsCase('dangling-symlink', 'a symlink to nowhere', { fs: 'dangling-symlink' }, 'ENOENT', 'unreadable'),
  fsCase('symlink-loop', 'a symlink to itself', { fs: 'symlink-loop' }, 'ELOOP', 'unreadable'),
  fsCase('sparse-64MiB', 'a 64 MiB file of zero bytes', { fs: 'sparse-64MiB' }, 'more than the limit of 4194304'),
  fsCase('unreadable', 'a file without read permission (skipped as root)', { fs: 'unreadable' }, 'EACCES', 'unreadable'),
];

/**
 * The limits as settings: a controller run with CONFIG_MAX_BYTES and CONFIG_MAX_ENTITIES lowered
 * in its environment ({@link LIMIT_ENV}) holds every desired config to them, naming the setting.
 * The good config (9 entities, about 1.2 KiB) is within both.
 */
export const LIMIT_ENV: Readonly<Record<string, string>> = { CONFIG_MAX_BYTES: '4096', CONFIG_MAX_ENTITIES: '12' };

const addresses = (n: number): Entry[] => Array.from({ length: n }, (_, i) => ['address', { name: `limit-${i}`, prefix: `limit-${i}` }] as const);

export const LIMIT_CASES: readonly ConfigCase[] = [
  fsCase('over-CONFIG_MAX_BYTES', 'the good file padded to 4,097 bytes with CONFIG_MAX_BYTES=4096', `${good}`.padEnd(4097, ' '), 'the file is 4097 bytes, more than the limit of 4096 (CONFIG_MAX_BYTES)'),
  sk('over-CONFIG_MAX_ENTITIES', '13 entities with CONFIG_MAX_ENTITIES=12', plus(...addresses(4)), '13 entities is more than the limit of 12 (CONFIG_MAX_ENTITIES)', '$'),
  po(
    'over-CONFIG_MAX_ENTITIES',
    'a PoT config of 13 entities with CONFIG_MAX_ENTITIES=12',
    pot({ addresses: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`a${i}`, { name: `limit-${i}`, prefix: `limit-${i}` }])) }),
    '13 entities is more than the limit of 12 (CONFIG_MAX_ENTITIES)',
    '$',
  ),
];

/**
 * Ports the controller holds: a controller run with {@link RESERVED_ENV} (attached to a router on
 * loopback, so its HTTP port is on the router's machine) refuses a desired listener over its HTTP
 * port, naming the setting (the controller passes `reservedPortsOf(settings, httpHost)` to `loadConfig`).
 */
export const RESERVED_ENV: Readonly<Record<string, string>> = { HTTP_PORT: '29191' };

export const RESERVED_CASES: readonly ConfigCase[] = [
  sk('reserved-http-port', 'a listener on every address over HTTP_PORT', plus(['listener', { name: 'x', port: 29191 }]), "clashes with the controller's HTTP server (HTTP_PORT)", a('port')),
  sk('reserved-http-port-tcp', 'a tcpListener on 127.0.0.1 over HTTP_PORT', plus(['tcpListener', { name: 'x', host: '127.0.0.1', port: '29191', address: 'b' }]), "clashes with the controller's HTTP server (HTTP_PORT)", a('port')),
];
