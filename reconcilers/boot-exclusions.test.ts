import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DesiredEntity, DesiredState } from '../schemas/index.js';
import { bootableState, describeExclusions, entityKey, referencedKeys } from './boot-exclusions.js';

const e = (kind: DesiredEntity['kind'], name: string, attributes: DesiredEntity['attributes'] = {}): DesiredEntity => ({ kind, name, attributes });

const STATE: DesiredState = {
  entities: [
    e('router', 'router', { id: 'r1', mode: 'interior' }),
    e('sslProfile', 'ca-only', { caCertFile: '/certs/ca.crt' }),
    e('sslProfile', 'good-tls', { caCertFile: '/certs/ca.crt', certFile: '/certs/t.crt', privateKeyFile: '/certs/t.key' }),
    e('listener', 'amqps', { port: '5671', sslProfile: 'ca-only' }),
    e('listener', 'amqp', { port: '5672' }),
    e('connector', 'up', { host: 'a', port: '1', sslProfile: 'good-tls' }),
    e('tcpListener', 'multi', { port: '9000', address: 'm', multiAddressStrategy: 'priority', sslProfile: 'ca-only' }),
    e('tcpListener', 'plain', { port: '9001', address: 'p' }),
    e('listenerAddress', 'multi-a', { listener: 'multi', address: 'a', value: 1 }),
    e('listenerAddress', 'plain-a', { listener: 'plain', address: 'a', value: 1 }),
  ],
};

const keys = (s: DesiredState) => s.entities.map(entityKey);

describe('bootableState', () => {
  it('returns the state itself when nothing was refused', () => {
    const result = bootableState(STATE, new Set());
    expect(result.state).toBe(STATE);
    expect(result.excluded).toEqual([]);
  });

  it('leaves out a refused entity and only it when nothing names it', () => {
    const result = bootableState(STATE, new Set(['listener/amqps']));
    expect(keys(result.state)).toEqual(keys(STATE).filter((k) => k !== 'listener/amqps'));
    expect(result.excluded).toEqual([{ key: 'listener/amqps', reason: 'refused' }]);
  });

  it('leaves out the users of a refused profile, and their users in turn', () => {
    const result = bootableState(STATE, new Set(['sslProfile/ca-only']));
    expect(result.excluded).toEqual([
      { key: 'sslProfile/ca-only', reason: 'refused' },
      { key: 'listener/amqps', reason: { dependsOn: 'sslProfile/ca-only' } },
      { key: 'tcpListener/multi', reason: { dependsOn: 'sslProfile/ca-only' } },
      { key: 'listenerAddress/multi-a', reason: { dependsOn: 'tcpListener/multi' } },
    ]);
    expect(keys(result.state)).toEqual(['router/router', 'sslProfile/good-tls', 'listener/amqp', 'connector/up', 'tcpListener/plain', 'listenerAddress/plain-a']);
    expect(describeExclusions(result.excluded)).toContain('listenerAddress/multi-a: names tcpListener/multi');
  });

  it('matches references by the referenced kind: a listener named like a refused profile stays', () => {
    const state: DesiredState = { entities: [e('sslProfile', 'x'), e('listener', 'y', { port: '1', sslProfile: 'x' }), e('listener', 'x', { port: '2' })] };
    expect(keys(bootableState(state, new Set(['listener/x'])).state)).toEqual(['sslProfile/x', 'listener/y']);
  });

  it('ignores refused keys the state does not hold', () => {
    expect(bootableState(STATE, new Set(['listener/gone'])).state).toBe(STATE);
  });

  it('referencedKeys reads the schema facts: sslProfile, proxyProfile, a listenerAddress\'s listener', () => {
    expect(referencedKeys(e('connector', 'c', { sslProfile: 's', proxyProfile: 'p', host: 'h' }))).toEqual(['sslProfile/s', 'proxyProfile/p']);
    expect(referencedKeys(e('listenerAddress', 'la', { listener: 't', address: 'a', value: 1 }))).toEqual(['tcpListener/t']);
  });

  it('property: nothing kept names an excluded entity, every refused one goes, and only dependants go with it', () => {
    const names = ['a', 'b', 'c'];
    const entity = fc.oneof(
      fc.constantFrom(...names).map((n) => e('sslProfile', n)),
      fc.tuple(fc.constantFrom(...names), fc.option(fc.constantFrom(...names), { nil: undefined })).map(([n, p]) =>
        e('tcpListener', n, { port: '1', address: n, ...(p ? { sslProfile: p } : {}) }),
      ),
      fc.tuple(fc.constantFrom(...names), fc.constantFrom(...names)).map(([n, l]) => e('listenerAddress', n, { listener: l, address: 'x', value: 1 })),
    );
    const stateArb = fc.uniqueArray(entity, { selector: entityKey, maxLength: 9 }).map((entities) => ({ entities }));
    fc.assert(
      fc.property(stateArb, fc.subarray(names.flatMap((n) => [`sslProfile/${n}`, `tcpListener/${n}`, `listenerAddress/${n}`])), (state, refusedList) => {
        const refused = new Set(refusedList);
        const { state: kept, excluded } = bootableState(state, refused);
        const gone = new Set(excluded.map((x) => x.key));
        expect(kept.entities.length + excluded.length).toBe(state.entities.length);
        for (const k of kept.entities) {
          expect(refused.has(entityKey(k))).toBe(false);
          for (const r of referencedKeys(k)) expect(gone.has(r)).toBe(false);
        }
        for (const x of excluded) {
          if (x.reason === 'refused') expect(refused.has(x.key)).toBe(true);
          else expect(gone.has(x.reason.dependsOn)).toBe(true);
        }
      }),
    );
  });
});
