/**
 * A `fetch` for ky on node:http/https. Node's global fetch cannot take a CA per request without
 * undici's Agent (not a dependency), and the Edgelet CA is re-read for every request, so requests
 * go through node:https with that CA. Connections are kept alive for {@link IDLE_MS} (the Edgelet
 * closes idle ones after 60 s, so ours close first): a `0x0C` refetch then costs a request, not a
 * TLS handshake (measured: most of the signal → GET answered time on a busy 2-core machine). The
 * pool is keyed by the TLS options, so a re-read CA that changed gets connections of its own.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';

export interface NodeFetchOptions {
  /** Trusted roots (PEM). Default: Node's bundled roots. */
  readonly ca?: readonly string[];
  /** Name the server certificate must carry, when dialling an address it does not name. */
  readonly serverName?: string;
  /** Largest response body accepted. */
  readonly maxBytes: number;
}

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** How long an idle connection to the Edgelet is kept for the next request. */
export const IDLE_MS = 30_000;

/**
 * One pool for the process (a `nodeFetch` is made per request). Idle pooled sockets are unref'd by
 * node: they never keep the process alive.
 */
const agents = { https: new HttpsAgent({ keepAlive: true, timeout: IDLE_MS }), http: new HttpAgent({ keepAlive: true, timeout: IDLE_MS }) };

export function nodeFetch(options: NodeFetchOptions): FetchFunction {
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const method = request.method.toUpperCase();
    const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.from(await request.arrayBuffer());
    const url = new URL(request.url);
    const headers: Record<string, string> = Object.fromEntries(request.headers.entries());
    if (body !== undefined) headers['content-length'] = String(body.length);
    const tlsOptions =
      url.protocol === 'https:'
        ? {
            minVersion: 'TLSv1.2' as const,
            ...(options.ca !== undefined ? { ca: [...options.ca] } : {}),
            ...(options.serverName !== undefined
              ? {
                  servername: options.serverName,
                  checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(options.serverName ?? _host, cert),
                }
              : {}),
          }
        : {};
    const [send, agent] = url.protocol === 'https:' ? [httpsRequest, agents.https] : [httpRequest, agents.http];
    const once = () =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = send(url, { method, headers, agent, signal: request.signal, ...tlsOptions }, resolve);
        req.on('error', (error: NodeJS.ErrnoException) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
        req.end(body);
      });
    // A kept-alive connection the server closed as we sent on it: once more, on a new connection.
    const response = await once().catch((error: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
      if (error.reusedSocket === true && (error.code === 'ECONNRESET' || error.code === 'EPIPE') && !request.signal.aborted) return once();
      throw error;
    });
    const payload = await readBody(response, options.maxBytes, url);
    const status = response.statusCode ?? 502;
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
      else if (value !== undefined) responseHeaders.set(name, value);
    }
    const nullBody = status === 204 || status === 205 || status === 304 || method === 'HEAD';
    return new Response(nullBody ? null : payload, { status: status < 200 ? 502 : status, headers: responseHeaders });
  };
}

/** The reply is bigger than `maxBytes`; what was received is dropped and the connection closed. */
export class ResponseTooLargeError extends Error {
  readonly url: string;
  /** The size the server announced (Content-Length), when it did. */
  readonly size: number | undefined;
  readonly limit: number;

  constructor(url: string, limit: number, size?: number) {
    super(size !== undefined ? `response from ${url} is ${size} bytes, larger than ${limit} bytes` : `response from ${url} is larger than ${limit} bytes`);
    this.url = url;
    this.limit = limit;
    this.size = size;
  }

  override get name(): string {
    return 'ResponseTooLargeError';
  }
}

function readBody(response: IncomingMessage, maxBytes: number, url: URL): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const where = `${url.origin}${url.pathname}`;
    // A reply that says it is too big is refused before any of its body is buffered.
    const announced = Number(response.headers['content-length']);
    if (Number.isSafeInteger(announced) && announced > maxBytes) {
      reject(new ResponseTooLargeError(where, maxBytes, announced));
      response.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Reject with the reason first: destroying the stream also emits 'aborted'.
        fail(new ResponseTooLargeError(where, maxBytes));
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    response.on('error', fail);
    response.on('aborted', () => fail(new Error('response aborted')));
  });
}
