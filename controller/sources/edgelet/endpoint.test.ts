/** The reply size limit of the agent API endpoint: derived from CONFIG_MAX_BYTES, enforced before buffering. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BYTES } from '../../../schemas/config/index.js';
import { ENVELOPE_ALLOWANCE_BYTES, Endpoint, replyLimitFor } from './endpoint.js';
import { EdgeletError } from './errors.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A plain HTTP server answering every request with `size` bytes, announced (Content-Length) or chunked. */
async function serve(size: number, mode: 'announced' | 'chunked'): Promise<{ port: number; sent: () => number }> {
  let sent = 0;
  server = createServer((_req, res) => {
    if (mode === 'announced') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(size) });
      sent += size;
      res.end(Buffer.alloc(size, 0x20));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = 16 * 1024;
    let left = size;
    const write = () => {
      while (left > 0) {
        const n = Math.min(chunk, left);
        left -= n;
        sent += n;
        if (!res.write(Buffer.alloc(n, 0x20))) return void res.once('drain', write);
      }
      res.end();
    };
    res.on('error', () => undefined);
    write();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server?.address() as AddressInfo).port, sent: () => sent };
}

function endpoint(port: number, maxConfigBytes?: number): Endpoint {
  return new Endpoint({ hosts: ['127.0.0.1'], port, tls: false, requestTimeoutMs: 5_000, ...(maxConfigBytes !== undefined ? { maxConfigBytes } : {}) });
}

describe('Endpoint reply limit', () => {
  it('is twice the config limit plus 64 KiB: 8 MiB + 64 KiB by default', () => {
    expect(ENVELOPE_ALLOWANCE_BYTES).toBe(65_536);
    expect(replyLimitFor(DEFAULT_MAX_BYTES)).toBe(8_454_144);
    expect(replyLimitFor(1024)).toBe(67_584);
  });

  it.each(['announced', 'chunked'] as const)('reads a reply of exactly the limit and refuses one byte more (%s), naming the URL, the limit and CONFIG_MAX_BYTES', async (mode) => {
    const limit = replyLimitFor(1024);
    const at = await serve(limit, mode);
    const reply = await endpoint(at.port, 1024).request({ method: 'GET', path: '/config' });
    expect(reply.text.length).toBe(limit);
    await new Promise<void>((resolve) => server?.close(() => resolve()));

    const over = await serve(limit + 1, mode);
    const error = await endpoint(over.port, 1024)
      .request({ method: 'GET', path: '/config' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EdgeletError);
    const e = error as EdgeletError;
    expect(e.kind).toBe('too-large');
    expect(e.terminal).toBe(true);
    const size = mode === 'announced' ? `${limit + 1} bytes, more than` : 'more than';
    expect(e.message).toBe(
      `edgelet: the reply from http://127.0.0.1:${over.port}/config is ${size} the limit of 67584 bytes (2 × CONFIG_MAX_BYTES 1024 + 64 KiB for the envelope); refused without reading it all`,
    );
  });

  it('stops reading a chunked reply at the limit instead of buffering all of it (64 MiB on offer)', async () => {
    const huge = await serve(64 * 1024 * 1024, 'chunked');
    await expect(endpoint(huge.port, 1024).request({ method: 'GET', path: '/config' })).rejects.toThrow('is more than the limit of 67584 bytes');
    // Only about the limit was taken from the socket, not the 64 MiB on offer.
    expect(huge.sent()).toBeLessThan(32 * 1024 * 1024);
  });
});
