/**
 * The CLI's `run` in pot mode: the desired state comes from a (fake) Edgelet LocalAPI v1 over
 * HTTPS with a control websocket, TLS material from a watched SSL_PROFILE_PATH, against the
 * router target of the suite (simulator, SKROUTERD_BIN or a container engine).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeEdgelet } from '../fake-edgelet/fake-edgelet.js';
import { projectFiles } from '../fake-edgelet/token-files.js';
import { ControllerProcess, freePort, waitFor } from '../harness/controller-process.js';
import { routerTarget } from '../harness/router-target.js';
import { recordTiming } from '../harness/timings.js';

const target = routerTarget();
const T = (type: string) => `io.skupper.router.${type}`;
const pem = (name: string) => readFileSync(new URL(`../fake-edgelet/fixtures/${name}`, import.meta.url), 'utf8');
const TLS_FILES = { 'ca.crt': pem('ca.crt'), 'tls.crt': pem('server.crt'), 'tls.key': pem('server.key') };

interface PotConfig {
  metadata: { id: string; mode: string };
  sslProfiles: Record<string, Record<string, string>>;
  bridges: { tcpListeners: Record<string, Record<string, string>> };
  connectors: Record<string, Record<string, string>>;
}

function potConfig(certs: string, listenPort: number, extra: Record<string, Record<string, string>> = {}): PotConfig {
  return {
    metadata: { id: 'pot-edge', mode: 'edge' },
    sslProfiles: { site: { name: 'site', caCertFile: `${certs}/site/ca.crt`, certFile: `${certs}/site/tls.crt`, privateKeyFile: `${certs}/site/tls.key` } },
    bridges: { tcpListeners: { web: { name: 'web', host: '127.0.0.1', port: String(listenPort), address: 'web' }, ...extra } },
    connectors: { up: { name: 'up', role: 'edge', host: '127.0.0.1', port: '45671', sslProfile: 'site' } },
  };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function names(c: ControllerProcess, type: string): Promise<string[]> {
  return (await c.management.query(T(type), ['name'])).map((r) => String(r['name'])).sort();
}

/** A fake Edgelet serving `config`, a profile directory, and the controller in pot mode on them. */
async function potController(env: Readonly<Record<string, string>> = {}): Promise<{ c: ControllerProcess; fake: FakeEdgelet; certs: string; ports: number[] }> {
  const certs = await mkdtemp(join(tmpdir(), 'iofog-router-certs-'));
  cleanup.push(() => rm(certs, { recursive: true, force: true }));
  await projectFiles(join(certs, 'site'), TLS_FILES);
  const ports = [await freePort(), await freePort(), await freePort()];
  const fake = await FakeEdgelet.start({ config: potConfig(certs, ports[0] ?? 0) });
  cleanup.push(() => fake.close());
  const c = await ControllerProcess.start({
    target,
    config: '[]',
    env: {
      SKUPPER_PLATFORM: 'pot',
      ROUTER_BOOT_FILE: '',
      EDGELET_MICROSERVICE_UID: fake.uuid,
      EDGELET_HOST: '127.0.0.1',
      EDGELET_PORT: String(fake.port),
      EDGELET_TOKEN_DIR: fake.tokenDir,
      EDGELET_POLL_SECONDS: '2',
      SSL_PROFILE_PATH: certs,
      ...env,
    },
  });
  cleanup.push(() => c.dispose());
  await waitFor('the first converged pass', async () => ((await c.status()).lastPass?.result === 'converged' ? true : undefined)).catch(
    (error: unknown) => {
      console.error(c.logs.filter((l) => l["component"] !== "management").slice(0, 15).map((l) => JSON.stringify(l)).join('\n'), c.stderr.join('\n'));
      throw error;
    },
  );
  return { c, fake, certs, ports };
}

describe(`pot mode (Edgelet LocalAPI v1) against the ${target.kind}`, () => {
  it('boots from the Edgelet config, writes it to QDROUTERD_CONF, and converges on a 0x0C signal', async () => {
    const { c, fake, certs, ports } = await potController();
    expect(await names(c, 'tcpListener')).toEqual(['web']);
    expect(c.passes()[0]?.operations).toBe(0);
    const written = JSON.parse(await readFile(c.configFile, 'utf8')) as [string, Record<string, unknown>][];
    expect(written.filter(([type]) => type === 'tcpListener').map(([, a]) => a['name'])).toEqual(['web']);

    fake.setConfig(potConfig(certs, ports[0] ?? 0, { api: { name: 'api', host: '127.0.0.1', port: String(ports[1]), address: 'api' } }));
    const started = performance.now();
    expect(fake.signal(0x0c)).toBe(1);
    await waitFor('the api tcpListener', async () => ((await names(c, 'tcpListener')).includes('api') ? true : undefined));
    recordTiming('pot: 0x0C signal → converged', target.kind, performance.now() - started);
    expect(fake.stats.acks).toBeGreaterThanOrEqual(1);
  });

  it('catches a change made while the Edgelet was down, on reconnect, with a rotated token', async () => {
    const { c, fake, certs, ports } = await potController();
    await fake.down();
    fake.setConfig(potConfig(certs, ports[0] ?? 0, { late: { name: 'late', host: '127.0.0.1', port: String(ports[2]), address: 'late' } }));
    await fake.rotateToken();
    const started = performance.now();
    await fake.up();
    await waitFor('the change made while down', async () => ((await names(c, 'tcpListener')).includes('late') ? true : undefined), 60_000);
    recordTiming('pot: Edgelet down, changed, rotated token, back → converged', target.kind, performance.now() - started);
    const tokens = new Set(fake.stats.tokensSeen);
    expect(tokens.size, 'requests used both the old and the rotated token').toBeGreaterThanOrEqual(2);
  });

  it('rotates a certificate on disk as a live sslProfile UPDATE, without re-creating the connector', async () => {
    const { c, certs } = await potController();
    const identity = async () => (await c.management.query(T('connector'), ['name', 'identity'])).find((r) => r['name'] === 'up')?.['identity'];
    const before = await identity();
    expect(before).toBeDefined();
    const started = performance.now();
    await projectFiles(join(certs, 'site'), { ...TLS_FILES, 'ca.crt': pem('other-ca.crt') });
    const ordinal = await waitFor('ordinal 1 on sslProfile site', async () => {
      const row = (await c.management.query(T('sslProfile'), ['name', 'ordinal'])).find((r) => r['name'] === 'site');
      return Number(row?.['ordinal']) === 1 ? 1 : undefined;
    });
    recordTiming('pot: certificate rotated on disk → sslProfile ordinal raised', target.kind, performance.now() - started);
    expect(ordinal).toBe(1);
    expect(await identity()).toBe(before);
    const metrics = await (await c.get('/metrics')).text();
    expect(metrics).not.toMatch(/op="(create|delete)"/);
    expect(metrics).toMatch(/iofog_router_management_operations_total\{type="sslProfile",op="update",result="success"\} 1/);
  });

  it('costs one config GET per 0x0C signal, and two at start-up', async () => {
    const { c, fake, certs, ports } = await potController({ EDGELET_POLL_SECONDS: '0' });
    // Start-up: the read before the router boots, and the refetch once the control socket is open.
    await waitFor('the control socket', () => (fake.stats.controlOpens === 1 ? true : undefined));
    await settle(c);
    expect(fake.stats.configRequests).toBe(2);
    const before = fake.stats.configRequests;
    fake.setConfig(potConfig(certs, ports[0] ?? 0, { api: { name: 'api', host: '127.0.0.1', port: String(ports[1]), address: 'api' } }));
    expect(fake.signal(0x0c)).toBe(1);
    await waitFor('the api tcpListener', async () => ((await names(c, 'tcpListener')).includes('api') ? true : undefined));
    await settle(c);
    expect(fake.stats.configRequests - before).toBe(1);
    expect((await c.status()).source.lastSignalAt).toBeDefined();
  });

  it('rejects an Edgelet config of any wrong JSON type like any invalid input: /readyz 503, /status names it, the router keeps the last good state', async () => {
    const { c, fake } = await potController();
    const good = await names(c, 'tcpListener');
    for (const [stored, message] of [['42', /not a number/], ['true', /not a boolean/], ['null', /is null/]] as const) {
      fake.setConfig(stored);
      fake.signal(0x0c);
      const rejected = await waitFor(`config ${stored} rejected`, async () => {
        const s = await c.status();
        return s.rejected?.errors.some((e) => message.test(e.message)) && s.lastPass?.result === 'rejected' ? s : undefined;
      });
      expect(rejected.source.up).toBe(true);
      const ready = await c.get('/readyz');
      expect(ready.status).toBe(503);
      expect(await names(c, 'tcpListener')).toEqual(good);
    }
  });

  it('reports Edgelet failures in /status and metrics; with the Edgelet down the router keeps the last good state and stays ready', async () => {
    const { c, fake } = await potController();
    fake.queueReply(500, { success: false, error: { code: 'INTERNAL', message: 'database is locked' } });
    fake.queueReply(500, { success: false, error: { code: 'INTERNAL', message: 'database is locked' } });
    fake.signal(0x0c);
    const failing = await waitFor('the 500 in /status', async () => {
      const s = await c.status();
      return s.source.up === false && /500 INTERNAL: database is locked/.test(s.source.error ?? '') ? s : undefined;
    });
    expect(failing.source.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(Date.parse(failing.source.since ?? '')).not.toBeNaN();
    // Retried with backoff until it succeeds.
    await waitFor('the source back up', async () => ((await c.status()).source.up === true ? true : undefined));
    expect((await c.status()).source.lastSuccessAt).toBeDefined();

    const good = await names(c, 'tcpListener');
    await fake.down();
    await waitFor('the Edgelet reported down', async () => ((await c.status()).source.up === false ? true : undefined));
    expect((await c.get('/readyz')).status).toBe(200);
    expect((await c.status()).lastPass?.result).toBe('converged');
    const metrics = await (await c.get('/metrics')).text();
    expect(metrics).toMatch(/^iofog_router_source_up 0$/m);
    expect(metrics).toMatch(/^iofog_router_source_errors_total\{reason="http"\} [1-9]/m);
    expect(metrics).toMatch(/^iofog_router_source_errors_total\{reason="unreachable"\} [1-9]/m);
    expect(await names(c, 'tcpListener')).toEqual(good);
    await fake.up();
    await waitFor('the Edgelet back up', async () => ((await c.status()).source.up === true ? true : undefined), 60_000);
  });
});

/** Waits until no pass has run for a while (start-up and change passes are over). */
async function settle(c: ControllerProcess): Promise<void> {
  let last = -1;
  for (let quiet = 0; quiet < 5; ) {
    const id = (await c.status()).lastPass?.id ?? 0;
    quiet = id === last ? quiet + 1 : 0;
    last = id;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
