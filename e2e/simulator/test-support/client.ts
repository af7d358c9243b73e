/**
 * A minimal management client for the simulator's own tests (the product's client lives in
 * `controller/`; the simulator must not depend on it). One connection, a dynamic reply
 * receiver, string correlation ids, and a per-request wait that reports `no-reply` instead of
 * failing, because some requests are never answered.
 */
import rhea, { type Connection, type EventContext, type Message, type Receiver, type Sender, type Source } from 'rhea';

export interface TestReply {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly body: unknown;
  readonly correlationId: unknown;
}

export class TestClient {
  private readonly pending = new Map<string, (reply: TestReply) => void>();
  private nextId = 0;
  private closedWith: Error | undefined;
  private readonly closeWaiters: (() => void)[] = [];

  private constructor(
    private readonly connection: Connection,
    private readonly sender: Sender,
    readonly replyAddress: string,
    receiver: Receiver,
  ) {
    receiver.on('message', (ctx: EventContext) => {
      const m = ctx.message;
      const id = String(m?.correlation_id);
      const resolve = this.pending.get(id);
      if (!m || !resolve) return;
      this.pending.delete(id);
      const props = m.application_properties ?? {};
      resolve({ statusCode: Number(props['statusCode']), statusDescription: String(props['statusDescription']), body: m.body, correlationId: m.correlation_id });
    });
    connection.on('disconnected', () => {
      this.closedWith = new Error('disconnected');
      for (const w of this.closeWaiters.splice(0)) w();
    });
  }

  /**
   * Connects to `port` (with SASL ANONYMOUS when `sasl`); the reply receiver is attached first,
   * or after the request sender with `senderFirst` (the order a Python proton client uses).
   */
  static async connect(port: number, options: { anonymousSender?: boolean; sasl?: boolean; senderFirst?: boolean } = {}): Promise<TestClient> {
    const container = rhea.create_container({ id: `test-client-${process.pid}-${Math.random()}` });
    const connection = container.connect({
      host: '127.0.0.1',
      port,
      reconnect: false,
      ...(options.sasl ? { username: 'anonymous' } : {}),
    });
    connection.on('error', () => undefined);
    const openSender = async (): Promise<Sender> => {
      const sender = options.anonymousSender ? connection.open_sender({ target: {} }) : connection.open_sender('$management');
      await new Promise<void>((resolve, reject) => {
        sender.once('sendable', () => resolve());
        connection.once('disconnected', () => reject(new Error('could not connect')));
      });
      return sender;
    };
    const early = options.senderFirst ? await openSender() : undefined;
    // rhea's typings demand an address, but a dynamic source must not carry one.
    const receiver = connection.open_receiver({ source: { dynamic: true } as Source });
    const address = await new Promise<string>((resolve, reject) => {
      receiver.once('receiver_open', (ctx: EventContext) => resolve(String(ctx.receiver?.source.address)));
      connection.once('disconnected', () => reject(new Error('could not connect')));
    });
    const sender = early ?? (await openSender());
    return new TestClient(connection, sender, address, receiver);
  }

  /** Sends a request and waits up to `timeoutMs` for its reply. */
  async request(
    properties: Record<string, unknown>,
    body: unknown = {},
    options: { timeoutMs?: number; to?: string; correlationId?: string | number } = {},
  ): Promise<TestReply | 'no-reply'> {
    const correlationId = options.correlationId ?? `r${this.nextId++}`;
    const id = String(correlationId);
    const reply = new Promise<TestReply | 'no-reply'>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve('no-reply');
      }, options.timeoutMs ?? 5000);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.closeWaiters.push(() => {
        clearTimeout(timer);
        resolve('no-reply');
      });
    });
    this.sendRaw({ application_properties: properties, body, reply_to: this.replyAddress, correlation_id: correlationId, ...(options.to ? { to: options.to } : {}) });
    return reply;
  }

  /** Sends a message as is (e.g. without reply_to). */
  sendRaw(message: Message): void {
    this.sender.send(message);
  }

  get disconnected(): boolean {
    return this.closedWith !== undefined;
  }

  /** Resolves when the connection drops. */
  whenDisconnected(): Promise<void> {
    if (this.closedWith) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closedWith) return;
    await new Promise<void>((resolve) => {
      this.connection.once('connection_close', () => resolve());
      this.connection.once('disconnected', () => resolve());
      this.connection.close();
    });
  }
}

/** Sends one request and insists on a reply. */
export async function must(client: TestClient, properties: Record<string, unknown>, body: unknown = {}): Promise<TestReply> {
  const reply = await client.request(properties, body);
  if (reply === 'no-reply') throw new Error(`no reply to ${JSON.stringify(properties)}`);
  return reply;
}
