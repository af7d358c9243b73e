/**
 * The router's health as `/status` shows it: `links` (the uplinks, what an operator looks at
 * first) and `routerHealth` (the rest of the last reading). Spread into the status document:
 * `{ ...status.document, ...routerHealthStatus(poller.snapshot()) }`.
 */
import type { RouterHealthSnapshot } from './health-poller.js';

export interface LinkStatus {
  readonly name: string;
  /** `inter-router` or `edge`. */
  readonly role: string;
  /** `host:port` the connector dials. */
  readonly target: string;
  readonly up: boolean;
  /** When it last went up or down, or was first seen (ISO time). */
  readonly since: string;
  /** The router's `connectionStatus` (SUCCESS, CONNECTING, FAILED, ...). */
  readonly connectionStatus: string;
  /** The router's `connectionMsg`, when it has one (e.g. why the last attempt failed). */
  readonly message?: string;
}

export interface RouterHealthStatus {
  readonly links: readonly LinkStatus[];
  readonly routerHealth: Omit<RouterHealthSnapshot, 'connectors'> & { readonly connectors: readonly Omit<LinkStatus, 'since'>[] };
}

export function routerHealthStatus(snapshot: RouterHealthSnapshot): RouterHealthStatus {
  const links = snapshot.connectors
    .filter((c) => c.uplink)
    .map(({ name, role, target, up, since, connectionStatus, connectionMsg }) => ({
      name,
      role,
      target,
      up,
      since,
      connectionStatus,
      ...(connectionMsg !== '' ? { message: connectionMsg } : {}),
    }));
  const connectors = snapshot.connectors.map(({ name, role, target, up, connectionStatus, connectionMsg }) => ({
    name,
    role,
    target,
    up,
    connectionStatus,
    ...(connectionMsg !== '' ? { message: connectionMsg } : {}),
  }));
  return { links, routerHealth: { ...snapshot, connectors } };
}
