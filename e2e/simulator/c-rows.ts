/**
 * The rows of the C core's tables as its agent writes them: fixed column lists per type and the
 * values of one row (READ/CREATE answer a row as a column → value map).
 */
import { TYPE_PREFIX } from '../../schemas/index.js';
import { typeOf } from './catalog.js';
import { LINK_COLUMNS, linkRow, routerAddresses, routerAddressRow } from './c-core-rows.js';
import type { Attributes } from './python-values.js';
import type { RouterState } from './state.js';

/** The version string a 3.5.1 build reports (the one recorded: a build that names itself 0.0.0). */
export const ROUTER_VERSION = '0.0.0';

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
    // 3.5.1 declares one name fewer than it writes: the terminator's slot reads as "" and holds the version.
    '',
  ],
  [CONNECTION]: [
    'name', 'identity', 'host', 'localSocket', 'role', 'protocol', 'dir', 'container', 'sasl', 'isAuthenticated', 'user', 'isEncrypted',
    'sslProto', 'sslCipher', 'properties', 'sslSsf', 'type', 'ssl', 'opened', 'active', 'adminStatus', 'operStatus', 'uptimeSeconds',
    'lastDlvSeconds', 'enableProtocolTrace', 'meshId', 'tlsOrdinal', 'groupCorrelationId', 'groupOrdinal',
  ],
  [LINK]: LINK_COLUMNS,
  [ROUTER_ADDRESS]: ['name', 'identity', 'type', ...tail(ROUTER_ADDRESS, ['name', 'identity', 'type'])],
};

function metricsRow(state: RouterState): Attributes {
  const memory = process.memoryUsage();
  // The C agent still writes the pre-rename type name, and the version one column late (`version` stays null).
  const counts: Attributes = {
    identity: '1', type: 'org.apache.qpid.dispatch.routerMetrics', id: state.routerId(), addrCount: routerAddresses(state).length,
    linkCount: state.links().length, nodeCount: 0, autoLinkCount: state.autoLinks.length, connectionCount: state.connections.length,
    presettledDeliveries: state.deliveriesOut, acceptedDeliveries: state.deliveriesAccepted, deliveriesIngress: state.deliveriesIn,
    deliveriesEgress: state.deliveriesOut, uptimeSeconds: state.uptimeSeconds(), memoryUsage: memory.heapTotal, residentMemoryUsage: memory.rss,
    connectionCounters: { tcp: 0, amqp: state.connections.length, http1: 0, http2: 0 }, version: null, '': ROUTER_VERSION,
  };
  return Object.fromEntries((COLUMNS[METRICS] ?? []).map((c) => [c, c in counts ? counts[c] : 0]));
}

function connectionRow(state: RouterState, index: number): Attributes {
  const c = state.connections[index];
  if (!c) return {};
  const known: Attributes = {
    name: `connection/${c.host}`, identity: String(c.identity), type: CONNECTION, host: c.host, container: c.container, role: 'normal',
    dir: 'in', protocol: 'amqp', operStatus: 'up', adminStatus: 'enabled', opened: true, isAuthenticated: false, isEncrypted: false,
    ssl: false, active: true, sslSsf: 0, enableProtocolTrace: false, properties: {}, lastDlvSeconds: 0,
    uptimeSeconds: Math.floor((state.options.now() - c.openedAtMs) / 1000), ...c.security,
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
  if (longType === LINK) {
    const link = state.links()[index];
    return link ? linkRow(link, LINK) : {};
  }
  if (longType === ROUTER_ADDRESS) {
    const address = routerAddresses(state)[index];
    return address ? routerAddressRow(address, ROUTER_ADDRESS, COLUMNS[ROUTER_ADDRESS] ?? []) : {};
  }
  return {};
}

export function rowCount(state: RouterState, longType: string): number {
  if (longType === ADDRESS) return state.addresses.length;
  if (longType === AUTO_LINK) return state.autoLinks.length;
  if (longType === METRICS) return 1;
  if (longType === CONNECTION) return state.connections.length;
  if (longType === LINK) return state.links().length;
  if (longType === ROUTER_ADDRESS) return routerAddresses(state).length;
  return 0;
}

