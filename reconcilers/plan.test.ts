/**
 * Scenario tests of the planner: rows as a real 3.5.1 router reported them, reference ordering,
 * replace cascades, ownership, warnings and determinism.
 */
import { describe, expect, it } from 'vitest';
import type { DesiredEntity, DesiredState } from '../schemas/index.js';
import { plan } from './plan.js';
import type { ActualState, Plan } from './plan-types.js';
import { RouterModel } from './test-support/router-model.js';

const e = (kind: DesiredEntity['kind'], name: string, attributes: DesiredEntity['attributes'] = {}): DesiredEntity => ({
  kind,
  name,
  attributes,
});
const state = (...entities: DesiredEntity[]): DesiredState => ({ entities });
const booted = (...entities: DesiredEntity[]): ActualState => RouterModel.boot(state(...entities)).actualState();
const steps = (p: Plan) => p.operations.map((o) => `${o.phase} ${o.id} (${o.reason})`);

const tls = e('sslProfile', 'tls', { caCertFile: '/c/ca.crt', certFile: '/c/tls.crt', privateKeyFile: '/c/tls.key' });
const multi = e('tcpListener', 'front', { port: 9000, multiAddressStrategy: 'priority', sslProfile: 'tls' });
const la = (name: string) => e('listenerAddress', name, { listener: 'front', address: `svc-${name}`, value: 1 });

describe('plan', () => {
  it('plans nothing against the rows a real router returned for the same configuration', () => {
    // QUERY rows recorded from skrouterd 3.5.1 (reference transcript), zipped into maps.
    const actual: ActualState = {
      listener: [
        { host: '127.0.0.1', port: '25673', socketAddressFamily: null, role: 'normal', cost: 1, sslProfile: null, saslMechanisms: 'ANONYMOUS', authenticatePeer: false, requireEncryption: false, requireSsl: false, maxFrameSize: 16384, maxSessions: 32768, maxSessionFrames: null, idleTimeoutSeconds: 16, initialHandshakeTimeoutSeconds: 0, stripAnnotations: 'both', linkCapacity: null, failoverUrls: null, healthz: true, metrics: true, websockets: true, http: false, httpRootDir: null, messageLoggingComponents: 'none', policyVhost: null, openProperties: null, name: 'mgmt', identity: 'listener/127.0.0.1:25673:mgmt', type: 'io.skupper.router.listener' },
      ],
      tcpListener: [
        { address: 'svc-a', host: '127.0.0.1', backlog: 0, port: '26001', multiAddressStrategy: 'none', siteId: null, connectionsOpened: 0, connectionsClosed: 0, bytesIn: 0, bytesOut: 0, sslProfile: null, authenticatePeer: false, operStatus: 'up', connectionMsg: '', observer: 'none', name: 'tl1', identity: 'tcpListener/127.0.0.1:26001:tl1', type: 'io.skupper.router.tcpListener' },
      ],
      tcpConnector: [
        { address: 'svc-b', host: '127.0.0.1', port: '26102', siteId: null, processId: null, connectionsOpened: 1, connectionsClosed: 0, bytesIn: 0, bytesOut: 0, sslProfile: 'p1', verifyHostname: true, name: 'tc-tls', identity: 'tcpConnector/127.0.0.1:26102:tc-tls', type: 'io.skupper.router.tcpConnector' },
      ],
      sslProfile: [
        { ciphers: null, protocols: null, caCertFile: '/etc/skupper-router-certs/p1/ca.crt', certFile: '/etc/skupper-router-certs/p1/tls.crt', privateKeyFile: '/etc/skupper-router-certs/p1/tls.key', password: null, uidFormat: null, uidNameMappingFile: null, ordinal: null, oldestValidOrdinal: null, name: 'p1', identity: 'sslProfile/p1', type: 'io.skupper.router.sslProfile' },
      ],
      connector: [
        { host: '127.0.0.1', port: '25999', socketAddressFamily: null, role: 'inter-router', cost: 1, sslProfile: null, proxyProfile: null, saslMechanisms: null, allowRedirect: true, maxFrameSize: 16384, maxSessions: 32768, maxSessionFrames: null, idleTimeoutSeconds: 16, stripAnnotations: 'both', linkCapacity: null, verifyHostname: true, saslUsername: null, saslPassword: null, messageLoggingComponents: 'none', failoverUrls: 'amqp://127.0.0.1:25999', connectionStatus: 'CONNECTING', connectionMsg: 'Connection to 127.0.0.1:25999 failed', policyVhost: null, openProperties: null, name: 'c1', identity: 'connector/127.0.0.1:25999:c1', type: 'io.skupper.router.connector' },
      ],
      address: [{ name: 'addr1', identity: '5', type: 'io.skupper.router.router.config.address', prefix: 'queue', distribution: 'balanced', pattern: null, priority: -1 }],
      log: [{ name: 'log/DEFAULT', identity: 'log/DEFAULT', module: 'DEFAULT', enable: 'warning+' }],
    };
    const desired = state(
      e('log', 'log/DEFAULT', { module: 'DEFAULT', enable: 'warning+' }),
      e('sslProfile', 'p1', { caCertFile: '/etc/skupper-router-certs/p1/ca.crt', certFile: '/etc/skupper-router-certs/p1/tls.crt', privateKeyFile: '/etc/skupper-router-certs/p1/tls.key' }),
      e('address', 'addr1', { prefix: 'queue', distribution: 'balanced' }),
      e('listener', 'mgmt', { host: '127.0.0.1', port: 25673, saslMechanisms: 'ANONYMOUS', authenticatePeer: 'no' }),
      e('connector', 'c1', { host: '127.0.0.1', port: '25999', role: 'inter-router', cost: '1', verifyHostname: 'yes' }),
      e('tcpListener', 'tl1', { host: '127.0.0.1', port: 26001, address: 'svc-a', observer: 'none' }),
      e('tcpConnector', 'tc-tls', { host: '127.0.0.1', port: 26102, address: 'svc-b', sslProfile: 'p1' }),
    );
    expect(plan(desired, actual)).toEqual({ operations: [], restart: [], warnings: [] });
  });

  it('replacing a profile takes its users and their listenerAddresses out first and back after', () => {
    const actual = booted(tls, multi, la('a'), la('b'));
    const changed = e('sslProfile', 'tls', { ...tls.attributes, uidFormat: 'cn' });
    expect(steps(plan(state(changed, multi, la('a'), la('b')), actual))).toEqual([
      '0 delete listenerAddress/a (dependant)',
      '0 delete listenerAddress/b (dependant)',
      '1 delete tcpListener/front (dependant)',
      '2 delete sslProfile/tls (replace)',
      '3 create sslProfile/tls (replace)',
      '4 create tcpListener/front (dependant)',
      '5 create listenerAddress/a (dependant)',
      '5 create listenerAddress/b (dependant)',
    ]);
  });

  it('creates profiles before their users and deletes in reverse, in the fewest phases', () => {
    const p = plan(state(tls, multi, la('a')), booted(e('tcpConnector', 'old', { port: 80, address: 'x', sslProfile: 'gone' }), e('sslProfile', 'gone')));
    expect(steps(p)).toEqual([
      '0 delete tcpConnector/old (foreign)',
      '0 create sslProfile/tls (missing)',
      '1 delete sslProfile/gone (foreign)',
      '1 create tcpListener/front (missing)',
      '2 create listenerAddress/a (missing)',
    ]);
    expect(p.operations.find((o) => o.id === 'create tcpListener/front')?.dependsOn).toEqual(['create sslProfile/tls']);
    expect(p.operations.find((o) => o.id === 'delete sslProfile/gone')?.dependsOn).toEqual(['delete tcpConnector/old']);
  });

  it('recreates the users of a profile that is missing on the router, after the profile', () => {
    const model = RouterModel.boot(state(tls, multi));
    model.delete('sslProfile', 'tls');
    expect(steps(plan(state(tls, multi), model.actualState()))).toEqual([
      '0 delete tcpListener/front (dependant)',
      '0 create sslProfile/tls (missing)',
      '1 create tcpListener/front (dependant)',
    ]);
  });

  it('updates a profile in place, clearing with null what desired no longer sets', () => {
    const actual = booted(e('sslProfile', 'tls', { ...tls.attributes, ordinal: 3 }), multi);
    const p = plan(state(e('sslProfile', 'tls', { ...tls.attributes, certFile: '/c/new.crt' }), multi), actual);
    expect(p.operations.map((o) => [o.id, o.attributes])).toEqual([
      ['update sslProfile/tls', { certFile: '/c/new.crt', ordinal: null }],
    ]);
  });

  it('never touches protected or ignored names, and warns when that blocks a change', () => {
    const mgmt = e('listener', 'mgmt', { port: 5673, sslProfile: 'tls' });
    const mesh = e('connector', 'auto-mesh-connector/10.0.0.1:55671', { host: '10.0.0.1', port: 55671, role: 'inter-router' });
    const actual = booted(tls, mgmt, mesh);
    const options = { protectedNames: ['mgmt'], ignore: ['auto-mesh*'] };
    expect(plan(state(), actual, options)).toMatchObject({ operations: [], warnings: [{ code: 'kept-referenced', name: 'tls' }] });
    const replaced = plan(state(e('sslProfile', 'tls', { ...tls.attributes, uidFormat: 'cn' }), e('listener', 'mgmt', { port: 1 })), actual, options);
    expect(replaced.operations).toEqual([]);
    expect(replaced.warnings.map((w) => w.code)).toEqual(['replace-blocked', 'untouchable']);
  });

  it('recreates an entity the caller names although the router holds it as desired, and only that one', () => {
    const l1 = e('listener', 'l1', { host: '127.0.0.1', port: 5701 });
    const l2 = e('listener', 'l2', { host: '127.0.0.1', port: 5702 });
    const actual = booted(l1, l2);
    const p = plan(state(l1, l2), actual, { recreate: new Set(['listener/l1', 'listener/gone']) });
    expect(steps(p)).toEqual(['0 delete listener/l1 (rebind)', '1 create listener/l1 (rebind)']);
    expect(p.operations[1]?.attributes).toEqual({ host: '127.0.0.1', port: '5701' });
    // Missing on the router: a plain create; protected: never touched.
    expect(steps(plan(state(l1), booted(), { recreate: new Set(['listener/l1']) }))).toEqual(['0 create listener/l1 (missing)']);
    expect(plan(state(l1), actual, { recreate: new Set(['listener/l1']), protectedNames: ['l1'] }).operations.filter((o) => o.name === 'l1')).toEqual([]);
  });

  it('frees a name held by a foreign entity of another type before reusing it', () => {
    const p = plan(state(e('sslProfile', 'x')), booted(e('listener', 'x', { port: 5000 })));
    expect(steps(p)).toEqual(['0 delete listener/x (foreign)', '1 create sslProfile/x (missing)']);
  });

  it('does not create what would clash with a name that stays (logStats, a kept foreign entity)', () => {
    const actual = booted(e('sslProfile', 'x'), e('listener', 'mgmt', { port: 5000, sslProfile: 'x' }));
    const p = plan(state(e('sslProfile', 'ROUTER'), e('proxyProfile', 'x')), actual, { protectedNames: ['mgmt'] });
    expect(p.operations).toEqual([]);
    expect(p.warnings.map((w) => [w.code, w.kind, w.name])).toEqual([
      ['name-taken', 'sslProfile', 'ROUTER'],
      ['kept-referenced', 'sslProfile', 'x'],
      ['name-taken', 'proxyProfile', 'x'],
    ]);
  });

  it('skips creates whose references will not exist, and their dependants', () => {
    const p = plan(state(multi, la('a')), booted(), { ignore: ['tls'] });
    expect(p.operations).toEqual([]);
    expect(p.warnings.map((w) => [w.code, w.kind])).toEqual([
      ['unresolved-reference', 'tcpListener'],
      ['unresolved-reference', 'listenerAddress'],
    ]);
  });

  it('compares a log only on what desired sets, with trace meaning debug', () => {
    const actual = booted(e('log', 'log/DEFAULT', { module: 'DEFAULT', enable: 'debug+' }));
    expect(plan(state(e('log', 'log/DEFAULT', { module: 'DEFAULT', enable: 'trace+' })), actual).operations).toEqual([]);
    const p = plan(state(e('log', 'log/DEFAULT', { module: 'DEFAULT', includeSource: 'yes' })), actual);
    expect(p.operations.map((o) => [o.id, o.attributes])).toEqual([['update log/log/DEFAULT', { includeSource: true }]]);
  });

  it('plans nothing for kinds that were not queried', () => {
    const actual = booted(tls);
    delete actual.listener;
    expect(plan(state(tls, e('listener', 'l1', { port: 1, sslProfile: 'tls' })), actual).operations).toEqual([]);
  });

  it('reports restart-only differences apart from the operations', () => {
    const actual = booted(e('router', 'router', { mode: 'interior' }), e('network', 'network', { tenantId: 't1', networkId: 'n1' }));
    const p = plan(state(e('router', 'router', { mode: 'edge' }), e('network', 'network', { tenantId: 't2', networkId: 'n1' })), actual);
    expect(p.operations).toEqual([]);
    expect(p.restart).toEqual([
      { kind: 'router', name: 'router', attribute: 'mode', from: 'interior', to: 'edge' },
      { kind: 'network', name: 'network', attribute: 'tenantId', from: 't1', to: 't2' },
    ]);
  });

  it('is deterministic: input order does not matter', () => {
    const entities = [tls, multi, la('a'), la('b'), e('vhost', 'v', { hostname: 'h' })];
    const actual = booted(e('sslProfile', 'old'), e('listener', 'l', { port: 1 }));
    const reversed = { ...actual, sslProfile: [...(actual.sslProfile ?? [])].reverse() };
    expect(plan(state(...[...entities].reverse()), reversed)).toEqual(plan(state(...entities), actual));
  });

  it('warns about duplicate rows and uses the first', () => {
    const actual = booted(tls);
    const row = actual.sslProfile?.[0] ?? {};
    const p = plan(state(tls), { ...actual, sslProfile: [row, { ...row, certFile: '/other' }] });
    expect(p.operations).toEqual([]);
    expect(p.warnings.map((w) => w.code)).toEqual(['duplicate-row']);
  });
});
