import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from './metrics.js';
import { startHttpServer, type HttpServer, type Probe } from './server.js';

describe('HTTP server', () => {
  let server: HttpServer | undefined;
  afterEach(async () => server?.close());

  it('answers probes with 200 or 503 and the reason, serves status JSON and metrics', async () => {
    const metrics = new Metrics({ processMetrics: false });
    let ready: Probe = { ok: false, reason: 'router unreachable: connection refused' };
    server = await startHttpServer(
      { health: () => ({ ok: true }), readiness: () => ready, status: () => ({ restartPending: false }), metrics },
      0,
      '127.0.0.1',
    );
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain('router unreachable');
    ready = { ok: true };
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}/status`)).json()).toEqual({ restartPending: false });
    metrics.passes.inc({ result: 'success' });
    metrics.setDesired({ listener: 2 });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('iofog_router_reconcile_total{result="success"} 1');
    expect(text).toContain('iofog_router_desired_entities{type="listener"} 2');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
