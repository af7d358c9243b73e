/**
 * The core's own operational tables as a real 3.5.1 lists them: `router.link` (the links of the
 * management clients and of the adaptors) and `router.address` (the router's own addresses, then
 * the ones its links and tcp entities made, in creation order). The router's own addresses are
 * those an interior 3.5.1 router listed; the simulator lists the same in every mode.
 */
import { pyStr, type Attributes } from './python-values.js';
import type { CoreLink, RouterState } from './state.js';

/** Length of `ingressHistogram` (one counter per possible ingress router). */
const HISTOGRAM_LENGTH = 128;
/** The core's default link priority. */
const DEFAULT_PRIORITY = 4;

/** The core's column order for `router.link`, the last one the empty name 3.5.1 declares. */
export const LINK_COLUMNS: readonly string[] = [
  'name', 'identity', 'type', 'linkName', 'linkType', 'linkDir', 'owningAddr', 'capacity', 'undeliveredCount', 'unsettledCount',
  'deliveryCount', 'connectionId', 'operStatus', 'presettledCount', 'droppedPresettledCount', 'acceptedCount', 'rejectedCount',
  'releasedCount', 'modifiedCount', 'deliveriesDelayed1Sec', 'deliveriesDelayed10Sec', 'deliveriesStuck', 'openMovedStreams',
  'ingressHistogram', 'priority', 'settleRate', 'creditAvailable', 'zeroCreditSeconds', '',
];

export function linkRow(link: CoreLink, longType: string): Attributes {
  const known: Attributes = {
    name: link.name, identity: String(link.identity), type: longType, linkName: link.name, linkType: 'endpoint', linkDir: link.dir,
    owningAddr: link.owningAddr, capacity: link.capacity, undeliveredCount: 0, unsettledCount: link.deliveries - link.accepted - link.presettled,
    deliveryCount: link.deliveries, connectionId: String(link.connectionId), operStatus: 'up', presettledCount: link.presettled,
    droppedPresettledCount: 0, acceptedCount: link.accepted, rejectedCount: 0, releasedCount: 0, modifiedCount: 0, deliveriesDelayed1Sec: 0,
    deliveriesDelayed10Sec: 0, deliveriesStuck: 0, openMovedStreams: 0,
    ingressHistogram: link.dir === 'out' ? new Array<number>(HISTOGRAM_LENGTH).fill(0) : null,
    priority: DEFAULT_PRIORITY, settleRate: 0, creditAvailable: link.creditAvailable, zeroCreditSeconds: 0,
  };
  return Object.fromEntries(LINK_COLUMNS.map((c) => [c, known[c] ?? null]));
}

/** The addresses a 3.5.1 router holds from the start (`<vanflow>` is the run's vanflow source id). */
const OWN_ADDRESSES: readonly (readonly [string, string])[] = [
  ['Lqdhello', 'flood'], ['Lqdrouter', 'flood'], ['Lqdrouter.ma', 'multicast'], ['Tqdrouter', 'flood'], ['Tqdrouter.ma', 'multicast'],
  ['M_$qd.mesh_discovery', 'balanced'], ['M_$qd.edge_addr_tracking', 'balanced'], ['M$management', 'closest'], ['L$management', 'closest'],
  ['Mmc/sfe.all', 'multicast'], ['Mmc/sfe.<vanflow>', 'multicast'], ['Mmc/sfe.<vanflow>.flows', 'multicast'],
  ['Mmc/sfe.<vanflow>.logs', 'multicast'], ['Msfe.<vanflow>', 'closest'], ['Mvfcr.<vanflow>', 'closest'], ['L$_management_internal', 'closest'],
];

export interface RouterAddress {
  readonly key: string;
  readonly distribution: string;
  readonly subscriberCount: number;
}

/**
 * The `router.address` rows: the router's own, then one per address its links own (a client's
 * dynamic reply address, subscribed by that link) and one per tcp address (`M<address>`, made by
 * a tcpListener's watch or a tcpConnector, subscribed by each tcpConnector's link), in the order
 * they were first made.
 */
export function routerAddresses(state: RouterState): RouterAddress[] {
  const own = OWN_ADDRESSES.map(([key, distribution]) => ({ key: key.replace('<vanflow>', state.vanflowId), distribution, subscriberCount: 0 }));
  const subscribers = new Map<string, number>();
  const made: string[] = [];
  const make = (key: string) => {
    if (!made.includes(key) && !own.some((a) => a.key === key)) made.push(key);
  };
  for (const link of state.links()) {
    if (link.owningAddr === null) continue;
    if (link.dir === 'out') subscribers.set(link.owningAddr, (subscribers.get(link.owningAddr) ?? 0) + 1);
    make(link.owningAddr);
  }
  for (const e of state.entities) {
    const short = e.type.shortName;
    if ((short === 'tcpListener' || short === 'tcpConnector') && e.attributes['address'] !== undefined) make(`M${pyStr(e.attributes['address'])}`);
    if (short === 'listenerAddress') make(`M${pyStr(e.attributes['address'])}`);
  }
  state.addressOrder = [...state.addressOrder.filter((k) => made.includes(k)), ...made.filter((k) => !state.addressOrder.includes(k))];
  const rest = state.addressOrder.map((key) => ({ key, distribution: 'balanced', subscriberCount: subscribers.get(key) ?? 0 }));
  return [...own, ...rest];
}

/** The core's column order for `router.address` (the schema's, led by name, identity and type). */
export function routerAddressRow(address: RouterAddress, longType: string, columns: readonly string[]): Attributes {
  const known: Attributes = {
    name: address.key, identity: address.key, type: longType, key: address.key, distribution: address.distribution, inProcess: 0,
    subscriberCount: address.subscriberCount, remoteCount: 0, containerCount: 0, remoteHostRouters: [], deliveriesIngress: 0,
    deliveriesEgress: 0, deliveriesTransit: 0, deliveriesToContainer: 0, deliveriesFromContainer: 0, deliveriesIngressRouteContainer: 0,
    deliveriesEgressRouteContainer: 0, deliveriesIngressInterNetwork: 0, deliveriesEgressInterNetwork: 0, transitOutstanding: null,
    trackedDeliveries: 0, priority: -1, watch: false,
  };
  return Object.fromEntries(columns.map((c) => [c, known[c] ?? null]));
}
