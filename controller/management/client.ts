/**
 * The AMQP management client: the {@link Management} the reconciler applies plans through,
 * over one persistent connection to skrouterd's `$management`.
 *
 * - Requests are pipelined in a bounded window (`maxInFlight`), matched to replies by string
 *   correlation id, and each has its own timeout, counted from the call.
 * - Only 200/201/204 replies succeed; anything else rejects with a ManagementError.
 * - A request in flight when the connection drops rejects with
 *   `ManagementUnavailableError('disconnected')` (safe to retry); a request made while
 *   disconnected waits for the next connection, up to its timeout.
 * - Events: `connected`, `disconnected`, `routerRestarted` (after a reconnect, or when
 *   {@link ManagementClient.checkRouter} sees the uptime go down).
 */
import { TYPE_PREFIX } from '../../schemas/index.js';
import {
  ManagementError,
  ManagementUnavailableError,
  type Attributes,
  type Management,
  type ManagementOperation,
} from '../../reconcilers/management.js';
import type { Message } from 'rhea';
import { ManagementConnection } from './amqp-connection.js';
import { ManagementEventEmitter, type ManagementEventName, type ManagementEvents } from './events.js';
import { loggableBody } from './logger.js';
import { ManagementOptionError, resolveOptions, type ManagementClientOptions, type ResolvedOptions } from './options.js';
import {
  UNREADABLE_REPLY,
  attributesOf,
  checkReply,
  queryRows,
  schemaOf,
  stringListsOf,
  type ManagementReply,
  type ManagementSchema,
  type RequestSubject,
} from './reply.js';
import { RequestWindow, type ApplicationPropertyValue } from './request-window.js';

export interface RequestOptions {
  /** Overrides the client's `timeoutMs` for this request. */
  readonly timeoutMs?: number;
}

/**
 * What `checkRouter` reports from `io.skupper.router.routerMetrics`. Not its `version`: every
 * 3.5.1 router returns `version: null` there (the C agent writes it one column too far).
 */
export interface RouterIdentity {
  readonly id: string;
  readonly uptimeSeconds: number;
}

const ROUTER_METRICS = `${TYPE_PREFIX}routerMetrics`;
/** Application properties of the GET-* operations, which address the management node itself. */
const SELF = { name: 'self', identity: 'self' } as const;

export class ManagementClient implements Management {
  readonly #options: ResolvedOptions;
  readonly #events: ManagementEventEmitter;
  readonly #window: RequestWindow;
  readonly #connection: ManagementConnection;
  readonly #idPrefix = `${Date.now().toString(36)}-`;
  #nextId = 0;
  #everConnected = false;
  #lastRouter: RouterIdentity | undefined;
  #closing: Promise<void> | undefined;

  /** Validates the options (throws ManagementOptionError) and starts connecting, unless `connectNow: false`. */
  constructor(options: ManagementClientOptions) {
    this.#options = resolveOptions(options);
    this.#events = new ManagementEventEmitter(this.#options.logger);
    this.#window = new RequestWindow(this.#options.maxInFlight, () => this.#pump());
    this.#connection = new ManagementConnection(this.#options, {
      onReady: (replyAddress) => this.#ready(replyAddress),
      onSendable: () => this.#pump(),
      onReply: (message) => this.#reply(message),
      onLost: (reason, retryInMs, error) => this.#lost(reason, retryInMs, error),
    });
    if (options.connectNow !== false) this.#connection.open();
  }

  /** Start connecting (once; later losses reconnect by themselves until `close()`). */
  connect(): void {
    this.#connection.open();
  }

  /** Subscribe to an event; returns the function that unsubscribes. */
  on<K extends ManagementEventName>(event: K, listener: (payload: ManagementEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Connected, the reply address, and how many requests are sent and queued. */
  get state(): { connected: boolean; replyAddress: string | undefined; inFlight: number; queued: number } {
    const replyAddress = this.#connection.replyAddress;
    return { connected: replyAddress !== undefined, replyAddress, inFlight: this.#window.inFlight, queued: this.#window.queued };
  }

  async create(longType: string, name: string, attributes: Attributes): Promise<Attributes> {
    return attributesOf(await this.request('CREATE', { type: longTypeArg(longType), name }, attributes));
  }

  async read(longType: string, name: string): Promise<Attributes> {
    return attributesOf(await this.request('READ', { type: longTypeArg(longType), name }, {}));
  }

  /** UPDATE merges: omitted attributes keep their value, `null` clears one. */
  async update(longType: string, name: string, attributes: Attributes): Promise<Attributes> {
    return attributesOf(await this.request('UPDATE', { type: longTypeArg(longType), name }, attributes));
  }

  async delete(longType: string, name: string): Promise<void> {
    await this.request('DELETE', { type: longTypeArg(longType), name }, {});
  }

  /** QUERY one type (all attributes when `attributeNames` is empty or absent). */
  async query(longType: string, attributeNames: readonly string[] = []): Promise<Attributes[]> {
    const subject = { operation: 'QUERY', entityType: longTypeArg(longType) } as const;
    return queryRows(subject, await this.request('QUERY', { entityType: longType }, { attributeNames: [...attributeNames] }));
  }

  async getSchema(): Promise<ManagementSchema> {
    return schemaOf({ operation: 'GET-SCHEMA' }, await this.request('GET-SCHEMA', SELF, {}));
  }

  /** Every type with the types it extends. */
  async getTypes(): Promise<Record<string, string[]>> {
    return stringListsOf({ operation: 'GET-TYPES' }, await this.request('GET-TYPES', SELF, {}));
  }

  /** Every type with the operations it allows. */
  async getOperations(): Promise<Record<string, string[]>> {
    return stringListsOf({ operation: 'GET-OPERATIONS' }, await this.request('GET-OPERATIONS', SELF, {}));
  }

  /**
   * Any management request. `operation` is added to the application properties; the reply is
   * returned when its status is 200/201/204 and rejected as a ManagementError otherwise.
   */
  async request(
    operation: ManagementOperation,
    applicationProperties: Readonly<Record<string, ApplicationPropertyValue>>,
    body: unknown,
    options: RequestOptions = {},
  ): Promise<ManagementReply> {
    const { type, entityType, name, identity } = applicationProperties;
    const subject: RequestSubject = {
      operation,
      entityType: stringOr(type, entityType),
      entityName: stringOr(name, identity),
    };
    if (this.#closing !== undefined) throw new ManagementUnavailableError(operation, 'closed');
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new ManagementOptionError('timeoutMs', options.timeoutMs, 'must be a positive integer');
    }
    this.#nextId += 1;
    const correlationId = `${this.#idPrefix}${this.#nextId}`;
    this.#options.logger.debug('management request', {
      ...subject,
      correlationId,
      body: loggableBody(subject.entityType, body),
    });
    const pending = this.#window.add(
      { correlationId, subject, applicationProperties: { ...applicationProperties, operation }, body },
      timeoutMs,
    );
    this.#pump();
    const raw = await pending;
    const reply = checkReply(subject, raw.applicationProperties, raw.body);
    this.#options.logger.debug('management reply', {
      ...subject,
      correlationId,
      statusCode: reply.statusCode,
      body: loggableBody(subject.entityType, reply.body),
    });
    return reply;
  }

  /**
   * QUERY `routerMetrics` for the router's id and uptime. An uptime below the previous
   * check's (or another router id) is reported as `routerRestarted` with reason `uptimeDecreased`.
   */
  async checkRouter(): Promise<RouterIdentity> {
    const [row] = await this.query(ROUTER_METRICS, ['id', 'uptimeSeconds']);
    const { id, uptimeSeconds } = row ?? {};
    if (typeof id !== 'string' || typeof uptimeSeconds !== 'number') {
      throw new ManagementError({
        operation: 'QUERY',
        entityType: ROUTER_METRICS,
        statusCode: UNREADABLE_REPLY,
        statusDescription: 'routerMetrics reply lacks id or uptimeSeconds',
      });
    }
    const current = { id, uptimeSeconds };
    const previous = this.#lastRouter;
    this.#lastRouter = current;
    if (previous !== undefined && (uptimeSeconds < previous.uptimeSeconds || id !== previous.id)) {
      this.#options.logger.info('router restarted: uptime went down', { routerId: id, uptimeSeconds });
      this.#events.emit('routerRestarted', {
        reason: 'uptimeDecreased',
        routerId: id,
        previousUptimeSeconds: previous.uptimeSeconds,
        uptimeSeconds,
      });
    }
    return current;
  }

  /**
   * Fail every pending request with reason `closed`, close the connection and stop
   * reconnecting. No timer or socket of the client survives the returned promise.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const failed = this.#window.failAll('closed');
      this.#options.logger.info('management client closing', { failedRequests: failed });
      await this.#connection.close();
      this.#events.removeAll();
    })();
    return this.#closing;
  }

  #pump(): void {
    this.#window.pump(
      () => this.#connection.canSend(),
      (request) => {
        this.#connection.send({
          correlation_id: request.correlationId,
          application_properties: request.applicationProperties,
          body: request.body,
        });
      },
    );
  }

  #reply(message: Message): void {
    const id = message.correlation_id;
    const correlationId = typeof id === 'string' ? id : String(id);
    const matched = this.#window.settle(correlationId, {
      applicationProperties: message.application_properties,
      body: message.body,
    });
    if (!matched) this.#options.logger.debug('reply for no waiting request (late or unknown)', { correlationId });
    this.#pump();
  }

  #ready(replyAddress: string): void {
    const reconnected = this.#everConnected;
    this.#everConnected = true;
    this.#options.logger.info('management connected', { replyAddress, reconnected });
    this.#events.emit('connected', { replyAddress, reconnected });
    if (reconnected) {
      // The restart (if any) is reported here; the next uptime check starts a new baseline.
      this.#lastRouter = undefined;
      this.#events.emit('routerRestarted', { reason: 'reconnected' });
    }
    this.#pump();
  }

  #lost(reason: string, retryInMs: number, error: Error | undefined): void {
    const failed = this.#window.failSent('disconnected', error);
    this.#options.logger.warn('management connection lost', { reason, retryInMs, failedRequests: failed });
    this.#events.emit('disconnected', { reason, retryInMs, ...(error === undefined ? {} : { error }) });
  }
}

function stringOr(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string');
}

function longTypeArg(longType: string): string {
  if (!longType.startsWith(TYPE_PREFIX)) {
    throw new ManagementOptionError('longType', longType, `must be a long type name (${TYPE_PREFIX}*)`);
  }
  return longType;
}
