/** Shared set-up of the client tests: a peer, clients that are always closed, and an event waiter. */
import { afterEach, beforeEach } from 'vitest';
import { ManagementClient } from '../client.js';
import type { ManagementEventName, ManagementEvents } from '../events.js';
import type { ManagementClientOptions } from '../options.js';
import { startPeer, type TestPeer } from './peer.js';

export interface Harness {
  peer: TestPeer;
  /** A client of the peer; fast reconnects unless overridden. Closed after the test. */
  client(options?: Partial<ManagementClientOptions>): ManagementClient;
}

/** Registers before/after hooks; use the returned object inside tests. */
export function useHarness(): Harness {
  const clients: ManagementClient[] = [];
  const harness = {
    peer: undefined as unknown as TestPeer,
    client(options: Partial<ManagementClientOptions> = {}): ManagementClient {
      const client = new ManagementClient({
        url: harness.peer.url,
        reconnectInitialDelayMs: 5,
        reconnectMaxDelayMs: 20,
        ...options,
      });
      clients.push(client);
      return client;
    },
  };
  beforeEach(async () => {
    harness.peer = await startPeer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await harness.peer.stop();
  });
  return harness;
}

/** The next `event` of `client`. */
export function nextEvent<K extends ManagementEventName>(client: ManagementClient, event: K): Promise<ManagementEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

/** Settle a promise into a value that can be compared: the result, or the error. */
export function outcome<T>(promise: Promise<T>): Promise<{ ok: T } | { error: unknown }> {
  return promise.then(
    (ok) => ({ ok }),
    (error: unknown) => ({ error }),
  );
}
