import { describe, expect, it } from 'vitest';
import { entityKey, normaliseActual, normaliseDesired, sameValue } from './normalise.js';

describe('normalise', () => {
  it('writes ports as strings, integers as numbers and boolean words as booleans', () => {
    const n = normaliseDesired({
      kind: 'listener',
      name: 'l',
      attributes: { port: 5672, cost: '10', authenticatePeer: 'yes', requireSsl: 'OFF', http: 'True', healthz: 0 },
    });
    expect(n.configured).toEqual({ port: '5672', cost: 10, authenticatePeer: true, requireSsl: false, http: true, healthz: false });
  });

  it('reads a null column as absent and drops identity, type, name, status and unknown columns', () => {
    const n = normaliseActual('tcpListener', {
      address: 'svc-a', host: '127.0.0.1', port: '26001', siteId: null, sslProfile: null, operStatus: 'up',
      connectionsOpened: 4, bytesIn: 0, connectionMsg: '', observer: 'none', waypoint: false,
      name: 'tl1', identity: 'tcpListener/127.0.0.1:26001:tl1', type: 'io.skupper.router.tcpListener',
    });
    expect(n?.configured).toEqual({ address: 'svc-a', host: '127.0.0.1', port: '26001', observer: 'none' });
    expect(n?.name).toBe('tl1');
  });

  it('fills defaults in the full form only', () => {
    const n = normaliseDesired({ kind: 'tcpConnector', name: 't', attributes: { address: 'a', port: '80' } });
    expect(n.configured).toEqual({ address: 'a', port: '80' });
    expect(n.full).toEqual({ address: 'a', port: '80', host: '127.0.0.1', verifyHostname: true });
  });

  it('reads trace as debug in log levels and keys logs by module', () => {
    const n = normaliseDesired({ kind: 'log', name: 'log/ROUTER', attributes: { module: 'ROUTER', enable: 'trace+,error' } });
    expect(n.configured).toEqual({ enable: 'debug+,error' });
    expect(n.key).toBe('log/ROUTER');
    expect(normaliseActual('log', { name: 'anything', module: 'ROUTER' })?.key).toBe('log/ROUTER');
  });

  it('keys singletons by kind, whatever name the router gave them', () => {
    expect(entityKey('router', 'router/conformance', {})).toBe('router');
    expect(entityKey('network', 'network/0', {})).toBe('network');
    expect(entityKey('listener', 'amqp', {})).toBe('amqp');
  });

  it('accepts an enum by index, as the router does', () => {
    expect(normaliseDesired({ kind: 'listener', name: 'l', attributes: { role: 2 } }).configured).toEqual({ role: 'route-container' });
  });

  it('keeps values it cannot coerce, so they still differ', () => {
    expect(normaliseDesired({ kind: 'listener', name: 'l', attributes: { cost: 'many' } }).configured).toEqual({ cost: 'many' });
  });

  it('compares maps by content, not key order', () => {
    expect(sameValue({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameValue(undefined, 'x')).toBe(false);
  });

  it('ignores rows without a name', () => {
    expect(normaliseActual('listener', { name: null, port: '1' })).toBeUndefined();
  });
});
