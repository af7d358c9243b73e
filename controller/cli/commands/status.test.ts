import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeIo } from '../test-support/fake-io.js';
import { renderStatus, statusCommand, verdictOf, type StatusView } from './status.js';

/** A controller's HTTP surface serving one `/status` document (or an error code). */
async function serve(doc: unknown, code = 200): Promise<{ url: string; port: number; paths: string[] }> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(req.url === '/status' ? code : 404, { 'content-type': 'application/json' });
    res.end(req.url === '/status' ? JSON.stringify(doc) : 'not found');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, paths };
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const converged: StatusView = {
  source: { kind: 'kubernetes', location: '/etc/router/skrouterd.json', revision: 'r2', appliedRevision: 'r2', up: true, lastSuccessAt: '2026-12-01T00:00:00.000Z' },
  router: { url: 'amqps://127.0.0.1:55672', pid: 42, reachable: true },
  lastPass: { id: 7, result: 'converged', at: '2026-12-01T00:00:01.000Z', durationMs: 12, operations: 0, failed: 0 },
  entities: [
    { kind: 'listener', name: 'amqp', state: 'synced' },
    { kind: 'connector', name: 'uplink', state: 'synced' },
  ],
};

describe('iofog-router status', () => {
  it('exits 0 for a converged controller without the optional fields, reading HTTP_PORT for the default URL', async () => {
    const { port, paths } = await serve(converged);
    const f = fakeIo({}, { HTTP_PORT: String(port) });
    expect(await statusCommand([], f.io)).toBe(0);
    expect(paths).toEqual(['/status']);
    expect(f.out()).toMatch(/^STATE +converged$/m);
    expect(f.out()).toMatch(/^SOURCE +kubernetes \/etc\/router\/skrouterd\.json {2}up$/m);
    expect(f.out()).toContain('ENTITIES: 2, 2 synced');
    expect(f.out()).not.toContain('LINKS');
  });

  it('exits 1 and names the link that is down, with the router\'s message', async () => {
    const doc: StatusView = {
      ...converged,
      links: [
        { name: 'uplink', role: 'inter-router', target: '10.0.0.2:55671', up: false, since: '2026-12-01T00:00:00.000Z', connectionStatus: 'CONNECTING', message: 'Connection to 10.0.0.2:55671 failed: proton:io Connection refused' },
        { name: 'edge-up', role: 'edge', target: '10.0.0.3:45671', up: true, since: '2026-11-30T00:00:00.000Z', connectionStatus: 'SUCCESS' },
      ],
    };
    const { url } = await serve(doc);
    const f = fakeIo();
    expect(await statusCommand(['--url', url], f.io)).toBe(1);
    expect(f.out()).toContain('LINKS: 1 up, 1 down');
    expect(f.out()).toMatch(/^uplink +inter-router +10\.0\.0\.2:55671 +DOWN +2026-12-01T00:00:00\.000Z +Connection to 10\.0\.0\.2:55671 failed/m);
    expect(f.out()).toMatch(/^edge-up +edge .* up /m);
  });

  it('exits 1 when not converged, listing each entity not in sync, a rejected input and a pending restart', async () => {
    const doc: StatusView = {
      ...converged,
      lastPass: { id: 8, result: 'failed', at: '2026-12-01T00:01:00.000Z', durationMs: 30, operations: 2, failed: 1, error: '1 operation failed' },
      entities: [
        { kind: 'listener', name: 'amqp', state: 'synced' },
        { kind: 'tcpListener', name: 'web', state: 'failed', lastError: 'CREATE io.skupper.router.tcpListener \'web\' failed: 500 CError' },
        { kind: 'listener', name: 'secure', state: 'held', lastError: 'sslProfile site-tls: ca.crt is missing' },
      ],
      rejected: { revision: 'r3', errors: [{ file: 'skrouterd.json', path: '$[2][1].port', message: 'must be a port' }] },
      restartPending: { policy: 'never', changes: [{ kind: 'router', name: 'r1', attribute: 'mode' }] },
    };
    const { url } = await serve(doc);
    const f = fakeIo();
    expect(await statusCommand(['--url', url], f.io)).toBe(1);
    const out = f.out();
    expect(out).toMatch(/^STATE +NOT CONVERGED: last pass failed: 1 operation failed; 2 of 3 entities not synced; input rejected \(revision r3, 1 errors\).*; restart pending \(policy never\)$/m);
    expect(out).toMatch(/^tcpListener +web +failed +CREATE .*500 CError$/m);
    expect(out).toMatch(/^listener +secure +held +sslProfile site-tls: ca\.crt is missing$/m);
    expect(out).toContain("skrouterd.json $[2][1].port: must be a port");
    expect(out).toContain('RESTART PENDING (policy never): router/r1.mode');
    expect(out).not.toMatch(/^listener +amqp/m);
  });

  it('shows the source down, certificates expiring within 30 days and the history; --json carries the verdict', async () => {
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const later = new Date(Date.now() + 300 * 86_400_000).toISOString();
    const doc: StatusView = {
      ...converged,
      source: { kind: 'pot', location: 'https://edgelet:54321/v1', revision: 'r9', appliedRevision: 'r9', up: false, since: '2026-12-01T00:05:00.000Z', consecutiveFailures: 4, error: 'connect ECONNREFUSED', lastSuccessAt: '2026-12-01T00:04:00.000Z', lastSignalAt: '2026-12-01T00:03:00.000Z' },
      certificates: [
        { profile: 'site-tls', file: 'tls.crt', subject: 'CN=site', notAfter: soon, issues: [] },
        { profile: 'site-tls', file: 'ca.crt', subject: 'CN=ca', notAfter: later, issues: [] },
      ],
      history: [{ revision: 'r9', at: '2026-12-01T00:00:00.000Z', source: 'https://edgelet:54321/v1', operations: 3, outcome: 'converged' }],
    };
    const { url } = await serve(doc);
    const f = fakeIo();
    expect(await statusCommand(['--url', url, '--history'], f.io)).toBe(0);
    const out = f.out();
    expect(out).toContain('DOWN since 2026-12-01T00:05:00.000Z (4 failures): connect ECONNREFUSED');
    expect(out).toContain('last fetch 2026-12-01T00:04:00.000Z, last signal 2026-12-01T00:03:00.000Z');
    expect(out).toContain('CERTIFICATES: 2, 1 expiring within 30 days or with an issue:');
    expect(out).toMatch(/^site-tls +tls\.crt +\S+ +(9|10)$/m);
    expect(out).not.toMatch(/^site-tls +ca\.crt/m);
    expect(out).toMatch(/^2026-12-01T00:00:00\.000Z +https:\/\/edgelet:54321\/v1 +3 +converged +r9$/m);

    const j = fakeIo();
    expect(await statusCommand(['--url', url, '--json'], j.io)).toBe(0);
    const parsed = JSON.parse(j.out()) as { converged: boolean; linksDown: string[]; status: StatusView };
    expect(parsed.converged).toBe(true);
    expect(parsed.status.source?.error).toBe('connect ECONNREFUSED');
  });

  it('exits 69 when nothing answers or the answer is no status document, 64 on bad usage, 78 on a bad HTTP_PORT', async () => {
    const { url, port } = await serve({ hello: 'world' });
    const wrong = fakeIo();
    expect(await statusCommand(['--url', url], wrong.io)).toBe(69);
    expect(wrong.err()).toContain('did not answer with a status document');

    await new Promise((resolve) => servers.pop()?.close(resolve));
    const gone = fakeIo();
    expect(await statusCommand(['--url', `http://127.0.0.1:${port}`], gone.io)).toBe(69);
    expect(gone.err()).toMatch(/cannot read http:\/\/127\.0\.0\.1:\d+\/status: .*ECONNREFUSED/);

    const failing = await serve(converged, 503);
    const unavailable = fakeIo();
    expect(await statusCommand(['--url', failing.url], unavailable.io)).toBe(69);
    expect(unavailable.err()).toContain('HTTP 503');

    expect(await statusCommand(['--frobnicate'], fakeIo().io)).toBe(64);
    expect(await statusCommand(['--url', 'localhost:9191'], fakeIo().io)).toBe(64);
    expect(await statusCommand([], fakeIo({}, { HTTP_PORT: '0' }).io)).toBe(64);
    const bad = fakeIo({}, { HTTP_PORT: 'ninety' });
    expect(await statusCommand([], bad.io)).toBe(78);
    expect(bad.err()).toContain('HTTP_PORT');
  });

  it('judges a router that cannot be reached, or no pass yet, as not converged', () => {
    expect(verdictOf({ router: { reachable: false, lastError: 'ECONNREFUSED' }, entities: [] }).reasons).toEqual(['router not reachable: ECONNREFUSED', 'no pass has run yet']);
    expect(renderStatus('http://x', { ...converged, history: [] }, { history: true, now: new Date() })).toContain('HISTORY (newest first):');
    expect(renderStatus('http://x', converged, { history: true, now: new Date() })).toContain('HISTORY: not reported by this controller');
  });
});
