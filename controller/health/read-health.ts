/**
 * One reading of the router's operational state: four QUERYs, each asking only for attributes a
 * real skrouterd 3.5.1 returns correctly (e2e/reference, `skrouterd-3.5.1-operational-transcript.json`):
 *
 * - `routerMetrics`: `uptimeSeconds`, `connectionCount`, `residentMemoryUsage`. Never `version`
 *   (null on every 3.5.1: the C agent writes it one column too far).
 * - `connector`: `connectionStatus` (CONNECTING, SUCCESS, FAILED, ...) and `connectionMsg`. A
 *   connector has no `operStatus`: asking for it fails the whole QUERY (404).
 * - `tcpListener`: `operStatus` (`down` while no tcpConnector serves its address) and `connectionMsg`.
 * - `tcpConnector`: has no `operStatus` in 3.5.1 (not in its schema), so its connection counters.
 *
 * The QUERYs go one after the other, never side by side: the management connection is the
 * reconcile loop's, and a reading must hold at most one slot of its request window.
 */
import { TYPE_PREFIX } from '../../schemas/index.js';
import type { Attributes } from '../../reconcilers/management.js';

/** The part of the management client a reading needs (`ManagementClient` has it). */
export interface HealthQuery {
  query(longType: string, attributeNames: readonly string[]): Promise<Attributes[]>;
}

export interface RouterFigures {
  readonly uptimeSeconds: number;
  readonly connectionCount: number;
  /** The router process's resident set size, bytes. */
  readonly residentMemoryBytes: number;
}

export interface ConnectorReading {
  readonly name: string;
  readonly role: string;
  /** `host:port` it dials. */
  readonly target: string;
  /** As the router says it: `SUCCESS` when connected. */
  readonly connectionStatus: string;
  /** The router's last message about it (e.g. why the last attempt failed); empty when none. */
  readonly connectionMsg: string;
}

export interface TcpListenerReading {
  readonly name: string;
  readonly address: string;
  readonly target: string;
  readonly operStatus: string;
  readonly connectionMsg: string;
}

export interface TcpConnectorReading {
  readonly name: string;
  readonly address: string;
  readonly target: string;
  readonly connectionsOpened: number;
  readonly connectionsClosed: number;
}

export interface HealthReading {
  readonly router: RouterFigures | undefined;
  readonly connectors: readonly ConnectorReading[];
  readonly tcpListeners: readonly TcpListenerReading[];
  readonly tcpConnectors: readonly TcpConnectorReading[];
}

/** The attributes asked for, by type; exported so a test can hold them to the recorded schema. */
export const HEALTH_QUERIES = {
  routerMetrics: ['uptimeSeconds', 'connectionCount', 'residentMemoryUsage'],
  connector: ['name', 'host', 'port', 'role', 'connectionStatus', 'connectionMsg'],
  tcpListener: ['name', 'host', 'port', 'address', 'operStatus', 'connectionMsg'],
  tcpConnector: ['name', 'host', 'port', 'address', 'connectionsOpened', 'connectionsClosed'],
} as const satisfies Record<string, readonly string[]>;

/** The connection roles of a router's uplinks: to an interior router, or an edge's to its interior. */
export const UPLINK_ROLES: readonly string[] = ['inter-router', 'edge'];

/** The value of `connectionStatus` while a connector's connection is open. */
export const CONNECTED = 'SUCCESS';

const text = (value: unknown, fallback = ''): string => {
  if (typeof value === 'string') return value;
  // A real 3.5.1 sends ports as strings; a number here would still be meant as one.
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : fallback;
};
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const target = (row: Attributes): string => `${text(row['host'])}:${text(row['port'])}`;
const byName = <T extends { name: string }>(rows: T[]): T[] => rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** Reads the router once (four QUERYs in sequence); a failed QUERY rejects with its error. */
export async function readRouterHealth(management: HealthQuery): Promise<HealthReading> {
  const metrics = await management.query(`${TYPE_PREFIX}routerMetrics`, HEALTH_QUERIES.routerMetrics);
  const connectors = await management.query(`${TYPE_PREFIX}connector`, HEALTH_QUERIES.connector);
  const tcpListeners = await management.query(`${TYPE_PREFIX}tcpListener`, HEALTH_QUERIES.tcpListener);
  const tcpConnectors = await management.query(`${TYPE_PREFIX}tcpConnector`, HEALTH_QUERIES.tcpConnector);
  const m = metrics[0];
  return {
    router: m && {
      uptimeSeconds: count(m['uptimeSeconds']),
      connectionCount: count(m['connectionCount']),
      residentMemoryBytes: count(m['residentMemoryUsage']),
    },
    connectors: byName(
      connectors.map((r) => ({
        name: text(r['name']),
        role: text(r['role'], 'normal'),
        target: target(r),
        connectionStatus: text(r['connectionStatus']),
        connectionMsg: text(r['connectionMsg']),
      })),
    ),
    tcpListeners: byName(
      tcpListeners.map((r) => ({
        name: text(r['name']),
        address: text(r['address']),
        target: target(r),
        operStatus: text(r['operStatus']),
        connectionMsg: text(r['connectionMsg']),
      })),
    ),
    tcpConnectors: byName(
      tcpConnectors.map((r) => ({
        name: text(r['name']),
        address: text(r['address']),
        target: target(r),
        connectionsOpened: count(r['connectionsOpened']),
        connectionsClosed: count(r['connectionsClosed']),
      })),
    ),
  };
}
