/**
 * The controller's HTTP surface:
 * - `/healthz` (liveness): the loop makes progress; 503 only when a pass is running and none of
 *   its steps completed for `LIVENESS_TIMEOUT_SECONDS` (see loop/liveness.ts), or when stopping;
 * - `/readyz` (readiness): the management connection is up and the last pass held the router to
 *   the last good state with nothing failed, refused, held back or rejected; a source that cannot
 *   be read does not make it unready (see `StatusStore.readiness`);
 * - `/metrics` (Prometheus) and `/status` (compact JSON, see status-json.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.js';
import { StatusJson } from './status-json.js';

export interface Probe {
  readonly ok: boolean;
  /** Why not, when not ok. */
  readonly reason?: string;
}

export interface HttpSources {
  health(): Probe;
  readiness(): Probe;
  status(): unknown;
  readonly metrics: Metrics;
}

export interface HttpServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHttpServer(sources: HttpSources, port: number, host = '0.0.0.0'): Promise<HttpServer> {
  const statusJson = new StatusJson();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const probe = (p: Probe) => send(p.ok ? 200 : 503, 'text/plain; charset=utf-8', p.ok ? 'ok\n' : `${p.reason ?? 'not ready'}\n`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    switch (path) {
      case '/healthz':
        return probe(sources.health());
      case '/readyz':
        return probe(sources.readiness());
      case '/status':
        return send(200, 'application/json', `${statusJson.text(sources.status())}\n`);
      case '/metrics':
        sources.metrics.registry.metrics().then(
          (text) => send(200, sources.metrics.registry.contentType, text),
          (error: unknown) => send(500, 'text/plain', `metrics failed: ${String(error)}\n`),
        );
        return undefined;
      default:
        return send(404, 'text/plain', 'not found: try /healthz, /readyz, /metrics or /status\n');
    }
  });
  // Probes and scrapes are small and quick: a slow or idle client must not hold sockets for long.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  server.maxConnections = 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
