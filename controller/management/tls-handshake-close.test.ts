import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManagementClient } from './client.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

describe('a TLS connection the peer drops during the handshake', () => {
  it('is reported as a lost connection and retried, never thrown', async () => {
    let accepted = 0;
    server = createServer((socket) => {
      accepted++;
      socket.destroy();
    });
    await new Promise<void>((listening) => server?.listen(0, '127.0.0.1', listening));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const client = new ManagementClient({ url: `amqps://127.0.0.1:${port}`, tls: { rejectUnauthorized: false }, reconnectInitialDelayMs: 10, reconnectMaxDelayMs: 20 });
    const lost: string[] = [];
    client.on('disconnected', (e) => lost.push(e.reason));
    try {
      for (let i = 0; i < 200 && (accepted < 3 || lost.length < 3); i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      await client.close();
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
    expect(accepted).toBeGreaterThanOrEqual(3);
    expect(lost.length).toBeGreaterThanOrEqual(3);
  });
});
