/** Booting from a skrouterd array file, and refusing a bad one the way the router does. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootRouter, INLINE_BOOT_FILE } from './boot.js';
import { SimulatorBootError } from './errors.js';
import { T, testRouter } from './test-support/router.js';

const boot = (text: string) => bootRouter({ text }, { now: Date.now, checkTlsFiles: false }, 'sim');

function failure(text: string): string {
  try {
    boot(text);
  } catch (e) {
    expect(e).toBeInstanceOf(SimulatorBootError);
    return (e as Error).message;
  }
  throw new Error('the boot file was accepted');
}

describe('booting', () => {
  it('drops # lines, camel-cases keys, coerces, fills defaults and adds the singletons', () => {
    const r = testRouter([
      '[',
      '  # a comment line',
      '  ["listener", {"name": "l", "port": 5672, "authenticate-peer": "yes"}]',
      ']',
    ].join('\n'));
    const listener = r.must({ operation: 'READ', type: T('listener'), name: 'l' }).body;
    expect(listener).toMatchObject({ port: '5672', authenticatePeer: true, role: 'normal', identity: 'listener/:5672:l' });
    expect(r.must({ operation: 'READ', type: T('router'), name: 'router/sim' }).body).toMatchObject({ mode: 'standalone', id: 'sim' });
    expect(r.must({ operation: 'READ', name: 'network/0' }).statusCode).toBe(200);
    expect(r.must({ operation: 'READ', name: 'policy/None' }).statusCode).toBe(200);
  });

  it('applies in the router order, so users may come before the profiles they name', () => {
    const r = testRouter(JSON.stringify([
      ['router', { id: 'x', mode: 'interior' }],
      ['listenerAddress', { name: 'la', listener: 'multi', address: 'a', value: 1 }],
      ['tcpListener', { name: 'multi', port: 1, multiAddressStrategy: 'priority' }],
      ['connector', { name: 'c', host: 'h', port: 1, proxyProfile: 'px', sslProfile: 'tls' }],
      ['proxyProfile', { name: 'px', host: 'proxy', port: 3128 }],
      ['sslProfile', { name: 'tls', caCertFile: '/ca' }],
      ['address', { prefix: 'mc', distribution: 'multicast' }],
    ]));
    const types = (r.must({ operation: 'QUERY', entityType: T('configurationEntity') }, { attributeNames: ['type'] }).body as { results: string[][] }).results.map(([t]) => t);
    const order = [T('policy'), T('sslProfile'), T('proxyProfile'), T('connector'), T('tcpListener'), T('listenerAddress')].map((t) => types.indexOf(t));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(r.must({ operation: 'QUERY', entityType: T('router.config.address') }, { attributeNames: ['prefix', 'distribution'] }).body).toMatchObject({ results: [['mc', 'multicast']] });
  });

  const examples = resolve(import.meta.dirname, '../reference/examples');
  it('boots every example skrouterd file of the reference folder', () => {
    const files = readdirSync(examples).filter((f) => f.startsWith('skrouterd-'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(() => boot(readFileSync(join(examples, f), 'utf8')), f).not.toThrow();
  });

  it('reads a file path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-boot-')), 'skrouterd.json');
    writeFileSync(file, JSON.stringify([['router', { id: 'from-file' }]]));
    expect(bootRouter({ file }, { now: Date.now, checkTlsFiles: false }, 'sim').routerId()).toBe('from-file');
  });
});

describe('refusing a bad boot file (Router start-up failed)', () => {
  it('long type names, unknown attributes, bad values and duplicate names fail validation', () => {
    expect(failure('[["io.skupper.router.listener", {"port": 1}]]')).toBe(
      `Router start-up failed: Python: Exception: Cannot load configuration file ${INLINE_BOOT_FILE}: No such entity type 'io.skupper.router.ioSkupperRouterListener'`,
    );
    expect(failure('[["listener", {"port": 1, "frob": 2}]]')).toMatch(/: io\.skupper\.router\.listener: Unknown attribute 'frob' for 'io\.skupper\.router\.listener'$/);
    expect(failure('[["router", {"mode": "core"}]]')).toMatch(/Invalid value for enum\['standalone', 'interior', 'edge'\]: 'core'$/);
    expect(failure('[["sslProfile", {"name": "a"}], ["tcpConnector", {"name": "a", "port": 1, "address": "x"}]]')).toMatch(
      /adding \{'type': 'io\.skupper\.router\.tcpConnector', 'name': 'a', .*\} duplicates unique attribute 'name' from existing \{'type': 'io\.skupper\.router\.sslProfile', 'name': 'a'\}$/,
    );
    expect(failure('[["router", {"id": "a"}], ["router", {"id": "b"}]]')).toMatch(/Adding io\.skupper\.router\.router singleton/);
    expect(failure('[["listener", {"port": 1, "role": "inter-router"}]]')).toBe(
      `Router start-up failed: Python: Exception: Cannot load configuration file ${INLINE_BOOT_FILE}: role='standalone' not allowed to connect to or accept connections from other routers.`,
    );
  });

  it('JSON errors, empty and missing files fail at load', () => {
    expect(failure('')).toMatch(/Cannot load configuration file .*: Expecting value: line 1 column 1 \(char 0\)$/);
    expect(failure('[["router", {}],]')).toMatch(/^Router start-up failed: Python: Exception: Cannot load configuration file /);
    expect(() => bootRouter({ file: '/nonexistent/skrouterd.json' }, { now: Date.now, checkTlsFiles: false }, 'x')).toThrow(
      "Router start-up failed: Python: Exception: Cannot load configuration file /nonexistent/skrouterd.json: [Errno 2] No such file or directory: '/nonexistent/skrouterd.json'",
    );
  });

  it('C errors while applying fail the start-up', () => {
    expect(failure('[["listener", {"port": 1, "sslProfile": "missing"}]]')).toBe(
      "Router start-up failed: Python: CError: Not found: sslProfile 'missing' not found",
    );
    expect(failure('[["tcpListener", {"name": "t", "port": 1}]]')).toBe(
      "Router start-up failed: Python: CError: Configuration: Exactly one of the 'address' or 'multiAddressStrategy' field must be set",
    );
    expect(failure('[["log", {"module": "DEFAULT", "enable": "chatty"}]]')).toMatch(/CError: Configuration: 'chatty' is not a valid log level/);
    expect(failure('[["router", {"id": "has space"}]]')).toBe(
      "Router start-up failed: Python: AttributeError: Router id attribute containing character ' ' in id 'has space' is disallowed.",
    );
  });
});
