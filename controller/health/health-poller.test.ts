import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Registry } from '../http/prometheus.js';
import { ManagementClient } from '../management/index.js';
import { startPeer, type PeerReply, type PeerRequest, type TestPeer } from '../management/test-support/peer.js';
import { registerRouterHealthMetrics } from './health-metrics.js';
import { RouterHealthPoller, type PollTimers } from './health-poller.js';
import { routerHealthStatus } from './health-status.js';

/**
 * The simulator's connectors never connect, so a link that goes up and then down is played by an
 * in-process management peer answering with rows shaped as a real 3.5.1 answers them
 * (skrouterd-3.5.1-operational-transcript.json; `SUCCESS` while connected, per the schema).
 */
interface Connector {
  name: string;
  role: string;
  connectionStatus: string;
  connectionMsg: string;
}

const REFUSED = 'Connection to 127.0.0.1:46753 failed: proton:io Connection refused - disconnected 127.0.0.1:46753';

class FakeRouter {
  connectors: Connector[] = [];
  failing = false;
  queries = 0;

  answer = (request: PeerRequest): PeerReply => {
    this.queries++;
    if (this.failing) return { statusCode: 500, statusDescription: 'Internal Server Error' };
    const type = String(request.applicationProperties['entityType']).replace('io.skupper.router.', '');
    const names = (request.body as { attributeNames: string[] }).attributeNames;
    const rows: Record<string, unknown>[] =
      type === 'routerMetrics'
        ? [{ uptimeSeconds: 42, connectionCount: 3, residentMemoryUsage: 27_639_808 }]
        : type === 'connector'
          ? this.connectors.map((c) => ({ ...c, host: '127.0.0.1', port: '46753' }))
          : [];
    return { statusCode: 200, statusDescription: 'OK', body: { attributeNames: names, results: rows.map((r) => names.map((n) => r[n] ?? null)) } };
  };
}

/** Timers a test fires by hand; the clock is the test's too. */
class ManualTimers implements PollTimers {
  pending: { callback: () => void; ms: number } | undefined;
  setTimeout(callback: () => void, ms: number): unknown {
    this.pending = { callback, ms };
    return this.pending;
  }
  clearTimeout(handle: unknown): void {
    if (handle === this.pending) this.pending = undefined;
  }
  /** Fires the pending timer and waits until the poller has scheduled its next one (or stopped). */
  async fire(poller: RouterHealthPoller): Promise<void> {
    const due = this.pending;
    this.pending = undefined;
    due?.callback();
    await vi.waitFor(() => expect(this.pending !== undefined || !poller.snapshot().polling).toBe(true));
  }
}

let peer: TestPeer;
let client: ManagementClient;
let router: FakeRouter;
let clock: number;
let timers: ManualTimers;
const pollers: RouterHealthPoller[] = [];

beforeEach(async () => {
  peer = await startPeer();
  router = new FakeRouter();
  peer.handler = router.answer;
  client = new ManagementClient({ url: peer.url, reconnectInitialDelayMs: 5, reconnectMaxDelayMs: 20 });
  clock = Date.parse('2026-12-01T00:00:00Z');
  timers = new ManualTimers();
});
afterEach(async () => {
  for (const p of pollers.splice(0)) p.close();
  await client.close();
  await peer.stop();
});

function poller(options: { busy?: () => boolean } = {}): RouterHealthPoller {
  const p = new RouterHealthPoller({ management: client, periodMs: 10_000, idlePeriods: 3, now: () => clock, timers, busyRetryMs: 250, ...options });
  pollers.push(p);
  return p;
}

describe('RouterHealthPoller', () => {
  it('flips a link to down within one reading when its peer goes away, and dates the change', async () => {
    router.connectors = [{ name: 'uplink', role: 'inter-router', connectionStatus: 'SUCCESS', connectionMsg: '' }];
    const p = poller();
    await p.pollNow();
    const first = routerHealthStatus(p.snapshot());
    expect(first.links).toEqual([{ name: 'uplink', role: 'inter-router', target: '127.0.0.1:46753', up: true, since: '2026-12-01T00:00:00.000Z', connectionStatus: 'SUCCESS' }]);
    expect(first.routerHealth.router).toEqual({ uptimeSeconds: 42, connectionCount: 3, residentMemoryBytes: 27_639_808 });

    clock += 10_000;
    await p.pollNow();
    expect(p.snapshot().connectors[0]?.since).toBe('2026-12-01T00:00:00.000Z');

    router.connectors = [{ name: 'uplink', role: 'inter-router', connectionStatus: 'CONNECTING', connectionMsg: REFUSED }];
    clock += 10_000;
    await p.pollNow();
    expect(routerHealthStatus(p.snapshot()).links).toEqual([
      { name: 'uplink', role: 'inter-router', target: '127.0.0.1:46753', up: false, since: '2026-12-01T00:00:20.000Z', connectionStatus: 'CONNECTING', message: REFUSED },
    ]);
  });

  it('lists only inter-router and edge connectors as links, every connector under routerHealth', async () => {
    router.connectors = [
      { name: 'a-broker', role: 'route-container', connectionStatus: 'SUCCESS', connectionMsg: '' },
      { name: 'b-edge', role: 'edge', connectionStatus: 'FAILED', connectionMsg: 'x' },
    ];
    const p = poller();
    await p.pollNow();
    const status = routerHealthStatus(p.snapshot());
    expect(status.links.map((l) => [l.name, l.up])).toEqual([['b-edge', false]]);
    expect(status.routerHealth.connectors.map((c) => [c.name, c.up])).toEqual([['a-broker', true], ['b-edge', false]]);
  });

  it('keeps the last reading and says why when a reading fails', async () => {
    router.connectors = [{ name: 'uplink', role: 'edge', connectionStatus: 'SUCCESS', connectionMsg: '' }];
    const errors: unknown[] = [];
    const p = new RouterHealthPoller({ management: client, onError: (e) => errors.push(e) });
    pollers.push(p);
    await p.pollNow();
    router.failing = true;
    await p.pollNow();
    expect(p.snapshot().error).toMatch(/QUERY .*500/);
    expect(p.snapshot().connectors[0]?.up).toBe(true);
    expect(errors).toHaveLength(1);
  });

  it('polls only while touched: starts at a touch, stops after idlePeriods periods without one', async () => {
    const p = poller();
    expect(timers.pending).toBeUndefined();
    p.touch();
    expect(p.snapshot().polling).toBe(true);
    expect(timers.pending?.ms).toBe(0);
    await timers.fire(p);
    expect(router.queries).toBe(4);
    expect(timers.pending?.ms).toBe(10_000);

    clock += 10_000;
    p.touch();
    await timers.fire(p);
    expect(router.queries).toBe(8);

    clock += 30_000;
    await timers.fire(p);
    expect(p.snapshot().polling).toBe(false);
    expect(timers.pending).toBeUndefined();
    expect(router.queries).toBe(8);

    p.touch();
    await timers.fire(p);
    expect(router.queries).toBe(12);
  });

  it('waits while a pass runs, for one period at most', async () => {
    let busy = true;
    const p = poller({ busy: () => busy });
    p.touch();
    await timers.fire(p);
    expect(router.queries).toBe(0);
    expect(timers.pending?.ms).toBe(250);
    busy = false;
    await timers.fire(p);
    expect(router.queries).toBe(4);

    busy = true;
    clock += 10_000;
    p.touch();
    await timers.fire(p);
    expect(router.queries).toBe(4);
    clock += 10_000;
    p.touch();
    await timers.fire(p);
    expect(router.queries).toBe(8);
  });

  it('exports link_up and the router figures, and a scrape keeps it polling', async () => {
    router.connectors = [{ name: 'uplink', role: 'inter-router', connectionStatus: 'SUCCESS', connectionMsg: '' }];
    const registry = new Registry();
    const p = poller();
    registerRouterHealthMetrics(registry, p);
    expect(await registry.metrics()).not.toMatch(/^iofog_router_link_up\{/m);
    expect(p.snapshot().polling).toBe(true);
    await timers.fire(p);
    let text = await registry.metrics();
    expect(text).toContain('iofog_router_link_up{name="uplink",role="inter-router"} 1');
    expect(text).toContain(`iofog_router_link_last_change_timestamp_seconds{name="uplink",role="inter-router"} ${clock / 1000}`);
    expect(text).toContain('iofog_router_router_resident_memory_bytes 27639808');
    expect(text).toContain('iofog_router_router_health_up 1');

    router.connectors = [{ name: 'uplink', role: 'inter-router', connectionStatus: 'CONNECTING', connectionMsg: REFUSED }];
    clock += 10_000;
    await timers.fire(p);
    text = await registry.metrics();
    expect(text).toContain('iofog_router_link_up{name="uplink",role="inter-router"} 0');
    expect(text).toContain('iofog_router_connector_up{name="uplink",role="inter-router"} 0');

    router.connectors = [];
    clock += 10_000;
    await timers.fire(p);
    expect(await registry.metrics()).not.toContain('name="uplink"');
  });
});
