/**
 * The desired states the benchmarks use: a standalone router plus `n` entities in the shape of a
 * busy ioFog site — 70 % tcpConnectors, 20 % address rules, 10 % tcpListeners (so three owned
 * kinds are present, plus the controller's own management listener). A "change" modifies one
 * tcpConnector's port: the router cannot UPDATE a tcpConnector, so the minimal plan is one
 * DELETE and one CREATE.
 */
import type { DesiredEntity, DesiredState } from '../../schemas/index.js';
import { writeSkrouterdConfig } from '../../schemas/config/index.js';

export const ROUTER_ENTITY: DesiredEntity = { kind: 'router', name: 'router', attributes: { id: 'bench', mode: 'standalone' } };

/** Port of the tcpConnector `i`, flipped by a change. */
function connectorPort(i: number, flipped: boolean): string {
  return String(20_000 + (i % 20_000) + (flipped ? 20_000 : 0));
}

export function entity(i: number, flipped = false): DesiredEntity {
  const slot = i % 10;
  if (slot < 7) {
    return { kind: 'tcpConnector', name: `c-${i}`, attributes: { address: `svc-${i}`, host: '127.0.0.1', port: connectorPort(i, flipped) } };
  }
  if (slot < 9) return { kind: 'address', name: `a-${i}`, attributes: { prefix: `bench/${i}`, distribution: 'balanced' } };
  return { kind: 'tcpListener', name: `l-${i}`, attributes: { address: `svc-${i}`, host: '127.0.0.1', port: String(40_000 + Math.floor(i / 10)) } };
}

/** Indexes of the entities a change may touch (the tcpConnectors). */
export function changeable(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i).filter((i) => i % 10 < 7);
}

/** The router entity plus `n` entities; `flipped` connectors have their alternate port. */
export function desiredState(n: number, flipped: ReadonlySet<number> = new Set()): DesiredState {
  return { entities: [ROUTER_ENTITY, ...Array.from({ length: n }, (_, i) => entity(i, flipped.has(i)))] };
}

/** The skrouterd array file of {@link desiredState}. */
export function desiredText(n: number, flipped: ReadonlySet<number> = new Set()): string {
  return writeSkrouterdConfig(desiredState(n, flipped));
}

/** Just the tcpConnectors `from..from+count-1` (the throughput workload: no router entity). */
export function connectors(count: number, from = 0): DesiredEntity[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return { kind: 'tcpConnector' as const, name: `t-${i}`, attributes: { address: `tput-${i}`, host: '127.0.0.1', port: connectorPort(i, false) } };
  });
}
