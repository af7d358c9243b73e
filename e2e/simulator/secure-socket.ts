/**
 * The TLS layer of a secured listener: every accepted socket either completes a TLS handshake
 * (with a client certificate signed by the profile's CA, for client authentication, when the
 * listener verifies peers) or ends with the TLS alert OpenSSL sends (tls-alert.ts). A plain AMQP client is let through to SASL either way, as
 * skrouterd 3.5.1 lets it: with `requireSsl` false it may be served (`pn_ssl_domain_allow_unsecured_client`);
 * with it, EXTERNAL cannot be offered without TLS, and the client meets an empty mechanism list
 * (sasl-refusal.ts). The first byte decides: 0x16 is a TLS handshake record (a ClientHello), `A`
 * the start of an AMQP protocol header.
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createServer, type TLSSocket } from 'node:tls';
import type { ListenerSecurity } from './listener-security.js';
import { AlertWriter, alertFor } from './tls-alert.js';

const TLS_HANDSHAKE_RECORD = 0x16;

/** A readable that first replays `head`, already read from `raw`, then carries on with `raw`; `written` sees what goes out. */
function replay(raw: Socket, head: Buffer, written: (chunk: Buffer) => void): Duplex {
  const stream = new Duplex({
    read: () => void raw.resume(),
    write: (chunk: Buffer, _encoding, callback) => {
      written(chunk);
      raw.write(chunk, callback);
    },
    final: (callback) => {
      raw.end();
      callback();
    },
    destroy: (error, callback) => {
      raw.destroy();
      callback(error);
    },
  });
  stream.push(head);
  raw.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) raw.pause();
  });
  raw.on('end', () => stream.push(null));
  raw.on('close', () => stream.destroy());
  return stream;
}

/** Ends a connection whose client certificate the listener does not accept, with OpenSSL's alert (tls-alert.ts). */
function refuse(raw: Socket, socket: TLSSocket, alerts: AlertWriter): void {
  const description = alertFor(socket.getPeerX509Certificate() === undefined ? undefined : String(socket.authorizationError));
  // The session tickets the server wrote in the same turn are on their way first.
  setImmediate(() => {
    const record = alerts.alert(description, socket.getCipher().standardName);
    if (record === undefined) raw.destroy();
    else raw.write(record, () => raw.destroy());
  });
}

function handshake(raw: Socket, head: Buffer, security: ListenerSecurity, ready: (socket: TLSSocket) => void): void {
  const alerts = new AlertWriter();
  const stream = replay(raw, head, (chunk) => alerts.outgoing(chunk));
  // One tls.Server per connection: its 'secureConnection' is then this socket's. Node checks the
  // client certificate after the handshake; a missing or unverified one is refused here.
  const server = createServer({ ...security.context, requestCert: security.verifyPeer, rejectUnauthorized: false });
  server.on('keylog', (line: Buffer) => alerts.keylog(line));
  server.once('secureConnection', (socket: TLSSocket) => {
    socket.once('close', () => raw.destroy());
    if (security.verifyPeer && !socket.authorized) refuse(raw, socket, alerts);
    else ready(socket);
  });
  server.once('tlsClientError', () => raw.destroy());
  server.emit('connection', stream);
  stream.once('close', () => raw.destroy());
}

/**
 * Runs the TLS layer of a secured listener on a freshly accepted socket. `ready` gets the stream
 * AMQP runs over: the TLS socket, or `raw` itself for a plain connection the listener allows.
 */
export function secureSocket(raw: Socket, security: ListenerSecurity, ready: (stream: Duplex, tls: TLSSocket | undefined) => void): void {
  raw.once('data', (head: Buffer) => {
    raw.pause();
    if (head[0] === TLS_HANDSHAKE_RECORD) {
      handshake(raw, head, security, (socket) => ready(socket, socket));
      return;
    }
    raw.unshift(head);
    ready(raw, undefined);
    raw.resume();
  });
}
