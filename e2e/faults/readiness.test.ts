/**
 * Attach mode with an invalid desired file and a router that answers: `/status` and `/readyz`
 * must say the router is reachable (the management connection is up) and name the input as the
 * problem, and follow the connection when the router goes away. Runs the built CLI
 * (`npx tsc -p tsconfig.build.json`) against an in-process simulator, as against any router.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { ControllerProcess, waitFor } from '../harness/controller-process.js';
import { routerTarget } from '../harness/router-target.js';

let c: ControllerProcess | undefined;
let sim: Simulator | undefined;
afterEach(async () => {
  await c?.dispose();
  await sim?.close();
  c = undefined;
  sim = undefined;
});

describe('readiness in attach mode with an invalid desired file', () => {
  it('reports the router reachable from the connection, and the input as the reason', async () => {
    const router = (sim = await startSimulator({ port: 0, latency: false }));
    const proc = (c = await ControllerProcess.start({ target: routerTarget(), config: '[["tcpListener", {"name": "x", "port": "70000"}', env: { ROUTER_URL: router.url } }));
    // The first pass may be rejected before the connection is up; once it is, /status says so
    // (before, a pass stopped by the input left `reachable: false` for good).
    const status = await waitFor('the invalid input reported with the router reachable', async () => {
      const s = await proc.status();
      return s.rejected !== undefined && s.lastPass !== undefined && s.router.reachable ? s : undefined;
    });
    expect(status.router.lastError).toBeUndefined();
    const ready = await proc.get('/readyz');
    expect(ready.status).toBe(503);
    const reason = await ready.text();
    expect(reason).not.toContain('not reachable');
    expect(reason).toContain('invalid');

    await router.close();
    sim = undefined;
    const down = await waitFor('the lost connection reported', async () => {
      const s = await proc.status();
      return s.router.reachable ? undefined : s;
    });
    expect(down.router.lastError).toBeDefined();
    expect(await (await proc.get('/readyz')).text()).toContain('router not reachable');
  });
});
