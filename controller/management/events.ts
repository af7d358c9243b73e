/**
 * Events of the management client. Listeners run synchronously; one that throws is logged
 * and never disturbs the client or the other listeners.
 */
import type { ManagementLogger } from './logger.js';

export interface ConnectedEvent {
  /** The dynamic reply-to address the router assigned for this connection. */
  readonly replyAddress: string;
  /** False for the first connection of the client, true for every one after a loss. */
  readonly reconnected: boolean;
}

export interface DisconnectedEvent {
  /** Why the connection went away (socket error text, peer close description, ...). */
  readonly reason: string;
  /** Delay before the next attempt, in ms. */
  readonly retryInMs: number;
  readonly error?: Error;
}

export type RouterRestartedEvent =
  | {
      /** The connection came back after a loss: the router may have restarted with its boot file. */
      readonly reason: 'reconnected';
    }
  | {
      /** `routerMetrics` reported a smaller uptime (or another router id) than the previous check. */
      readonly reason: 'uptimeDecreased';
      readonly routerId: string;
      readonly previousUptimeSeconds: number;
      readonly uptimeSeconds: number;
    };

export interface ManagementEvents {
  connected: ConnectedEvent;
  disconnected: DisconnectedEvent;
  routerRestarted: RouterRestartedEvent;
}

export type ManagementEventName = keyof ManagementEvents;
type Listener<K extends ManagementEventName> = (event: ManagementEvents[K]) => void;

/** A small typed emitter; `on` returns the function that removes the listener. */
export class ManagementEventEmitter {
  readonly #listeners: { [K in ManagementEventName]: Set<Listener<K>> } = {
    connected: new Set(),
    disconnected: new Set(),
    routerRestarted: new Set(),
  };
  readonly #logger: ManagementLogger;

  constructor(logger: ManagementLogger) {
    this.#logger = logger;
  }

  on<K extends ManagementEventName>(event: K, listener: Listener<K>): () => void {
    const set = this.#listeners[event] as Set<Listener<K>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends ManagementEventName>(event: K, payload: ManagementEvents[K]): void {
    for (const listener of [...(this.#listeners[event] as Set<Listener<K>>)]) {
      try {
        listener(payload);
      } catch (error) {
        this.#logger.error('management event listener threw', { event, error: String(error) });
      }
    }
  }

  removeAll(): void {
    for (const set of Object.values(this.#listeners)) set.clear();
  }
}
