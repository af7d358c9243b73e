import { describe, expect, it } from 'vitest';
import type { DesiredEntity, DesiredState } from '../../schemas/index.js';
import { loadConfig, writeSkrouterdConfig } from '../../schemas/config/index.js';
import { internEntities, sameJson } from './intern.js';

const state = (...entities: DesiredEntity[]): DesiredState => ({ entities });
const connector = (name: string, attributes: DesiredEntity['attributes']): DesiredEntity => ({ kind: 'tcpConnector', name, attributes });
const router: DesiredEntity = { kind: 'router', name: 'router', attributes: { id: 'r', mode: 'standalone' } };
const copy = (e: DesiredEntity): DesiredEntity => structuredClone(e);

describe('internEntities', () => {
  it('reuses the previous object of every unchanged entity and keeps the changed one', () => {
    const before = [connector('a', { address: 'a', port: '1' }), connector('b', { address: 'b', port: '2' }), connector('c', { address: 'c', port: '3' })];
    const next = state(copy(before[0] as DesiredEntity), connector('b', { address: 'b', port: '20' }), copy(before[2] as DesiredEntity));
    const out = internEntities(state(...before), next);
    expect(out.entities[0]).toBe(before[0]);
    expect(out.entities[1]).toBe(next.entities[1]);
    expect(out.entities[1]?.attributes).toEqual({ address: 'b', port: '20' });
    expect(out.entities[2]).toBe(before[2]);
    expect(out).toEqual(next);
  });

  it.each<[string, DesiredEntity['attributes'], DesiredEntity['attributes']]>([
    ['a value', { port: '1' }, { port: '2' }],
    ['a type', { port: '1' }, { port: 1 }],
    ['an added attribute', { port: '1' }, { port: '1', host: 'h' }],
    ['a removed attribute', { port: '1', host: 'h' }, { port: '1' }],
    ['null for a value', { port: '1', host: 'h' }, { port: '1', host: null }],
    ['a nested map value', { port: '1', openProperties: { a: { b: 1 } } }, { port: '1', openProperties: { a: { b: 2 } } }],
    ['a nested array', { port: '1', openProperties: { a: [1, 2] } }, { port: '1', openProperties: { a: [2, 1] } }],
    ['the key order', { port: '1', host: 'h' }, { host: 'h', port: '1' }],
    ['-0 for 0', { cost: 0 }, { cost: -0 }],
  ])('does not reuse an entity when %s changed', (_what, was, is) => {
    const old = connector('x', was);
    const fresh = connector('x', is);
    const out = internEntities(state(old), state(fresh));
    expect(out.entities[0]).toBe(fresh);
    expect(out.entities[0]?.attributes).toBe(is);
  });

  it('does not reuse an entity of another kind or name with the same attributes', () => {
    const old = connector('x', { port: '1' });
    const renamed = connector('y', { port: '1' });
    const otherKind: DesiredEntity = { kind: 'tcpListener', name: 'x', attributes: { port: '1' } };
    const out = internEntities(state(old), state(renamed, otherKind));
    expect(out.entities[0]).toBe(renamed);
    expect(out.entities[1]).toBe(otherKind);
  });

  it('finds entities that moved (inserts and removes before them) and uses each previous object once', () => {
    const before = Array.from({ length: 10 }, (_, i) => connector(`c${i}`, { port: String(i) }));
    const inserted = [connector('a0', { port: 'x' }), connector('a1', { port: 'y' }), connector('a2', { port: 'z' })];
    const next = [...inserted, ...before.slice(2).map(copy)];
    const out = internEntities(state(...before), state(...next));
    expect(out.entities.slice(0, 3)).toEqual(inserted);
    out.entities.slice(3).forEach((e, i) => expect(e).toBe(before[i + 2]));
    const twice = internEntities(state(before[0] as DesiredEntity), state(copy(before[0] as DesiredEntity), copy(before[0] as DesiredEntity)));
    expect(twice.entities[0]).toBe(before[0]);
    expect(twice.entities[1]).not.toBe(before[0]);
  });

  it('returns the new state itself without a previous one or when nothing is reused', () => {
    const next = state(connector('a', { port: '1' }));
    expect(internEntities(undefined, next)).toBe(next);
    expect(internEntities(state(connector('a', { port: '2' })), next)).toBe(next);
  });

  it('interns what loadConfig reads: a one-entity change keeps every other object', () => {
    const entities = Array.from({ length: 50 }, (_, i) => connector(`c${i}`, { address: `s${i}`, host: '127.0.0.1', port: String(1000 + i) }));
    const load = (s: DesiredState) => {
      const loaded = loadConfig(writeSkrouterdConfig({ entities: [router, ...s.entities] }), { file: '/x/skrouterd.json' });
      if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
      return loaded.state;
    };
    const first = load(state(...entities));
    const changed = entities.map((e, i) => (i === 17 ? connector(e.name, { ...e.attributes, port: '9' }) : e));
    const second = internEntities(first, load(state(...changed)));
    const kept = second.entities.filter((e, i) => e === first.entities[i]);
    expect(second.entities.length).toBe(first.entities.length);
    expect(kept.length).toBe(first.entities.length - 1);
    const c17 = second.entities.find((e) => e.name === 'c17');
    expect(c17?.attributes['port']).toBe('9');
    expect(first.entities.includes(c17 as DesiredEntity)).toBe(false);
  });
});

describe('sameJson', () => {
  it('compares plain data exactly', () => {
    expect(sameJson({ a: [1, { b: 'x' }], c: null }, { a: [1, { b: 'x' }], c: null })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson([1], { 0: 1 })).toBe(false);
    expect(sameJson(new Date(0), new Date(0))).toBe(false);
    expect(sameJson(Number.NaN, Number.NaN)).toBe(true);
  });
});
