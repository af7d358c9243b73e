/**
 * The router's health as Prometheus metrics, read from a {@link RouterHealthPoller} at every
 * scrape (each scrape also touches it, which keeps it polling):
 *
 * - `iofog_router_link_up{name,role}`: 1 while an uplink connector (role inter-router or edge) is
 *   connected, else 0; `iofog_router_link_last_change_timestamp_seconds{name,role}` when it last
 *   went up or down (or was first seen);
 * - `iofog_router_connector_up{name,role}`: the same for every connector, whatever its role;
 * - `iofog_router_tcp_listener_up{name,address}`: 1 while a tcpListener's `operStatus` is up;
 * - `iofog_router_router_uptime_seconds`, `iofog_router_router_connections`,
 *   `iofog_router_router_resident_memory_bytes` (routerMetrics);
 * - `iofog_router_router_health_up`: 1 when the last reading succeeded;
 *   `iofog_router_router_health_timestamp_seconds`: when the values above were read.
 *
 * Nothing is written before the first reading; the link gauges hold only connectors of the
 * latest reading (a deleted connector's series goes away).
 */
import { Gauge, type Registry } from '../http/prometheus.js';
import type { RouterHealthPoller, RouterHealthSnapshot } from './health-poller.js';

export function registerRouterHealthMetrics(registry: Registry, poller: Pick<RouterHealthPoller, 'touch' | 'snapshot'>): void {
  const registers = [registry];
  const linkUp = new Gauge({
    name: 'iofog_router_link_up',
    help: 'Whether an uplink (a connector of role inter-router or edge) is connected (1) or not (0).',
    labelNames: ['name', 'role'] as const,
    registers,
    // The registry runs every collect before it writes anything: this one updates every gauge below.
    collect: () => update(poller.snapshot()),
  });
  const linkChange = new Gauge({
    name: 'iofog_router_link_last_change_timestamp_seconds',
    help: 'Unix time an uplink last went up or down (or was first seen).',
    labelNames: ['name', 'role'] as const,
    registers,
  });
  const connectorUp = new Gauge({
    name: 'iofog_router_connector_up',
    help: 'Whether a connector of any role is connected (connectionStatus SUCCESS) (1) or not (0).',
    labelNames: ['name', 'role'] as const,
    registers,
  });
  const tcpListenerUp = new Gauge({
    name: 'iofog_router_tcp_listener_up',
    help: 'Whether a tcpListener is up (operStatus up: a tcpConnector serves its address) (1) or not (0).',
    labelNames: ['name', 'address'] as const,
    registers,
  });
  const uptime = new Gauge({ name: 'iofog_router_router_uptime_seconds', help: 'Uptime of the router (routerMetrics).', registers });
  const connections = new Gauge({ name: 'iofog_router_router_connections', help: 'Connections open on the router (routerMetrics).', registers });
  const rss = new Gauge({ name: 'iofog_router_router_resident_memory_bytes', help: 'Resident memory of the router process (routerMetrics).', registers });
  const healthUp = new Gauge({ name: 'iofog_router_router_health_up', help: 'Whether the last reading of the router\'s operational state succeeded (1) or not (0).', registers });
  const readAt = new Gauge({ name: 'iofog_router_router_health_timestamp_seconds', help: 'Unix time of the last successful reading of the router\'s operational state.', registers });

  function update(s: RouterHealthSnapshot): void {
    poller.touch();
    for (const g of [linkUp, linkChange, connectorUp, tcpListenerUp, uptime, connections, rss, healthUp, readAt]) g.reset();
    if (s.polledAt === undefined && s.error === undefined) return;
    healthUp.set(s.error === undefined ? 1 : 0);
    if (s.polledAt === undefined) return;
    readAt.set(Date.parse(s.polledAt) / 1000);
    for (const c of s.connectors) {
      const labels = { name: c.name, role: c.role };
      connectorUp.set(labels, c.up ? 1 : 0);
      if (!c.uplink) continue;
      linkUp.set(labels, c.up ? 1 : 0);
      linkChange.set(labels, Date.parse(c.since) / 1000);
    }
    for (const l of s.tcpListeners) tcpListenerUp.set({ name: l.name, address: l.address }, l.operStatus === 'up' ? 1 : 0);
    if (s.router) {
      uptime.set(s.router.uptimeSeconds);
      connections.set(s.router.connectionCount);
      rss.set(s.router.residentMemoryBytes);
    }
  }
}
