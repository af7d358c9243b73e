/**
 * A burst of changes coalesces (issue 15): 200 atomic rewrites of the desired file in 10 s, with
 * the product's default debounce, end with the router equal to the last file, no entity of an
 * earlier version left behind, and cost a handful of passes and writes, not one pass per rewrite.
 * Against the suite's router target (simulator, SKROUTERD_BIN or a container engine); it observes
 * the router through a management client of its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeSkrouterdConfig } from '../../schemas/config/index.js';
import { ENTITY_FACTS, type DesiredEntity } from '../../schemas/index.js';
import { ControllerProcess, freePort } from '../harness/controller-process.js';
import { routerTarget } from '../harness/router-target.js';
import { recordTiming } from '../harness/timings.js';

const target = routerTarget();
const T = (kind: 'tcpConnector' | 'tcpListener' | 'address') => ENTITY_FACTS[kind].longType;
const REWRITES = 200;
const SPAN_MS = 10_000;

/** Version `v` of the file: fixed entities, plus a connector named after `v` and a port that moves. */
function version(v: number, listenPort: number): string {
  const entities: DesiredEntity[] = [
    { kind: 'router', name: 'burst', attributes: { id: 'burst', mode: 'edge' } },
    { kind: 'tcpListener', name: 'web', attributes: { host: '127.0.0.1', port: String(listenPort), address: 'web' } },
    { kind: 'tcpConnector', name: 'backend', attributes: { host: '127.0.0.1', port: String(20_000 + v), address: 'web' } },
    { kind: 'tcpConnector', name: `v-${v}`, attributes: { host: '127.0.0.1', port: '9000', address: `v-${v}` } },
    { kind: 'address', name: `a-${v % 7}`, attributes: { prefix: `burst/${v % 7}`, distribution: 'balanced' } },
  ];
  return writeSkrouterdConfig({ entities });
}

async function counter(c: ControllerProcess, name: string): Promise<number> {
  const lines = (await (await c.get('/metrics')).text()).split('\n').filter((l) => l.startsWith(name));
  return lines.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

let running: ControllerProcess | undefined;
afterEach(async () => {
  await running?.dispose();
  running = undefined;
});

describe(`a burst of changes against the ${target.kind}`, () => {
  it(`coalesces ${REWRITES} atomic rewrites in ${SPAN_MS / 1000} s: the router ends equal to the last file, for a few passes`, async () => {
    const port = await freePort();
    const first = version(0, port);
    // The product's default debounce (the harness shortens it for the other scenarios).
    const c = await ControllerProcess.start({ target, config: first, env: { DEBOUNCE_MS: '100' } });
    running = c;
    await c.waitConverged(c.revisionOf(first));
    const passesBefore = await counter(c, 'iofog_router_reconcile_total');
    const writesBefore = await counter(c, 'iofog_router_management_operations_total');

    const started = performance.now();
    let last = first;
    for (let v = 1; v <= REWRITES; v++) {
      last = version(v, port);
      await c.writeConfig(last);
      const due = started + (v * SPAN_MS) / REWRITES;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
    await c.waitConverged(c.revisionOf(last), 60_000);
    recordTiming(`burst: ${REWRITES} rewrites → converged on the last`, target.kind, performance.now() - started);

    const connectors = (await c.management.query(T('tcpConnector'), ['name', 'port'])).map((r) => `${String(r['name'])}:${String(r['port'])}`).sort();
    expect(connectors).toEqual([`backend:${20_000 + REWRITES}`, `v-${REWRITES}:9000`]);
    const addresses = (await c.management.query(T('address'), ['name'])).map((r) => String(r['name']));
    expect(addresses).toEqual([`a-${REWRITES % 7}`]);
    expect((await c.management.query(T('tcpListener'), ['name'])).map((r) => r['name'])).toEqual(['web']);

    const passes = (await counter(c, 'iofog_router_reconcile_total')) - passesBefore;
    const writes = (await counter(c, 'iofog_router_management_operations_total')) - writesBefore;
    console.log(`burst: ${REWRITES} rewrites in ${SPAN_MS / 1000} s → ${passes} passes, ${writes} management writes`);
    // One pass per rewrite would be 200 passes and about 1,000 writes (each version replaces the
    // backend, swaps the v- connector and an address). Coalescing leaves a leading pass, the
    // trailing one, the settle look and the 2 s safety poll: a few per second at most.
    expect(passes).toBeGreaterThanOrEqual(1);
    expect(passes).toBeLessThanOrEqual(REWRITES / 4);
    expect(writes).toBeLessThanOrEqual((REWRITES / 4) * 6);
  }, 120_000);
});
