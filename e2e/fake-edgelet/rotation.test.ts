/**
 * The pot-mode pipeline as the controller runs it, minus the router: config from the (fake)
 * Edgelet, TLS material from a watched directory, ordinals, held-back entities, and the plan
 * against what a router booted from the previous state reports.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeletSource, EdgeletV1Client } from '../../controller/sources/edgelet/index.js';
import { SslProfileDirectory } from '../../controller/tls/ssl-profile-dir.js';
import { plan } from '../../reconcilers/plan.js';
import type { ActualState } from '../../reconcilers/plan-types.js';
import { reportedState } from '../../reconcilers/reported-state.js';
import {
  nextOrdinals,
  profileHashes,
  resolveSslProfiles,
  routerOrdinals,
  type OrdinalRecord,
  type SslProfileOptions,
} from '../../reconcilers/ssl-profiles.js';
import { loadConfigOrThrow } from '../../schemas/config/index.js';
import { FakeEdgelet } from './fake-edgelet.js';
import { memoryLog, waitFor } from './test-support.js';

const pem = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const FILES = { 'ca.crt': pem('ca.crt'), 'tls.crt': pem('server.crt'), 'tls.key': pem('server.key') };
const CONF = '/etc/skupper-router-certs';
const profile = (name: string) => ({ name, caCertFile: `${CONF}/${name}/ca.crt`, certFile: `${CONF}/${name}/tls.crt`, privateKeyFile: `${CONF}/${name}/tls.key` });
const POT_CONFIG = {
  metadata: { id: 'edge-1', mode: 'edge' },
  sslProfiles: { site: profile('site'), local: profile('local') },
  listeners: { amqps: { name: 'amqps', host: '0.0.0.0', port: 5671, sslProfile: 'local', authenticatePeer: true, saslMechanisms: 'EXTERNAL' } },
  connectors: { up: { name: 'up', role: 'edge', host: '203.0.113.10', port: '45671', sslProfile: 'site' } },
};

let generation = 0;
async function projectSecret(dir: string, files: Record<string, string>): Promise<void> {
  generation += 1;
  await mkdir(join(dir, `..v${generation}`), { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(dir, `..v${generation}`, file), content);
  await symlink(`..v${generation}`, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const file of Object.keys(files)) await symlink(join('..data', file), join(dir, file)).catch(() => undefined);
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('pot pipeline: Edgelet config + TLS directory', () => {
  it('a certificate rotated on disk yields a new ordinal for that profile only, as one live UPDATE', async () => {
    const fake = await FakeEdgelet.start({ config: POT_CONFIG });
    cleanup.push(() => fake.close());
    const certs = await mkdtemp(join(tmpdir(), 'pot-certs-'));
    cleanup.push(() => rm(certs, { recursive: true, force: true }));
    await projectSecret(join(certs, 'site'), FILES);
    await projectSecret(join(certs, 'local'), FILES);
    const { log } = memoryLog();
    const source = new EdgeletSource({ api: new EdgeletV1Client({ microserviceUid: fake.uuid, host: '127.0.0.1', port: fake.port, tokenDir: fake.tokenDir }), log, pollIntervalMs: 0 });
    cleanup.push(() => source.close());
    const dir = new SslProfileDirectory({ dir: certs, debounceMs: 50, log });
    cleanup.push(() => dir.close());
    const triggers: string[] = [];
    await dir.start((reason) => triggers.push(reason));

    const options: SslProfileOptions = { profileDir: certs, oldestValidOrdinal: 'keep' };
    let book: ReadonlyMap<string, OrdinalRecord> = new Map();
    /** One pass: read both inputs whole, compute the desired state, plan against the router. */
    const pass = async (actual: ActualState) => {
      const snapshot = await source.read();
      const desired = loadConfigOrThrow(snapshot.text, { file: snapshot.file }).state;
      const materials = await dir.scan();
      book = nextOrdinals(book, profileHashes(desired, materials, options), routerOrdinals(actual));
      const resolved = resolveSslProfiles(desired, materials, book, options);
      return { resolved, plan: plan(resolved.state, actual, { protectedNames: resolved.protectedNames }) };
    };

    const first = await pass({});
    expect(first.resolved.heldBack).toEqual([]);
    let router = reportedState(first.resolved.state);
    expect((await pass(router)).plan.operations).toEqual([]);

    await projectSecret(join(certs, 'site'), { ...FILES, 'ca.crt': pem('other-ca.crt') });
    await waitFor('the directory to report the rotation', () => triggers.length === 1);
    const rotated = await pass(router);
    expect(rotated.plan.operations.map((o) => [o.op, `${o.kind}/${o.name}`, o.attributes])).toEqual([['update', 'sslProfile/site', { ordinal: 1 }]]);
    router = reportedState(rotated.resolved.state);
    expect((await pass(router)).plan.operations).toEqual([]);

    // Missing files hold back the profile and its users, and the router keeps what it has.
    await rm(join(certs, 'local', '..data'));
    await waitFor('the directory to report the loss', () => triggers.length === 2);
    const broken = await pass(router);
    expect(broken.resolved.heldBack.map((h) => `${h.kind}/${h.name}`)).toEqual(['sslProfile/local', 'listener/amqps']);
    expect(broken.plan.operations).toEqual([]);
  });
});
