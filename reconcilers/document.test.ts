import { describe, expect, it } from 'vitest';
import { ENTITY_KINDS, type DesiredState } from '../schemas/index.js';
import { desiredDocument, parsePointer, planDocuments, pointer } from './document.js';
import { plan } from './plan.js';
import { reportedState } from './reported-state.js';

const state = (entities: DesiredState['entities']): DesiredState => ({ entities });

describe('JSON Pointers of the router document', () => {
  it('escapes ~ as ~0 and / as ~1 (RFC 6901) and parses back', () => {
    expect(pointer('connector', 'auto-mesh-connector/1', 'saslPassword')).toBe('/connector/auto-mesh-connector~11/saslPassword');
    expect(pointer('log', 'log/ROUTER')).toBe('/log/log~1ROUTER');
    expect(pointer('listener', 'a~/b~1')).toBe('/listener/a~0~1b~01');
    expect(parsePointer('/listener/a~0~1b~01/port')).toEqual({ kind: 'listener', key: 'a~/b~1', attribute: 'port', rest: [] });
    expect(parsePointer('/tcpListener/t/openProperties/k~1v')).toEqual({ kind: 'tcpListener', key: 't', attribute: 'openProperties', rest: ['k/v'] });
    expect(parsePointer('/address')).toEqual({ kind: 'address', rest: [] });
    expect(parsePointer('')).toBeUndefined();
  });
});

describe('desiredDocument', () => {
  it('holds every kind, entities by key, values normalised as the planner compares them', () => {
    const doc = desiredDocument(
      state([
        { kind: 'listener', name: 'l/1', attributes: { port: 5672, authenticatePeer: 'yes', operStatus: 'up', identity: 'x' } },
        { kind: 'log', name: 'log/ROUTER', attributes: { module: 'ROUTER', enable: 'trace+' } },
        { kind: 'listener', name: 'l/1', attributes: { port: 1 } },
      ]),
    );
    expect(Object.keys(doc).sort()).toEqual([...ENTITY_KINDS].sort());
    const listener = doc.listener?.['l/1'];
    expect(listener).toMatchObject({ port: '5672', authenticatePeer: true, host: '' });
    expect(listener).not.toHaveProperty('operStatus');
    expect(listener).not.toHaveProperty('identity');
    expect(doc.log).toEqual({ 'log/ROUTER': { enable: 'debug+' } });
    expect(doc.address).toEqual({});
  });
});

describe('planDocuments', () => {
  const desired = state([
    { kind: 'listener', name: 'amqp', attributes: { port: '5673' } },
    { kind: 'listener', name: 'mgmt', attributes: { port: '1' } },
    { kind: 'connector', name: 'auto-mesh-1', attributes: { host: 'h', port: '1' } },
    { kind: 'log', name: 'log/ROUTER', attributes: { module: 'ROUTER', enable: 'debug+' } },
    { kind: 'network', name: 'network', attributes: { networkId: 'n1', tenantId: 't1' } },
  ]);
  const before = state([
    { kind: 'listener', name: 'amqp', attributes: { port: 5672 } },
    { kind: 'listener', name: 'mgmt', attributes: { port: '55672' } },
    { kind: 'tcpConnector', name: 'db', attributes: { host: 'db', port: 5432, address: 'db' } },
  ]);
  const options = { protectedNames: ['mgmt'], ignore: ['auto-mesh*'] };

  it('leaves protected and ignored names out of both sides, and keeps to live attributes of logs and network', () => {
    const docs = planDocuments(desired, reportedState(before), options);
    expect(Object.keys(docs.desired.listener ?? {})).toEqual(['amqp']);
    expect(Object.keys(docs.actual.listener ?? {})).toEqual(['amqp']);
    expect(docs.desired.connector).toEqual({});
    expect(docs.desired.network).toEqual({ network: { networkId: 'n1' } });
    expect(docs.actual.network).toEqual({ network: {} });
    // the router's DEFAULT log is not desired: it is only compared on what desired sets
    expect(docs.desired.log).toEqual({ 'log/ROUTER': { enable: 'debug+' } });
    expect(docs.actual.log).toEqual({ 'log/ROUTER': {} });
    expect(docs.actual.tcpConnector).toEqual({ db: { host: 'db', port: '5432', address: 'db', verifyHostname: true } });
    expect(docs.desired.tcpConnector).toEqual({});
    expect(docs.desired).not.toHaveProperty('router');
  });

  it('leaves out kinds the router was not asked about, as the planner does', () => {
    const docs = planDocuments(desired, { listener: [{ name: 'amqp', port: '5673' }] }, options);
    expect(Object.keys(docs.desired)).toEqual(['listener']);
    expect(docs.actual).toEqual({ listener: { amqp: docs.desired.listener?.['amqp'] } });
    expect(plan(desired, { listener: [{ name: 'amqp', port: '5673' }] }, options).operations).toEqual([]);
  });

  it('gives equal documents when the router holds the desired state (a second pass plans nothing)', () => {
    const docs = planDocuments(desired, reportedState(desired), options);
    expect(docs.actual).toEqual(docs.desired);
  });
});
