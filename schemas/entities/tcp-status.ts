import { attr, type AttributeFacts } from '../entity.js';

/** Counters the router keeps on TCP listeners and connectors. */
export const tcpStatusAttributes: Record<string, AttributeFacts> = {
  connectionsOpened: attr.status('integer', 'Flows opened so far.'),
  connectionsClosed: attr.status('integer', 'Flows closed so far.'),
  bytesIn: attr.status('integer', 'Bytes received (not counted in 3.5.1).'),
  bytesOut: attr.status('integer', 'Bytes sent (not counted in 3.5.1).'),
};
