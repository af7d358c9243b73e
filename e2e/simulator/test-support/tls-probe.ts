/**
 * Clients that try a secured management port and report what they saw: a rhea connection that
 * either opens or is dropped (with the error it got), and a raw TLS exchange of hand-written
 * SASL bytes, for what no well-behaved client sends (a mechanism the server did not offer, or no
 * SASL at all).
 */
import { connect as connectTcp } from 'node:net';
import { connect, type ConnectionOptions as TlsOptions } from 'node:tls';
import rhea, { type EventContext } from 'rhea';

export type Attempt = { readonly opened: true } | { readonly opened: false; readonly error: string };

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object' && 'condition' in error) return `${String(error.condition)}: ${String((error as { description?: unknown }).description)}`;
  return String(error);
}

/** Connects with rhea; resolves once the AMQP connection opens or the socket is gone. */
export async function attempt(port: number, options: Record<string, unknown>): Promise<Attempt> {
  const container = rhea.create_container({ id: `probe-${Math.random()}` });
  const connection = container.connect({ host: '127.0.0.1', port, reconnect: false, ...options });
  let error = '';
  return new Promise<Attempt>((resolve) => {
    connection.on('connection_open', () => {
      connection.close();
      resolve({ opened: true });
    });
    connection.on('connection_error', (ctx: EventContext) => (error ||= describe(ctx.error ?? ctx.connection.error)));
    connection.on('connection_close', () => undefined);
    connection.on('protocol_error', (e: unknown) => (error ||= `protocol error: ${describe(e)}`));
    connection.on('error', (e: unknown) => (error ||= describe(e)));
    connection.on('disconnected', (ctx: EventContext) => resolve({ opened: false, error: error || (ctx.error === undefined ? 'closed' : describe(ctx.error)) }));
  });
}

export const SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 3, 1, 0, 0]);
export const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]);

/** The SASL header and a sasl-init frame choosing `mechanism` (empty initial response). */
export function saslInit(mechanism: string): Buffer {
  const name = Buffer.from(mechanism, 'ascii');
  const fields = Buffer.concat([Buffer.from([0xa3, name.length]), name, Buffer.from([0xa0, 0])]);
  const body = Buffer.concat([Buffer.from([0x00, 0x53, 0x41, 0xc0, fields.length + 1, 2]), fields]);
  const frameHeader = Buffer.from([0, 0, 0, 0, 2, 1, 0, 0]);
  frameHeader.writeUInt32BE(frameHeader.length + body.length, 0);
  return Buffer.concat([SASL_HEADER, frameHeader, body]);
}

/** The code of the sasl-outcome frame in `bytes` (0 ok, 1 auth), if there is one. */
export function saslOutcome(bytes: Buffer): number | undefined {
  const at = bytes.indexOf(Buffer.from([0x00, 0x53, 0x44]));
  if (at < 0) return undefined;
  const code = bytes.indexOf(0x50, at + 3);
  return code < 0 ? undefined : bytes[code + 1];
}

/**
 * Sends `bytes` over TLS (or plain TCP when `tls` is `plain`) and collects everything the server
 * sends until it closes the connection.
 */
export async function exchange(port: number, tls: TlsOptions | 'plain', bytes: Buffer, timeoutMs = 5000): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket =
      tls === 'plain'
        ? connectTcp({ host: '127.0.0.1', port }, () => socket.write(bytes))
        : connect({ host: '127.0.0.1', port, servername: 'localhost', ...tls }, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open; it sent ${Buffer.concat(chunks).toString('hex')}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}
