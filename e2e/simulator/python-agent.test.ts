/**
 * Behaviour of the simulated Python agent that the transcript does not show, taken from the
 * management notes and the agent's code: merge semantics (including a failed UPDATE), naming
 * and identity rules, the shared name namespace, validation and CError cases.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestPki } from './test-support/pki.js';
import { T, testRouter } from './test-support/router.js';

const CREATE = (type: string, name?: string) => ({ operation: 'CREATE', type: T(type), ...(name ? { name } : {}) });
const READ = (type: string, name: string) => ({ operation: 'READ', type: T(type), name });
const UPDATE = (type: string, name: string) => ({ operation: 'UPDATE', type: T(type), name });
const DELETE = (type: string, name: string) => ({ operation: 'DELETE', type: T(type), name });

describe('UPDATE merge semantics', () => {
  it('keeps omitted attributes, removes nulled ones, resets nulled defaulted ones to the default', () => {
    const r = testRouter();
    r.must(CREATE('sslProfile', 'p'), { caCertFile: '/a/ca', certFile: '/a/crt', ordinal: 1 });
    const updated = r.must(UPDATE('sslProfile', 'p'), { certFile: '/b/crt', caCertFile: null });
    expect(updated.statusCode).toBe(200);
    expect(updated.body).toMatchObject({ certFile: '/b/crt', ordinal: 1 });
    expect(updated.body).not.toHaveProperty('caCertFile');
    r.must(CREATE('tcpListener', 't'), { host: '0.0.0.0', port: 9000, address: 'a', observer: 'none' });
    expect(r.must(UPDATE('tcpListener', 't'), { observer: null }).body).toMatchObject({ observer: 'auto' });
  });

  it('a C refusal after the merge leaves the merged values visible to READ', () => {
    const r = testRouter();
    const failed = r.must({ operation: 'UPDATE', type: T('log'), identity: 'log/DEFAULT' }, { enable: 'loud+' });
    expect(failed.statusCode).toBe(500);
    expect(failed.statusDescription).toBe(
      "CError: Configuration: 'loud+' is not a valid log level. Should be one of {none, debug, info, warning, error, critical}.",
    );
    expect(r.must({ operation: 'READ', type: T('log'), identity: 'log/DEFAULT' }).body).toMatchObject({ enable: 'loud+' });

    r.must(CREATE('sslProfile', 'p'), { certFile: '/c', ordinal: 2, oldestValidOrdinal: 1 });
    const rejected = r.must(UPDATE('sslProfile', 'p'), { oldestValidOrdinal: 5 });
    expect(rejected.statusCode).toBe(500);
    expect(rejected.statusDescription).toMatch(/^CError: /);
    expect(r.must(READ('sslProfile', 'p')).body).toMatchObject({ oldestValidOrdinal: 5 });
  });

  it('a validation failure changes nothing', () => {
    const r = testRouter();
    r.must(CREATE('tcpListener', 't'), { port: '9000', address: 'a' });
    const bad = r.must(UPDATE('tcpListener', 't'), { observer: 'nope' });
    expect(bad.statusCode).toBe(400);
    expect(bad.statusDescription).toBe("io.skupper.router.tcpListener: Invalid value for enum['none', 'auto', 'http1', 'http2']: 'nope'");
    expect(r.must(READ('tcpListener', 't')).body).toMatchObject({ observer: 'auto' });
  });

  it('accepts non-updatable attributes only when they equal the stored normalised value', () => {
    const r = testRouter();
    r.must(CREATE('tcpListener', 't'), { host: '127.0.0.1', port: 9000, address: 'a' });
    expect(r.must(UPDATE('tcpListener', 't'), { port: '9000', type: T('tcpListener'), name: 't' }).statusCode).toBe(200);
    expect(r.must(UPDATE('tcpListener', 't'), { port: 9000 }).statusDescription).toBe("Cannot update attribute 'port' in UPDATE");
    expect(r.must(UPDATE('tcpListener', 't'), { type: 'tcpListener' }).statusDescription).toBe("Cannot update attribute 'type' in UPDATE");
    expect(r.must(UPDATE('tcpListener', 't'), { frob: 1 }).statusDescription).toBe("Unknown attribute 'frob' for 'io.skupper.router.tcpListener'");
  });
});

describe('names and identities', () => {
  it('derives identities per type and names unnamed entities after them', () => {
    const r = testRouter();
    expect(r.must(CREATE('listener'), { host: '10.0.0.1', port: 7000 }).body).toMatchObject({
      identity: 'listener/10.0.0.1:7000',
      name: 'listener/10.0.0.1:7000',
    });
    expect(r.must(CREATE('vhost', 'v'), { hostname: 'h.example' }).body).toMatchObject({ identity: 'vhost/h.example' });
    expect(r.must(CREATE('proxyProfile', 'px'), { host: 'proxy', port: 3128 }).body).toMatchObject({ identity: 'proxyProfile/px', port: '3128' });
    const network = r.must({ operation: 'QUERY', entityType: T('network') }, { attributeNames: ['name', 'identity'] });
    expect(network.body).toEqual({ attributeNames: ['name', 'identity'], results: [['network/0', 'network/0']] });
  });

  it('a body-only name is discarded (the name property is what counts)', () => {
    const r = testRouter();
    const created = r.must(CREATE('tcpConnector'), { name: 'ignored', host: 'h', port: 1, address: 'a' });
    expect(created.body).toMatchObject({ name: 'tcpConnector/h:1', identity: 'tcpConnector/h:1' });
  });

  it('an sslProfile without a name fails inside the adapter (AttributeError)', () => {
    const r = testRouter();
    expect(r.must(CREATE('sslProfile'), { certFile: '/x' })).toMatchObject({ statusCode: 500, statusDescription: 'AttributeError: ' });
  });

  it('shares one namespace across Python types but not with the C tables', () => {
    const r = testRouter();
    r.must(CREATE('sslProfile', 'shared'), { certFile: '/x' });
    const clash = r.must(CREATE('tcpListener', 'shared'), { port: 1, address: 'a' });
    expect(clash.statusCode).toBe(400);
    expect(clash.statusDescription).toMatch(/^adding TcpListenerEntity\(.*\) duplicates unique attribute 'name' from existing SslProfileEntity\(.*certFile=\/x.*\)$/);
    expect(r.must({ operation: 'CREATE', type: T('router.config.address'), name: 'shared' }, { prefix: 'p' }).statusCode).toBe(201);
    const logStats = r.must(CREATE('sslProfile', 'DEFAULT'), {});
    expect(logStats.statusDescription).toMatch(/duplicates unique attribute 'name' from existing LogStatsEntity\(/);
  });

  it('checks that name and identity agree and that the entity has the requested type', () => {
    const r = testRouter();
    expect(r.must({ operation: 'READ', name: 'mgmt', identity: 'other' }).statusDescription).toBe('Conflicting name=mgmt identity=other');
    expect(r.must(READ('sslProfile', 'mgmt')).statusDescription).toBe(
      "Entity type 'io.skupper.router.listener' does not extend requested type 'io.skupper.router.sslProfile'",
    );
    expect(r.must({ operation: 'READ', type: T('configurationEntity'), name: 'mgmt' }).statusCode).toBe(404);
  });
});

describe('CREATE validation and coercion', () => {
  it('coerces like the router: ports to strings, ints from strings, yes/no, enum indexes', () => {
    const r = testRouter();
    const body = r.must(CREATE('listener', 'l'), { port: 6000, cost: '7', authenticatePeer: 'yes', role: 3, healthz: 'off' }).body;
    expect(body).toMatchObject({ port: '6000', cost: 7, authenticatePeer: true, role: 'edge', healthz: false, host: '' });
  });

  it('refuses read-only attributes, identity, and bad values with the router texts', () => {
    const r = testRouter();
    expect(r.must(CREATE('tcpListener', 't'), { port: 1, address: 'a', operStatus: 'up' }).statusDescription).toBe(
      "Cannot set attribute 'operStatus' in CREATE",
    );
    expect(r.must(CREATE('sslProfile', 'p'), { identity: 'x' }).statusDescription).toBe("Cannot set attribute 'identity' in CREATE");
    expect(r.must(CREATE('listener', 'l'), { port: 1, cost: 'high' }).statusDescription).toMatch(
      /^io\.skupper\.router\.listener: invalid literal for int\(\) with base 10: 'high':<traceback object at 0x[0-9a-f]+>$/,
    );
    expect(r.must(CREATE('vhost', 'v'), {}).statusDescription).toBe("io.skupper.router.vhost: Missing required attribute 'hostname'");
    expect(r.must({ operation: 'CREATE', type: T('sslProfile'), name: 'a' }, { name: 'b' }).statusDescription).toBe("Conflicting values for 'name'");
    expect(r.must({ operation: 'CREATE', type: T('log'), name: 'x' }, {}).statusDescription).toBe(
      "Operation 'CREATE' not implemented for 'io.skupper.router.log' ['UPDATE', 'READ']",
    );
    expect(r.must({ operation: 'CREATE', name: 'x' }, {}).statusDescription).toBe("No 'type' attribute in {'type': None, 'name': 'x'}");
    expect(r.must({ operation: 'CREATE', type: T('listener'), name: 'x' }, null)).toMatchObject({
      statusCode: 500,
      statusDescription: "AttributeError: 'NoneType' object has no attribute 'setdefault'",
    });
  });

  it('applies the role/mode rules of the router', () => {
    const edge = testRouter(JSON.stringify([['router', { id: 'e', mode: 'edge' }]]));
    expect(edge.must(CREATE('connector', 'c'), { host: 'h', port: 1, role: 'inter-router' }).statusDescription).toMatch(
      /^role='inter-router' only allowed with router mode='interior' for ConnectorEntity\(/,
    );
    expect(edge.must(CREATE('listener', 'l'), { port: 1, role: 'edge' }).statusDescription).toMatch(/^role='edge' only allowed/);
    const standalone = testRouter('[]');
    expect(standalone.must(CREATE('listener', 'l'), { port: 1, role: 'inter-router' }).statusDescription).toBe(
      "role='standalone' not allowed to connect to or accept connections from other routers.",
    );
  });
});

describe('C-side refusals (500 CError)', () => {
  it('refuses dangling profiles and impossible TCP configurations, and keeps nothing of them', () => {
    const r = testRouter();
    expect(r.must(CREATE('connector', 'c'), { host: 'h', port: 1, proxyProfile: 'none' }).statusDescription).toBe(
      "CError: Not found: proxyProfile 'none' not found",
    );
    expect(r.must(CREATE('tcpConnector', 'tc'), { port: 1, address: 'a', sslProfile: 'gone' }).statusDescription).toBe(
      "CError: Not found: sslProfile 'gone' not found",
    );
    expect(r.must(CREATE('tcpListener', 'both'), { port: 1, address: 'a', multiAddressStrategy: 'priority' }).statusDescription).toBe(
      "CError: Configuration: Exactly one of the 'address' or 'multiAddressStrategy' field must be set",
    );
    expect(r.must(CREATE('listenerAddress', 'la'), { listener: 'missing', address: 'a', value: 1 }).statusDescription).toMatch(
      /^CError: Not found: tcpListener 'missing' not found$/,
    );
    expect(r.must(READ('connector', 'c')).statusCode).toBe(404);
  });

  it('refuses to delete a multi-address tcpListener that still has listenerAddresses', () => {
    const r = testRouter();
    r.must(CREATE('tcpListener', 'multi'), { port: 1, multiAddressStrategy: 'priority' });
    expect(r.must(CREATE('listenerAddress', 'la'), { listener: 'multi', address: 'a', value: '2' }).body).toMatchObject({
      identity: 'listenerAddress/multi:a:la',
      value: 2,
      connectionsOpened: 0,
    });
    const refused = r.must(DELETE('tcpListener', 'multi'));
    expect(refused.statusCode).toBe(500);
    expect(refused.statusDescription).toBe('CError: Bad value: listenerAddress entities exist for  multi-address listener multi');
    expect(r.must(READ('tcpListener', 'multi')).statusCode).toBe(200);
    expect(r.must(DELETE('listenerAddress', 'la')).statusCode).toBe(204);
    expect(r.must(DELETE('tcpListener', 'multi')).statusCode).toBe(204);
  });

  it('checks TLS files only when asked to', () => {
    const lax = testRouter();
    lax.must(CREATE('sslProfile', 'p'), { certFile: '/does/not/exist.crt', privateKeyFile: '/does/not/exist.key' });
    expect(lax.must(CREATE('listener', 'l'), { port: 1, sslProfile: 'p' }).statusCode).toBe(201);
    const strict = testRouter(undefined, { checkTlsFiles: true });
    strict.must(CREATE('sslProfile', 'p'), { certFile: '/does/not/exist.crt', privateKeyFile: '/does/not/exist.key' });
    expect(strict.must(CREATE('listener', 'l'), { port: 1, sslProfile: 'p' }).statusDescription).toMatch(/^CError: Configuration: .*exist\.crt/);
  });

  it('with checkTlsFiles, sets a listener up as the router does: a CA for EXTERNAL (not for authenticatePeer), usable files', () => {
    const pki = createTestPki();
    try {
      const r = testRouter(undefined, { checkTlsFiles: true });
      r.must(CREATE('sslProfile', 'no-ca'), { certFile: pki.router.certFile, privateKeyFile: pki.router.keyFile });
      r.must(CREATE('sslProfile', 'swapped'), { caCertFile: pki.caFile, certFile: pki.router.keyFile, privateKeyFile: pki.router.keyFile });
      const external = r.must(CREATE('listener', 'external'), { port: 1, sslProfile: 'no-ca', saslMechanisms: 'ANONYMOUS EXTERNAL' });
      expect([external.statusCode, external.statusDescription]).toEqual([500, 'CError: Configuration: Listener requires a CA for peer authentication (sslProfile: no-ca)']);
      expect(r.must(CREATE('listener', 'peer'), { port: 2, sslProfile: 'no-ca', authenticatePeer: true, saslMechanisms: 'PLAIN' }).statusCode).toBe(201);
      // Not only present: the files must hold a certificate and its key.
      const swapped = r.must(CREATE('listener', 'swapped-files'), { port: 3, role: 'inter-router', sslProfile: 'swapped' });
      expect([swapped.statusCode, swapped.statusDescription]).toEqual([500, expect.stringMatching(/^CError: Configuration: Failed to configure TLS certFile '.*router\.key' from sslProfile 'swapped' \(certFile and privateKeyFile: /)]);
      expect(r.must(READ('listener', 'external')).statusCode).toBe(404);
    } finally {
      rmSync(pki.dir, { recursive: true, force: true });
    }
  });

  it('brings a tcpListener up while a tcpConnector serves its address', () => {
    const r = testRouter();
    r.must(CREATE('tcpListener', 't'), { port: 1, address: 'svc' });
    expect(r.must(READ('tcpListener', 't')).body).toMatchObject({ operStatus: 'down' });
    r.must(CREATE('tcpConnector', 'c'), { port: 2, address: 'svc' });
    expect(r.must(READ('tcpListener', 't')).body).toMatchObject({ operStatus: 'up' });
    r.must(DELETE('tcpConnector', 'c'));
    expect(r.must(READ('tcpListener', 't')).body).toMatchObject({ operStatus: 'down' });
  });
});

describe('singletons and always-present entities', () => {
  it('logs exist for every module and can only be updated', () => {
    const r = testRouter();
    const logs = r.must({ operation: 'QUERY', entityType: T('log') }, { attributeNames: ['module'] }).body as { results: unknown[][] };
    expect(logs.results).toHaveLength(23);
    expect(r.must({ operation: 'DELETE', type: T('log'), identity: 'log/ROUTER' }).statusDescription).toBe(
      "Operation 'DELETE' not implemented for 'io.skupper.router.log' ['UPDATE', 'READ']",
    );
    expect(r.must({ operation: 'UPDATE', type: T('log'), identity: 'log/ROUTER' }, { enable: 'trace+' }).statusCode).toBe(500);
    expect(r.must({ operation: 'UPDATE', type: T('log'), name: 'log/ROUTER' }, { enable: 'debug+' }).body).toMatchObject({ enable: 'debug+' });
  });

  it('network takes UPDATE of networkId; router and policy are read-only', () => {
    const r = testRouter();
    expect(r.must({ operation: 'UPDATE', type: T('network'), name: 'network/0' }, { networkId: 'n1' }).body).toMatchObject({ networkId: 'n1' });
    expect(r.must({ operation: 'UPDATE', type: T('network'), name: 'network/0' }, { tenantId: 't' }).statusCode).toBe(400);
    expect(r.must({ operation: 'READ', type: T('router'), name: 'router/r1' }).body).toMatchObject({ id: 'r1', mode: 'interior', area: '0' });
    expect(r.must({ operation: 'READ', type: T('policy'), name: 'policy/None' }).body).toMatchObject({ maxConnections: 65535, defaultVhost: '$default' });
  });

  it('a vhost brings its vhostStats, and takes it away', () => {
    const r = testRouter();
    r.must(CREATE('vhost', 'v'), { hostname: 'a.example', groups: { g: { users: '*', remoteHosts: '*' } } });
    expect(r.must({ operation: 'READ', name: 'vhostStats/a.example' }).statusCode).toBe(200);
    r.must(DELETE('vhost', 'v'));
    expect(r.must({ operation: 'READ', name: 'vhostStats/a.example' }).statusCode).toBe(404);
  });
});
