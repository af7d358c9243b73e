import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITY_KINDS, type DesiredEntity, type DesiredState, type EntityKind } from '../schemas/index.js';
import { SKROUTERD_3_5_1, type TypeCounts } from './boot-cost.js';
import { BOOT_FILE_KINDS, DEFERRABLE_KINDS, splitBoot } from './boot-split.js';
import { bootCostsByType, type CostMeasurement as Measurement } from '../e2e/reference/fixtures.js';

const stateOf = (counts: TypeCounts): DesiredState => ({
  entities: ENTITY_KINDS.flatMap((kind) => Array.from({ length: counts[kind] ?? 0 }, (_, i): DesiredEntity => ({ kind, name: `${kind}-${i}`, attributes: {} }))),
});
const withRouter = (counts: TypeCounts): DesiredState => stateOf({ router: 1, listener: 1, ...counts });
const kindsOf = (entities: readonly DesiredEntity[]) => [...new Set(entities.map((e) => e.kind))];

const RECORDED = bootCostsByType();

describe('splitBoot: the cold-start plan', () => {
  it('keeps a small config whole in the boot file: a normal cold start costs no management writes', () => {
    fc.assert(
      fc.property(fc.record(Object.fromEntries(ENTITY_KINDS.map((k) => [k, fc.nat(33)])) as Record<EntityKind, fc.Arbitrary<number>>), (counts) => {
        const state = stateOf(counts); // at most 15 × 33 = 495 entities
        const split = splitBoot(state);
        expect(split.boot).toBe(state);
        expect(split.afterBoot).toEqual([]);
      }),
      { numRuns: 200 },
    );
    // 499 addresses would be faster over management, and still stay in the file.
    const addresses = withRouter({ address: 497 });
    expect(splitBoot(addresses).afterBoot).toEqual([]);
  });

  it('creates addresses over management and boots tcp entities from the file (the bench mixes)', () => {
    const addresses = splitBoot(withRouter({ address: 2_500 }));
    expect(addresses.deferredKinds).toEqual(['address']);
    expect(kindsOf(addresses.boot.entities)).toEqual(['router', 'listener']);
    expect(addresses.predicted.seconds).toBeLessThan(addresses.predicted.allInFile / 5);
    const connectors = splitBoot(withRouter({ tcpConnector: 2_000 }));
    expect(connectors.deferredKinds).toEqual([]);
    const mix = splitBoot(withRouter({ tcpConnector: 2_000, address: 2_500, tcpListener: 200 }));
    expect(mix.deferredKinds).toEqual(['address']);
    expect(mix.afterBoot).toHaveLength(2_500);
    expect(mix.boot.entities).toHaveLength(2_202);
  });

  it('partitions the state in its order; what the router needs at boot always stays in the file', () => {
    const state = withRouter({ sslProfile: 3, log: 2, vhost: 2, connector: 5, address: 3_000, autoLink: 600, tcpConnector: 100 });
    const split = splitBoot(state);
    expect(split.afterBoot.length).toBeGreaterThan(0);
    expect(split.afterBoot.every((e) => !BOOT_FILE_KINDS.has(e.kind))).toBe(true);
    const index = new Map(state.entities.map((e, i) => [e, i]));
    for (const part of [split.boot.entities, split.afterBoot]) {
      const order = part.map((e) => index.get(e) ?? -1);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(split.boot.entities.length + split.afterBoot.length).toBe(state.entities.length);
    expect(DEFERRABLE_KINDS).toEqual(['address', 'autoLink', 'tcpListener', 'tcpConnector', 'listenerAddress']);
  });

  it('leaves out the listenerAddresses of tcpListeners left out', () => {
    // A router whose tcpListeners load very slowly from the file, and whose listenerAddresses load fast.
    const model = { ...SKROUTERD_3_5_1, types: { ...SKROUTERD_3_5_1.types, tcpListener: { boot: { atThousand: 500, exponent: 2 }, agent: 'c' as const } } };
    const split = splitBoot(withRouter({ tcpListener: 600, listenerAddress: 600 }), { model });
    expect(split.deferredKinds).toEqual(['tcpListener', 'listenerAddress']);
  });

  it('picks the path that was measured faster for every recorded mix with both paths', () => {
    const both = RECORDED.filter((m) => m.path === 'management').map((mgmt) => {
      const file = RECORDED.find((m) => m.path === 'bootFile' && JSON.stringify(m.counts) === JSON.stringify(mgmt.counts));
      const mid = (m: Measurement) => m.seconds ?? ((m.secondsMin ?? 0) + (m.secondsMax ?? 0)) / 2;
      return { counts: mgmt.counts, file: file ? mid(file) : Number.NaN, management: mid(mgmt) };
    });
    expect(both).toHaveLength(2);
    for (const { counts, file, management } of both) {
      const split = splitBoot(withRouter(counts));
      const chosen = split.afterBoot.length === 0 ? file : management;
      expect(split.afterBoot.length === 0 || split.boot.entities.every((e) => BOOT_FILE_KINDS.has(e.kind)), 'a recorded path').toBe(true);
      expect(chosen, JSON.stringify(counts)).toBeLessThanOrEqual(1.1 * Math.min(file, management));
    }
  });

  it('predicts within 1.1× of the better of all-in-file and all-over-management, for every recorded mix', () => {
    for (const { counts } of RECORDED) {
      const { predicted } = splitBoot(withRouter(counts));
      expect(predicted.seconds, JSON.stringify(counts)).toBeLessThanOrEqual(1.1 * Math.min(predicted.allInFile, predicted.allOverManagement));
    }
  });

  it('predicts within 1.1× of the better path for random mixes of 500 entities and more', () => {
    const count = (max: number) => fc.oneof(fc.constant(0), fc.nat(max));
    fc.assert(
      fc.property(
        fc.record({ address: count(8_000), autoLink: count(2_000), tcpListener: count(3_000), tcpConnector: count(5_000), listenerAddress: count(500), sslProfile: count(20), connector: count(50), log: count(5) }),
        (counts) => {
          const state = withRouter(counts);
          fc.pre(state.entities.length >= 500);
          const { predicted, afterBoot } = splitBoot(state);
          const better = Math.min(predicted.allInFile, predicted.allOverManagement);
          expect(predicted.seconds).toBeLessThanOrEqual(1.1 * better);
          if (afterBoot.length === 0) expect(predicted.seconds).toBe(predicted.allInFile);
          if (counts.listenerAddress > 0 && afterBoot.some((e) => e.kind === 'tcpListener')) expect(afterBoot.some((e) => e.kind === 'listenerAddress')).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
