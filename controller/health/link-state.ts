/**
 * Up or down per connector across readings, with the time of the last change. A connector is up
 * while the router says `connectionStatus: SUCCESS`; anything else (CONNECTING while it retries,
 * FAILED, ...) is down. The first reading of a connector has no earlier state to compare with:
 * its `since` is the time it was first seen. A connector whose role changed (a replace) starts
 * over; one that is gone is forgotten.
 */
import { CONNECTED, UPLINK_ROLES, type ConnectorReading } from './read-health.js';

export interface ConnectorStatus extends ConnectorReading {
  readonly up: boolean;
  /** When it last went up or down, or was first seen (ISO time). */
  readonly since: string;
  /** An uplink: role inter-router or edge. */
  readonly uplink: boolean;
}

export class LinkStates {
  readonly #states = new Map<string, { role: string; up: boolean; sinceMs: number }>();

  /** The status of every connector of one reading made at `nowMs`. */
  observe(connectors: readonly ConnectorReading[], nowMs: number): ConnectorStatus[] {
    const seen = new Set<string>();
    const result = connectors.map((c) => {
      seen.add(c.name);
      const up = c.connectionStatus === CONNECTED;
      const before = this.#states.get(c.name);
      const sinceMs = before !== undefined && before.role === c.role && before.up === up ? before.sinceMs : nowMs;
      this.#states.set(c.name, { role: c.role, up, sinceMs });
      return { ...c, up, since: new Date(sinceMs).toISOString(), uplink: UPLINK_ROLES.includes(c.role) };
    });
    for (const name of [...this.#states.keys()]) if (!seen.has(name)) this.#states.delete(name);
    return result;
  }
}
