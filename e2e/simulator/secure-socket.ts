/**
 * The TLS layer of a secured listener: every accepted socket either completes a TLS handshake
 * (with a client certificate signed by the profile's CA when the listener verifies peers) or is
 * dropped, as proton drops it. With `requireSsl` false the port also takes plain AMQP, like
 * skrouterd (`pn_ssl_domain_allow_unsecured_client`): the first byte decides, 0x16 being a TLS
 * handshake record (a ClientHello) and `A` the start of an AMQP protocol header.
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createServer, type TLSSocket } from 'node:tls';
import type { ListenerSecurity } from './listener-security.js';

const TLS_HANDSHAKE_RECORD = 0x16;

/** A readable that first replays `head`, already read from `raw`, then carries on with `raw`. */
function replay(raw: Socket, head: Buffer): Duplex {
  const stream = new Duplex({
    read: () => void raw.resume(),
    write: (chunk: Buffer, _encoding, callback) => void raw.write(chunk, callback),
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

function handshake(raw: Socket, stream: Duplex, security: ListenerSecurity, ready: (socket: TLSSocket) => void): void {
  // One tls.Server per connection: its 'secureConnection' is then this socket's, and Node's own
  // server code does the certificate checks (a verification failure destroys the socket).
  const server = createServer({ ...security.context, requestCert: security.verifyPeer, rejectUnauthorized: security.verifyPeer });
  server.once('secureConnection', (socket: TLSSocket) => {
    socket.once('close', () => raw.destroy());
    ready(socket);
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
  if (security.requireSsl) {
    handshake(raw, raw, security, (socket) => ready(socket, socket));
    return;
  }
  raw.once('data', (head: Buffer) => {
    raw.pause();
    if (head[0] === TLS_HANDSHAKE_RECORD) {
      handshake(raw, replay(raw, head), security, (socket) => ready(socket, socket));
      return;
    }
    raw.unshift(head);
    ready(raw, undefined);
    raw.resume();
  });
}
