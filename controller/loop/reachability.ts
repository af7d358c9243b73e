/**
 * `router.reachable` in `/status` (and the first condition of `/readyz`) is the state of the
 * management connection, from the client's events: up from `connected` until `disconnected`.
 * It never depends on how far a pass got (a pass stopped by an invalid input has not read the
 * router, yet the router is reachable).
 */
import type { ManagementClient } from '../management/index.js';
import type { StatusStore } from './status.js';

export function trackReachability(management: Pick<ManagementClient, 'on' | 'state'>, status: StatusStore): () => void {
  const up = () => {
    const { lastError: _cleared, ...router } = status.document.router;
    status.update({ router: { ...router, reachable: true } });
  };
  const offConnected = management.on('connected', (e) => {
    if (e.reconnected) status.reconnected();
    up();
  });
  const offDisconnected = management.on('disconnected', (e) => {
    status.update({ router: { ...status.document.router, reachable: false, lastError: e.reason } });
  });
  // The connection may have come up before anyone listened.
  if (management.state.connected) up();
  return () => {
    offConnected();
    offDisconnected();
  };
}
