/**
 * The rows of the C core's tables as its agent writes them: fixed column lists per type and the
 * values of one row (READ/CREATE answer a row as a column → value map).
 */
import { TYPE_PREFIX } from '../../schemas/index.js';
import { typeOf } from './catalog.js';
import type { Attributes } from './python-values.js';
import type { RouterState } from './state.js';

export const ADDRESS = `${TYPE_PREFIX}router.config.address`;
export const AUTO_LINK = `${TYPE_PREFIX}router.config.autoLink`;
export const METRICS = `${TYPE_PREFIX}routerMetrics`;
export const CONNECTION = `${TYPE_PREFIX}connection`;
export const LINK = `${TYPE_PREFIX}router.link`;
export const ROUTER_ADDRESS = `${TYPE_PREFIX}router.address`;
const tail = (longType: string, skip: readonly string[]) => [...typeOf(longType).attributes.keys()].filter((a) => !skip.includes(a));

export const COLUMNS: Readonly<Record<string, readonly string[]>> = {
  [ADDRESS]: ['name', 'identity', 'type', 'prefix', 'distribution', 'pattern', 'priority'],
  [AUTO_LINK]: ['name', 'identity', 'type', 'address', 'direction', 'connection', 'containerId', 'externalAddress', 'linkRef', 'operStatus', 'lastError'],
  [METRICS]: [
    'identity', 'type', 'id', 'addrCount', 'linkCount', 'nodeCount', 'autoLinkCount', 'connectionCount', 'presettledDeliveries',
    'droppedPresettledDeliveries', 'acceptedDeliveries', 'rejectedDeliveries', 'releasedDeliveries', 'modifiedDeliveries',
    'deliveriesDelayed1Sec', 'deliveriesDelayed10Sec', 'deliveriesStuck', 'deliveriesIngress', 'deliveriesEgress', 'deliveriesTransit',
    'deliveriesIngressRouteContainer', 'deliveriesEgressRouteContainer', 'deliveriesIngressInterNetwork', 'deliveriesEgressInterNetwork',
    'deliveriesRedirectedToFallback', 'linksBlocked', 'uptimeSeconds', 'memoryUsage', 'residentMemoryUsage', 'connectionCounters', 'version',
  ],
  [CONNECTION]: ['name', 'identity', 'type', ...tail(CONNECTION, ['name', 'identity', 'type'])],
  [LINK]: ['name', 'identity', 'type', ...tail(LINK, ['name', 'identity', 'type'])],
  [ROUTER_ADDRESS]: ['name', 'identity', 'type', ...tail(ROUTER_ADDRESS, ['name', 'identity', 'type'])],
};

function metricsRow(state: RouterState): Attributes {
  const memory = process.memoryUsage();
  const counts: Attributes = {
    identity: '1', type: METRICS, id: state.routerId(), addrCount: state.addresses.length + 1, linkCount: state.openLinks, nodeCount: 0,
    autoLinkCount: state.autoLinks.length, connectionCount: state.connections.length, acceptedDeliveries: state.deliveriesIn,
    deliveriesIngress: state.deliveriesIn, deliveriesEgress: state.deliveriesOut, uptimeSeconds: state.uptimeSeconds(),
    memoryUsage: memory.heapTotal, residentMemoryUsage: memory.rss, connectionCounters: { tcp: 0, amqp: state.connections.length, http1: 0, http2: 0 },
    version: '3.5.1',
  };
  return Object.fromEntries((COLUMNS[METRICS] ?? []).map((c) => [c, counts[c] ?? 0]));
}

function connectionRow(state: RouterState, index: number): Attributes {
  const c = state.connections[index];
  if (!c) return {};
  const known: Attributes = {
    name: `connection/${c.host}`, identity: String(c.identity), type: CONNECTION, host: c.host, container: c.container, role: 'normal',
    dir: 'in', protocol: 'amqp', operStatus: 'up', adminStatus: 'enabled', opened: true, isAuthenticated: false, isEncrypted: false,
    ssl: false, enableProtocolTrace: false, properties: {}, uptimeSeconds: Math.floor((state.options.now() - c.openedAtMs) / 1000),
    ...c.security,
  };
  return Object.fromEntries((COLUMNS[CONNECTION] ?? []).map((col) => [col, known[col] ?? null]));
}

/** One row of a table as a column → value map (the READ and CREATE answer shape). */
export function cRow(state: RouterState, longType: string, index: number): Attributes {
  if (longType === ADDRESS) {
    const a = state.addresses[index];
    if (!a) return {};
    return {
      name: a.name, identity: String(a.identity), type: ADDRESS, prefix: a.isPrefix ? a.pattern.slice(0, -2) : null,
      distribution: a.distribution, pattern: a.isPrefix ? null : a.pattern, priority: a.priority,
    };
  }
  if (longType === AUTO_LINK) {
    const l = state.autoLinks[index];
    if (!l) return {};
    return {
      name: l.name, identity: String(l.identity), type: AUTO_LINK, address: l.address, direction: l.direction, connection: l.connection,
      containerId: l.containerId, externalAddress: l.externalAddress, linkRef: null, operStatus: 'inactive', lastError: null,
    };
  }
  if (longType === METRICS) return metricsRow(state);
  if (longType === CONNECTION) return connectionRow(state, index);
  return {};
}

export function rowCount(state: RouterState, longType: string): number {
  if (longType === ADDRESS) return state.addresses.length;
  if (longType === AUTO_LINK) return state.autoLinks.length;
  if (longType === METRICS) return 1;
  if (longType === CONNECTION) return state.connections.length;
  return 0;
}

