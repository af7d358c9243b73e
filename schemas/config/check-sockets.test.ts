// Listening sockets that clash, by port and overlapping host, and desired listeners on ports the
// controller holds (passed as reservedPorts).
import { describe, expect, it } from 'vitest';
import { loadConfig, type ReservedPort } from './index.js';
import { interior } from './test-support/reject-table.js';

type Bind = Record<string, unknown>;
type Outcome = 'error' | 'warning' | 'none';

/** Two binds of port 7000 (the first a listener, the second of `kind`) and what loading says. */
const PAIRS: readonly (readonly [string, Bind, Bind, Outcome])[] = [
  ['same host', { host: '0.0.0.0' }, { host: '0.0.0.0' }, 'error'],
  ['both empty (every address)', {}, { host: '' }, 'error'],
  ['IPv4 wildcard and loopback', { host: '0.0.0.0' }, { host: '127.0.0.1' }, 'error'],
  ['loopback and IPv4 wildcard', { host: '127.0.0.1' }, { host: '0.0.0.0' }, 'error'],
  ['empty host and a specific IPv4 address', { host: '' }, { host: '10.1.2.3' }, 'error'],
  ['empty host and ::1', { host: '' }, { host: '::1' }, 'error'],
  ['localhost and 127.0.0.1', { host: 'localhost' }, { host: '127.0.0.1' }, 'error'],
  ['LOCALHOST and ::1', { host: 'LOCALHOST' }, { host: '::1' }, 'error'],
  [':: and ::1', { host: '::' }, { host: '::1' }, 'error'],
  ['two spellings of one IPv6 address', { host: '0:0:0:0:0:0:0:1' }, { host: '::1' }, 'error'],
  ['one host name twice, in two cases', { host: 'Node-A' }, { host: 'node-a' }, 'error'],
  ['IPv6 wildcard (IPV6_V6ONLY) and IPv4 wildcard', { host: '::' }, { host: '0.0.0.0' }, 'none'],
  ['IPv6 wildcard and IPv4 loopback', { host: '::' }, { host: '127.0.0.1' }, 'none'],
  ['two IPv4 loopback addresses', { host: '127.0.0.1' }, { host: '127.0.0.2' }, 'none'],
  ['empty host forced to IPv4 and IPv6 wildcard', { host: '', socketAddressFamily: 'IPv4' }, { host: '::' }, 'none'],
  ['empty host forced to IPv6 and IPv6 loopback', { host: '', socketAddressFamily: 'IPv6' }, { host: '::1' }, 'error'],
  ['localhost forced to IPv6 and 127.0.0.1', { host: 'localhost', socketAddressFamily: 'IPv6' }, { host: '127.0.0.1' }, 'none'],
  ['a host name and the wildcard', { host: 'node-a' }, { host: '0.0.0.0' }, 'warning'],
  ['an address and a host name', { host: '10.0.0.1' }, { host: 'node-a' }, 'warning'],
  ['two host names', { host: 'node-a' }, { host: 'node-b' }, 'warning'],
];

function load(text: string, reservedPorts?: readonly ReservedPort[]) {
  return loadConfig(text, { file: 'f.json', ...(reservedPorts ? { reservedPorts } : {}) });
}

function outcome(result: ReturnType<typeof load>, path: string): Outcome {
  if (!result.ok && result.errors.some((e) => e.path === path)) return 'error';
  if (result.ok && result.warnings.some((w) => w.path === path)) return 'warning';
  expect(result.ok ? [] : result.errors).toEqual([]);
  return 'none';
}

describe('listening sockets on one port', () => {
  it.each(PAIRS.flatMap(([name, a, b, expected]) => (['listener', 'tcpListener'] as const).map((kind) => [`${name} (then a ${kind})`, a, b, kind, expected] as const)))(
    '%s',
    (_, a, b, kind, expected) => {
      const second: Record<string, unknown> = kind === 'listener' ? { name: 'b', port: 7000, ...b } : { name: 'b', port: '7000', address: 'x', ...b };
      if (kind === 'tcpListener') delete second['socketAddressFamily'];
      const result = load(interior(['listener', { name: 'a', port: 7000, ...a }], [kind, second]));
      expect(outcome(result, '$[2][1].port')).toBe(expected);
    },
  );

  it('names both sockets and the first entity in the message', () => {
    const result = load(interior(['tcpListener', { name: 'a', host: '0.0.0.0', port: 9, address: 'x' }], ['listener', { name: 'b', host: '127.0.0.1', port: 9 }]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]?.message).toBe(
      'port 9 on host "127.0.0.1" is already used by the tcpListener at $[1][1], on host "0.0.0.0" (every IPv4 address); a second listening socket on it fails to bind',
    );
  });

  it('reads the default listener port amqp as 5672', () => {
    const result = load(interior(['listener', { name: 'a' }], ['tcpListener', { name: 't', port: 5672, address: 'x' }]));
    expect(outcome(result, '$[2][1].port')).toBe('error');
  });

  it('different ports never clash, and connectors bind nothing', () => {
    const result = load(interior(['listener', { name: 'a', port: 7000 }], ['listener', { name: 'b', port: 7001 }], ['connector', { name: 'c', port: 7000 }], ['tcpConnector', { name: 'd', address: 'x', port: 7000 }]));
    expect(result.ok ? result.warnings : result.errors).toEqual([]);
  });

  it('reports a third listener on a taken port against the first, once', () => {
    const result = load(interior(['listener', { name: 'a', port: 7000 }], ['listener', { name: 'b', port: 7000 }], ['listener', { name: 'c', port: 7000 }]));
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.message.includes('listener at $[1][1]')])).toEqual([
      ['$[2][1].port', true],
      ['$[3][1].port', true],
    ]);
  });

  it('accepts 19,000 tcpListeners on distinct ports, and 2,000 on distinct addresses of one port', () => {
    const many = Array.from({ length: 19_000 }, (_, i) => ['tcpListener', { name: `t${i}`, port: 10_000 + i, address: 'x' }] as const);
    expect(load(interior(...many)).ok).toBe(true);
    const same = Array.from({ length: 2_000 }, (_, i) => ['tcpListener', { name: `t${i}`, host: `10.0.${i >> 8}.${i & 255}`, port: 9000, address: 'x' }] as const);
    expect(load(interior(...same)).ok).toBe(true);
  });
});

const MGMT: ReservedPort = { port: 55672, host: '127.0.0.1', owner: "the controller's management listener (ROUTER_MGMT_PORT)" };
const HTTP: ReservedPort = { port: 9191, host: '', owner: "the controller's HTTP server (HTTP_PORT)" };

describe('reserved ports', () => {
  it.each([
    ['the management port on every address', 'listener', { port: 55672 }, 'error'],
    ['the management port on 127.0.0.1', 'tcpListener', { port: '55672', host: '127.0.0.1' }, 'error'],
    ['the management port on localhost', 'listener', { port: 55672, host: 'localhost' }, 'error'],
    ['the management port on another IPv4 address', 'listener', { port: 55672, host: '10.0.0.5' }, 'none'],
    ['the management port on ::1', 'listener', { port: 55672, host: '::1' }, 'none'],
    ['the management port on a host name', 'listener', { port: 55672, host: 'node-a' }, 'warning'],
    ['the HTTP port on 0.0.0.0', 'tcpListener', { port: 9191, host: '0.0.0.0' }, 'error'],
    ['the HTTP port on ::1', 'listener', { port: 9191, host: '::1' }, 'error'],
    ['another port', 'listener', { port: 9192 }, 'none'],
  ] as const)('%s', (_, kind, bind, expected) => {
    const attributes = kind === 'tcpListener' ? { name: 'x', address: 'a', ...bind } : { name: 'x', ...bind };
    const result = load(interior([kind, attributes]), [MGMT, HTTP]);
    expect(outcome(result, '$[1][1].port')).toBe(expected);
  });

  it('says who holds the port and which setting moves it', () => {
    const result = load(interior(['listener', { name: 'x', port: 55672, host: '0.0.0.0' }]), [MGMT]);
    expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual([
      'port 55672 on host "0.0.0.0" (every IPv4 address) clashes with the controller\'s management listener (ROUTER_MGMT_PORT), which holds port 55672 on host "127.0.0.1": use another port',
    ]);
  });

  it('are not checked when none are given', () => {
    expect(load(interior(['listener', { name: 'x', port: 55672 }])).ok).toBe(true);
  });

  it('refuses invalid reserved ports as invalid options', () => {
    const result = load(interior(), [{ port: 0, host: '', owner: 'x' }]);
    expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual([expect.stringContaining('invalid options')]);
  });
});
