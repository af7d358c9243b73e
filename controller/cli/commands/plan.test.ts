import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeIo } from '../test-support/fake-io.js';
import { startSimulator } from '../../../e2e/simulator/index.js';
import { createManagementCredentials } from '../../tls/management-credentials.js';
import { planCommand } from './plan.js';
import { loadConfigOrThrow } from '../../../schemas/config/index.js';
import { planDocuments, type RouterDocument } from '../../../reconcilers/document.js';
import { applyDocumentPatch, maskDocument, type PatchOperation } from '../../../reconcilers/patch.js';
import { reportedState } from '../../../reconcilers/reported-state.js';


const config = (entries: unknown[]) => JSON.stringify(entries, null, 2);
const base = [
  ['router', { id: 'r1', mode: 'interior' }],
  ['sslProfile', { name: 'tls', caCertFile: '/c/ca.crt' }],
  ['listener', { name: 'amqp', port: 5672 }],
  ['connector', { name: 'up', host: 'peer', port: '55671', role: 'inter-router', sslProfile: 'tls', saslPassword: 'hunter2' }],
];
const changed = [
  ['router', { id: 'r1', mode: 'interior' }],
  ['sslProfile', { name: 'tls', caCertFile: '/c/ca.crt' }],
  ['listener', { name: 'amqp', port: '5673' }],
  ['connector', { name: 'up', host: 'peer', port: 55671, role: 'inter-router', sslProfile: 'tls', saslPassword: 'letmein' }],
  ['tcpConnector', { name: 'db', host: 'db', port: 5432, address: 'db' }],
];
const files = { 'a.json': config(base), 'b.json': config(changed), 'bad.json': '[["listener", {"name": "x", "port": "nope"}]]' };

describe('iofog-router plan', () => {
  it('exits 0 and says so when there is nothing to do', async () => {
    const f = fakeIo(files);
    expect(await planCommand(['--config', 'a.json', '--against', 'a.json'], f.io)).toBe(0);
    expect(f.out()).toBe('Nothing to do.\n');
  });

  it('exits 1 and prints the operations, each change as old → new, secrets masked', async () => {
    const f = fakeIo(files);
    expect(await planCommand(['--config', 'b.json', '--against', 'a.json'], f.io)).toBe(1);
    const text = f.out();
    expect(text).toMatch(/delete +listener +amqp +replace/);
    expect(text).toContain('port: "5672" → "5673"');
    expect(text).toMatch(/create +tcpConnector +db +missing/);
    expect(text).toContain('saslPassword: "******" → "******"');
    expect(text).not.toMatch(/hunter2|letmein/);
    expect(text).toContain('Plan: 3 to create, 0 to update, 2 to delete (2 replaced).');
  });

  it('prints the same plan as JSON with --json', async () => {
    const f = fakeIo(files);
    expect(await planCommand(['--config', 'b.json', '--against', 'a.json', '--json'], f.io)).toBe(1);
    const parsed = JSON.parse(f.out()) as { summary: string; operations: { id: string }[] };
    expect(parsed.operations.map((o) => o.id)).toEqual([
      'delete connector/up',
      'delete listener/amqp',
      'create tcpConnector/db',
      'create listener/amqp',
      'create connector/up',
    ]);
    expect(f.out()).not.toMatch(/hunter2|letmein/);
  });

  it('counts restart-only differences as changes', async () => {
    const f = fakeIo({ ...files, 'slow.json': config([['router', { id: 'r1', mode: 'interior', helloMaxAgeSeconds: '9' }], ...base.slice(1)]) });
    expect(await planCommand(['--config', 'slow.json', '--against', 'a.json'], f.io)).toBe(1);
    expect(f.out()).toContain(`router 'router' helloMaxAgeSeconds: 3 → 9`);
  });

  it('leaves protected and ignored names alone', async () => {
    const f = fakeIo(files);
    const code = await planCommand(['--config', 'b.json', '--against', 'a.json', '--protect', 'amqp', '--ignore', 'u*', '--json'], f.io);
    expect(code).toBe(1);
    const parsed = JSON.parse(f.out()) as { operations: { id: string }[]; warnings: { code: string }[] };
    expect(parsed.operations.map((o) => o.id)).toEqual(['create tcpConnector/db']);
    expect(parsed.warnings.map((w) => w.code)).toEqual(['untouchable', 'untouchable']);
  });

  it('exits 2 with the file and JSON path when a file is invalid or unreadable', async () => {
    const f = fakeIo(files);
    expect(await planCommand(['--config', 'bad.json', '--against', 'a.json'], f.io)).toBe(2);
    expect(f.err()).toMatch(/^bad\.json:1:\d+: error: \$\[0\]\[1\]\.port: /m);
    const g = fakeIo(files);
    expect(await planCommand(['--config', 'a.json', '--against', 'missing.json'], g.io)).toBe(2);
    expect(g.err()).toContain('missing.json: error: $: cannot read the file');
  });

  it('exits 64 on bad usage and prints usage on --help', async () => {
    const f = fakeIo(files);
    expect(await planCommand(['--config', 'a.json'], f.io)).toBe(64);
    expect(f.err()).toContain('give one of --against FILE2 and --router URL');
    expect(await planCommand(['--config', 'a.json', '--against', 'b.json', '--router', 'amqp://h:1'], fakeIo(files).io)).toBe(64);
    expect(await planCommand(['--config', 'a.json', '--router', 'http://h:1'], fakeIo(files).io)).toBe(64);
    expect(await planCommand(['--config', 'a.json', '--against', 'b.json', '--frob'], fakeIo(files).io)).toBe(64);
    expect(await planCommand(['a.json'], fakeIo(files).io)).toBe(64);
    const h = fakeIo(files);
    expect(await planCommand(['--help'], h.io)).toBe(0);
    expect(h.out()).toContain('Usage: iofog-router plan --config FILE (--against FILE2 | --router URL)');
    expect(h.out()).toContain('CONFIG_MAX_ENTITIES');
  });

  it('holds both files to CONFIG_MAX_BYTES and CONFIG_MAX_ENTITIES from the environment, naming the setting', async () => {
    // b.json is bigger (padded over the smallest CONFIG_MAX_BYTES, 1024) and has 5 entities, a.json 4.
    const padded = { ...files, 'b.json': files['b.json'] + ' '.repeat(1024) };
    const sizeA = Buffer.byteLength(padded['a.json']);
    const sizeB = Buffer.byteLength(padded['b.json']);
    expect(await planCommand(['--config', 'b.json', '--against', 'a.json'], fakeIo(padded, { CONFIG_MAX_BYTES: String(sizeB), CONFIG_MAX_ENTITIES: '5' }).io)).toBe(1);
    const bytes = fakeIo(padded, { CONFIG_MAX_BYTES: String(sizeB - 1) });
    expect(await planCommand(['--config', 'b.json', '--against', 'a.json'], bytes.io)).toBe(2);
    expect(bytes.err()).toContain(`b.json: error: $: the file is ${sizeB} bytes, more than the limit of ${sizeB - 1} (CONFIG_MAX_BYTES)`);
    expect(bytes.err()).not.toContain('a.json');
    expect(sizeA).toBeLessThan(sizeB);
    const entities = fakeIo(files, { CONFIG_MAX_ENTITIES: '4' });
    expect(await planCommand(['--config', 'a.json', '--against', 'b.json'], entities.io)).toBe(2);
    expect(entities.err()).toContain('b.json:1:1: error: $: 5 entities is more than the limit of 4 (CONFIG_MAX_ENTITIES)');
    const bad = fakeIo(files, { CONFIG_MAX_ENTITIES: '0' });
    expect(await planCommand(['--config', 'a.json', '--against', 'b.json'], bad.io)).toBe(78);
    expect(bad.err()).toContain('CONFIG_MAX_ENTITIES="0"');
  });
});

const examples = resolve(import.meta.dirname, '../../../e2e/reference/examples');

describe('iofog-router plan on the reference examples', () => {
  it.each(['edge', 'interior'])('a PoT config and the skrouterd file written from it plan nothing (%s)', async (which) => {
    const pot = `pot-${which}-router.json`;
    const skrouterd = `skrouterd-${which}-router.json`;
    const f = fakeIo({ [pot]: readFileSync(resolve(examples, pot), 'utf8'), [skrouterd]: readFileSync(resolve(examples, skrouterd), 'utf8') });
    const code = await planCommand(['--config', pot, '--against', skrouterd], f.io);
    expect(f.out()).toBe('Nothing to do.\n');
    expect(code).toBe(0);
  });

  describe('--router (dry run against a live router)', () => {
    it('plans against what the router reports, leaves the management listener alone and writes nothing', async () => {
      const boot = config([...base, ['listener', { name: 'iofog-router-management', host: '127.0.0.1', port: '55672' }]]);
      const sim = await startSimulator({ boot: { text: boot }, latency: false, port: 0 });
      try {
        sim.stats.reset();
        const f = fakeIo(files);
        expect(await planCommand(['--config', 'b.json', '--router', sim.url, '--json'], f.io)).toBe(1);
        const result = JSON.parse(f.out()) as { operations: { id: string }[] };
        expect(result.operations.map((o) => o.id)).toEqual([
          'delete connector/up',
          'delete listener/amqp',
          'create tcpConnector/db',
          'create listener/amqp',
          'create connector/up',
        ]);
        expect(Object.keys(sim.stats.requests)).toEqual(['QUERY']);
      } finally {
        await sim.close();
      }
    });

    it('reads a router that requires client certificates over amqps:// with ROUTER_TLS_CA/CERT/KEY', async () => {
      const pki = createManagementCredentials();
      const dir = mkdtempSync(join(tmpdir(), 'plan-tls-'));
      const env = { ROUTER_TLS_CA: join(dir, 'ca.pem'), ROUTER_TLS_CERT: join(dir, 'cert.pem'), ROUTER_TLS_KEY: join(dir, 'key.pem') };
      writeFileSync(env.ROUTER_TLS_CA, pki.caCertPem);
      writeFileSync(env.ROUTER_TLS_CERT, pki.clientCertPem);
      writeFileSync(env.ROUTER_TLS_KEY, pki.clientKeyPem);
      const sim = await startSimulator({ boot: { text: config(base) }, latency: false, tls: { cert: pki.routerCertPem, key: pki.routerKeyPem, ca: pki.caCertPem } });
      try {
        const f = fakeIo(files, env);
        expect(await planCommand(['--config', 'a.json', '--router', sim.url], f.io)).toBe(0);
        expect(f.out()).toBe('Nothing to do.\n');
        const noCert = fakeIo(files, { ROUTER_TLS_CA: env.ROUTER_TLS_CA });
        expect(await planCommand(['--config', 'a.json', '--router', sim.url], noCert.io)).toBe(69);
        expect(noCert.err()).toContain(`cannot read the router at ${sim.url}`);
        const keyless = fakeIo(files, { ROUTER_TLS_CERT: env.ROUTER_TLS_CERT });
        expect(await planCommand(['--config', 'a.json', '--router', sim.url], keyless.io)).toBe(69);
        expect(keyless.err()).toContain('ROUTER_TLS_KEY="": is required with ROUTER_TLS_CERT');
      } finally {
        await sim.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('exits 69 naming the router when it cannot be read', async () => {
      const f = fakeIo(files);
      expect(await planCommand(['--config', 'a.json', '--router', 'amqp://127.0.0.1:1'], f.io)).toBe(69);
      expect(f.err()).toContain('cannot read the router at amqp://127.0.0.1:1');
    });
  });
});

describe('iofog-router plan --format patch', () => {
  it('prints the RFC 6902 patch from the router to the desired state, secrets masked, and exits 1', async () => {
    const f = fakeIo(files);
    expect(await planCommand(['--config', 'b.json', '--against', 'a.json', '--format', 'patch'], f.io)).toBe(1);
    const patch = JSON.parse(f.out()) as PatchOperation[];
    expect(patch.map((op) => `${op.op} ${op.path}`).sort()).toEqual([
      'add /tcpConnector/db',
      'replace /connector/up/saslPassword',
      'replace /listener/amqp/port',
    ]);
    expect(patch).toContainEqual({ op: 'replace', path: '/listener/amqp/port', value: '5673' });
    expect(patch).toContainEqual({ op: 'replace', path: '/connector/up/saslPassword', value: '******' });
    expect(f.out()).not.toMatch(/hunter2|letmein/);
  });

  it('prints [] and exits 0 when there is nothing to do, and leaves protected and ignored names out', async () => {
    const f = fakeIo(files);
    expect(await planCommand(['--config', 'a.json', '--against', 'a.json', '--format', 'patch'], f.io)).toBe(0);
    expect(JSON.parse(f.out())).toEqual([]);
    const g = fakeIo(files);
    await planCommand(['--config', 'b.json', '--against', 'a.json', '--format', 'patch', '--protect', 'amqp', '--ignore', 'u*'], g.io);
    expect((JSON.parse(g.out()) as PatchOperation[]).map((op) => op.path)).toEqual(['/tcpConnector/db']);
  });

  it('--json carries the masked patch beside the ordered operations; --format json is the same', async () => {
    const f = fakeIo(files);
    expect(await planCommand(['--config', 'b.json', '--against', 'a.json', '--json'], f.io)).toBe(1);
    const parsed = JSON.parse(f.out()) as { summary: string; operations: unknown[]; patch: PatchOperation[] };
    expect(parsed.operations).toHaveLength(5);
    expect(parsed.patch).toContainEqual({ op: 'replace', path: '/connector/up/saslPassword', value: '******' });
    expect(f.out()).not.toMatch(/hunter2|letmein/);
    const g = fakeIo(files);
    await planCommand(['--config', 'b.json', '--against', 'a.json', '--format', 'json'], g.io);
    expect(g.out()).toBe(f.out());
  });

  it('exits 64 on an unknown format or --json with another format', async () => {
    const f = fakeIo(files);
    expect(await planCommand(['--config', 'a.json', '--against', 'b.json', '--format', 'yaml'], f.io)).toBe(64);
    expect(f.err()).toContain("--format must be one of table, json, patch, not 'yaml'");
    expect(await planCommand(['--config', 'a.json', '--against', 'b.json', '--json', '--format', 'patch'], fakeIo(files).io)).toBe(64);
  });
});

describe('iofog-router plan --format patch round trip on the reference examples', () => {
  const names = ['pot-edge-router.json', 'pot-interior-router.json', 'skrouterd-edge-router.json', 'skrouterd-interior-router.json'];
  const texts: Record<string, string> = Object.fromEntries(names.map((n) => [n, readFileSync(resolve(examples, n), 'utf8')]));
  const skrouterdEdge = JSON.parse(texts['skrouterd-edge-router.json'] ?? '[]') as unknown[];
  // a router started with no configuration but its own entity ('[]' is refused as truncated)
  texts['empty.json'] = JSON.stringify([['router', { id: 'bare', mode: 'interior' }]]);
  // a router that runs only part of a config: its router entity and every other entity after it
  texts['partial.json'] = JSON.stringify(skrouterdEdge.filter((_, i) => i % 2 === 0));
  const against = [...names, 'empty.json', 'partial.json'];
  const pairs = names.flatMap((d) => against.map((a) => [d, a] as const));

  it.each(pairs)('applying the printed patch to the router document gives the desired document: %s against %s', async (desiredFile, actualFile) => {
    const f = fakeIo(texts);
    const code = await planCommand(['--config', desiredFile, '--against', actualFile, '--format', 'patch'], f.io);
    const patch = JSON.parse(f.out()) as PatchOperation[];
    if (patch.length > 0) expect(code).toBe(1);
    const load = (file: string) => loadConfigOrThrow(texts[file] ?? '', { file }).state;
    const docs = planDocuments(load(desiredFile), reportedState(load(actualFile)));
    const masked: RouterDocument = applyDocumentPatch(maskDocument(docs.actual), patch);
    expect(masked).toEqual(maskDocument(docs.desired));
    if (desiredFile === actualFile) expect(patch).toEqual([]);
    // against a bare router everything is added, but the levels of logs the router always has
    if (actualFile === 'empty.json') expect(patch.filter((op) => op.op !== 'add' && !op.path.startsWith('/log/'))).toEqual([]);
  });
});
