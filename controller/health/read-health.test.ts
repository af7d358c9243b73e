import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../e2e/simulator/index.js';
import { ManagementClient } from '../management/index.js';
import { HEALTH_QUERIES, readRouterHealth } from './read-health.js';

const SCHEMA = JSON.parse(readFileSync(new URL('../../e2e/reference/skrouterd-3.5.1-schema.json', import.meta.url), 'utf8')) as {
  entityTypes: Record<string, { attributes: Record<string, unknown> }>;
};

let sim: Simulator | undefined;
let client: ManagementClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
  client = sim = undefined;
});

async function start(entities: unknown[]): Promise<ManagementClient> {
  sim = await startSimulator({ boot: { text: JSON.stringify([['router', { id: 'r1', mode: 'interior' }], ...entities]) }, latency: false });
  client = new ManagementClient({ url: sim.url });
  return client;
}

describe('readRouterHealth', () => {
  it('asks each type only for attributes the recorded 3.5.1 schema has, and never routerMetrics.version or connector.operStatus', () => {
    for (const [type, names] of Object.entries(HEALTH_QUERIES)) {
      const declared = SCHEMA.entityTypes[type]?.attributes;
      expect(declared, type).toBeDefined();
      for (const name of names) expect(Object.keys(declared ?? {}), `${type}.${name}`).toContain(name);
    }
    expect(HEALTH_QUERIES.routerMetrics).not.toContain('version');
    expect(HEALTH_QUERIES.connector).not.toContain('operStatus');
    expect(Object.keys(SCHEMA.entityTypes['tcpConnector']?.attributes ?? {})).not.toContain('operStatus');
  });

  it('reports a connector to a closed port as CONNECTING with the refusal, and the router figures', async () => {
    const management = await start([
      ['connector', { name: 'uplink', host: '127.0.0.1', port: '9', role: 'inter-router' }],
      ['connector', { name: 'broker', host: '127.0.0.1', port: '10', role: 'route-container' }],
    ]);
    const reading = await readRouterHealth(management);
    expect(reading.connectors.map((c) => [c.name, c.role, c.target, c.connectionStatus])).toEqual([
      ['broker', 'route-container', '127.0.0.1:10', 'CONNECTING'],
      ['uplink', 'inter-router', '127.0.0.1:9', 'CONNECTING'],
    ]);
    expect(reading.connectors[1]?.connectionMsg).toBe('Connection to 127.0.0.1:9 failed: proton:io Connection refused - disconnected 127.0.0.1:9');
    expect(reading.router?.connectionCount).toBeGreaterThanOrEqual(1);
    expect(reading.router?.residentMemoryBytes).toBeGreaterThan(0);
    expect(reading.router?.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('reports a tcpListener down until a tcpConnector serves its address, and tcpConnector counters', async () => {
    const management = await start([['tcpListener', { name: 'in', host: '127.0.0.1', port: '0', address: 'svc' }]]);
    expect((await readRouterHealth(management)).tcpListeners).toEqual([{ name: 'in', address: 'svc', target: '127.0.0.1:0', operStatus: 'down', connectionMsg: '' }]);
    await management.create('io.skupper.router.tcpConnector', 'out', { host: '127.0.0.1', port: '9', address: 'svc' });
    const served = await readRouterHealth(management);
    expect(served.tcpListeners[0]?.operStatus).toBe('up');
    expect(served.tcpConnectors).toEqual([expect.objectContaining({ name: 'out', address: 'svc', target: '127.0.0.1:9' })]);
    await management.delete('io.skupper.router.tcpConnector', 'out');
    expect((await readRouterHealth(management)).tcpListeners[0]?.operStatus).toBe('down');
  });

  it('sends the QUERYs one at a time', async () => {
    const management = await start([]);
    let inFlight = 0;
    let most = 0;
    await readRouterHealth({
      query: async (type, names) => {
        most = Math.max(most, ++inFlight);
        try {
          return await management.query(type, names);
        } finally {
          inFlight--;
        }
      },
    });
    expect(most).toBe(1);
  });
});
