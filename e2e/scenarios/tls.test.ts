/**
 * A TLS connection stays open while its listener's certificate is rotated on disk. This needs
 * a router that terminates TLS the way skrouterd does (SKROUTERD_BIN or a container engine). The
 * simulator serves TLS listeners but does not reload a listener's certificates when its sslProfile
 * is updated (its ordinal), so the scenario is skipped there and says why.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create_container, type Connection } from 'rhea';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSkrouterdConfig } from '../../schemas/config/index.js';
import { projectFiles } from '../fake-edgelet/token-files.js';
import { ControllerProcess, freePort, waitFor } from '../harness/controller-process.js';
import { routerTarget } from '../harness/router-target.js';
import { recordTiming } from '../harness/timings.js';

const target = routerTarget();
const pem = (name: string) => readFileSync(new URL(`../fake-edgelet/fixtures/${name}`, import.meta.url), 'utf8');
const TLS_FILES = { 'ca.crt': pem('ca.crt'), 'tls.crt': pem('server.crt'), 'tls.key': pem('server.key') };

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function connect(port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const connection = create_container().connect({
      host: '127.0.0.1',
      port,
      transport: 'tls',
      ca: [pem('ca.crt')],
      servername: 'localhost',
      reconnect: false,
    });
    connection.once('connection_open', () => resolve(connection));
    connection.once('connection_error', () => reject(new Error('connection refused by the router')));
    connection.once('disconnected', (context) => {
      const error: unknown = context.error;
      reject(error instanceof Error ? error : new Error('disconnected'));
    });
  });
}

describe.skipIf(target.kind === 'simulator')(`TLS across a certificate rotation against the ${target.kind}`, () => {
  it('keeps an open TLS connection while the listener certificate rotates, and new connections still succeed', async () => {
    const certs = await mkdtemp(join(tmpdir(), 'iofog-router-tls-'));
    cleanup.push(() => rm(certs, { recursive: true, force: true }));
    await projectFiles(join(certs, 'srv'), TLS_FILES);
    const port = await freePort();
    const config = writeSkrouterdConfig({
      entities: [
        { kind: 'router', name: 'tls-edge', attributes: { id: 'tls-edge', mode: 'edge' } },
        {
          kind: 'sslProfile',
          name: 'srv',
          attributes: { caCertFile: join(certs, 'srv/ca.crt'), certFile: join(certs, 'srv/tls.crt'), privateKeyFile: join(certs, 'srv/tls.key') },
        },
        {
          kind: 'listener',
          name: 'amqps',
          attributes: { host: '127.0.0.1', port: String(port), role: 'normal', sslProfile: 'srv', requireSsl: true, saslMechanisms: 'ANONYMOUS', authenticatePeer: false },
        },
      ],
    });
    const c = await ControllerProcess.start({ target, config, env: { SSL_PROFILE_PATH: certs } });
    cleanup.push(() => c.dispose());
    await c.waitConverged(c.revisionOf(config));

    const open = await connect(port);
    let dropped = false;
    open.on('disconnected', () => {
      dropped = true;
    });
    const started = performance.now();
    // Same server key and certificate, a CA bundle that now trusts a second CA: new content, new ordinal.
    await projectFiles(join(certs, 'srv'), { ...TLS_FILES, 'ca.crt': `${pem('ca.crt')}${pem('other-ca.crt')}` });
    await waitFor('ordinal 1 on the listener profile', async () => {
      const row = (await c.management.query('io.skupper.router.sslProfile', ['name', 'ordinal'])).find((r) => r['name'] === 'srv');
      return Number(row?.['ordinal']) === 1 ? true : undefined;
    });
    recordTiming('certificate rotation with an open TLS connection', target.kind, performance.now() - started);
    const fresh = await connect(port);
    expect(dropped).toBe(false);
    expect(open.is_open()).toBe(true);
    fresh.close();
    open.close();
  });
});

describe.runIf(target.kind === 'simulator')('TLS across a certificate rotation', () => {
  it.skip('needs a router that reloads TLS certificates on rotation: set SKROUTERD_BIN or provide a container engine', () => undefined);
});
