/**
 * The baselines of the throughput section: a minimal AMQP management client on rhea with no
 * window, no timeouts, no logging and no reconnect. `pipelined` hands every request to the link
 * at once (only link credit holds them back): the limit of what the router can absorb.
 * `serial` waits for each reply before sending the next request, as the peers do.
 */
import rhea, { type Connection, type Message, type Sender, type Source } from 'rhea';

export interface RawOp {
  readonly operation: 'CREATE' | 'DELETE';
  readonly type: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

export class RawManagementClient {
  readonly #connection: Connection;
  readonly #sender: Sender;
  readonly #replyTo: string;
  readonly #pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  readonly #backlog: Message[] = [];
  #next = 0;
  #unwritten = 0;

  private constructor(connection: Connection, sender: Sender, replyTo: string) {
    this.#connection = connection;
    this.#sender = sender;
    this.#replyTo = replyTo;
  }

  static async connect(url: string): Promise<RawManagementClient> {
    const { hostname, port } = new URL(url);
    const container = rhea.create_container();
    // tcp_no_delay is a rhea option its typings leave out; the product's client sets it too.
    const options = { host: hostname, port: Number(port), reconnect: false, tcp_no_delay: true, username: 'anonymous' };
    const connection = container.connect(options);
    const receiver = connection.open_receiver({ source: { dynamic: true } as Source });
    const sender = connection.open_sender({ target: { address: '$management' } });
    const replyTo = await new Promise<string>((resolve, reject) => {
      let address: string | undefined;
      let senderOpen = false;
      const ready = () => {
        if (address !== undefined && senderOpen) resolve(address);
      };
      receiver.once('receiver_open', () => {
        address = String(receiver.source.address);
        ready();
      });
      sender.once('sender_open', () => {
        senderOpen = true;
        ready();
      });
      connection.once('connection_error', () => reject(new Error('connection refused by the router')));
      connection.once('disconnected', (ctx) => reject(new Error(`cannot connect to ${url}: ${String(ctx.error ?? 'disconnected')}`)));
    });
    const client = new RawManagementClient(connection, sender, replyTo);
    receiver.on('message', (ctx) => client.#reply(ctx.message));
    sender.on('sendable', () => client.#flush());
    return client;
  }

  /** Sends every operation without waiting; resolves when all are answered. */
  pipelined(ops: readonly RawOp[]): Promise<void> {
    return Promise.all(ops.map((op) => this.#send(op))).then(() => undefined);
  }

  /** One request at a time. */
  async serial(ops: readonly RawOp[]): Promise<void> {
    for (const op of ops) await this.#send(op);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#connection.once('connection_close', () => resolve());
      this.#connection.once('disconnected', () => resolve());
      this.#connection.close();
    });
  }

  #send(op: RawOp): Promise<void> {
    const correlation_id = `raw-${++this.#next}`;
    const promise = new Promise<void>((resolve, reject) => this.#pending.set(correlation_id, { resolve, reject }));
    this.#backlog.push({
      correlation_id,
      reply_to: this.#replyTo,
      application_properties: { operation: op.operation, type: op.type, name: op.name },
      body: op.body,
    });
    this.#flush();
    return promise;
  }

  /** rhea takes a message's credit only when it writes it (next tick), so count what it holds. */
  #flush(): void {
    const credit = (this.#sender as unknown as { credit: number }).credit;
    while (this.#backlog.length > 0 && this.#sender.sendable() && this.#unwritten < credit) {
      const message = this.#backlog.shift();
      if (message === undefined) break;
      this.#sender.send(message);
      if (this.#unwritten++ === 0) {
        process.nextTick(() => {
          this.#unwritten = 0;
          this.#flush();
        });
      }
    }
  }

  #reply(message: Message | undefined): void {
    if (message === undefined) return;
    const id = String(message.correlation_id);
    const waiter = this.#pending.get(id);
    if (!waiter) return;
    this.#pending.delete(id);
    const status = Number((message.application_properties as Record<string, unknown> | undefined)?.['statusCode']);
    if (status >= 200 && status < 300) waiter.resolve();
    else waiter.reject(new Error(`${id}: status ${status} ${String((message.application_properties as Record<string, unknown> | undefined)?.['statusDescription'])}`));
  }
}
