import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, readTextFile } from '../io.js';
import { fakeIo } from '../test-support/fake-io.js';
import { validateCommand } from './validate.js';

const VALID_SKROUTERD = JSON.stringify([
  ['router', { id: 'r1', mode: 'interior' }],
  ['sslProfile', { name: 'p', caCertFile: '/ca.crt' }],
  ['listener', { name: 'a', port: 5672 }],
  ['listener', { name: 'b', port: 5671, sslProfile: 'p' }],
]);
const VALID_POT = JSON.stringify({ metadata: { id: 'r1', mode: 'edge' }, listeners: { a: { name: 'a', port: 5672 } } });
const INVALID = '[\n  ["router", {"mode": "interior"}],\n  ["listener", {"port": 0, "prot": 1}]\n]';

describe('iofog-router validate', () => {
  it('exits 0 with a one-line summary of entity counts for a valid file', async () => {
    const io = fakeIo({ 'r.json': VALID_SKROUTERD });
    expect(await validateCommand(['r.json'], io.io)).toBe(EXIT.ok);
    expect(io.out()).toBe('r.json: valid skrouterd config, 4 entities (router 1, sslProfile 1, listener 2)\n');
    expect(io.err()).toBe('');
  });

  it('detects a PoT object and honours --format', async () => {
    const io = fakeIo({ 'p.json': VALID_POT });
    expect(await validateCommand(['p.json'], io.io)).toBe(EXIT.ok);
    expect(io.out()).toContain('valid pot config, 2 entities (router 1, listener 1)');
    const forced = fakeIo({ 'p.json': VALID_POT });
    expect(await validateCommand(['--format', 'skrouterd', 'p.json'], forced.io)).toBe(EXIT.invalid);
    expect(forced.err()).toContain('a skrouterd config file is a JSON array');
  });

  it('exits 2 and prints every error with file:line:col and path', async () => {
    const io = fakeIo({ 'bad.json': INVALID });
    expect(await validateCommand(['bad.json'], io.io)).toBe(EXIT.invalid);
    expect(io.err()).toContain('bad.json:3:25: error: $[1][1].port: "port" must be a port');
    expect(io.err()).toContain('$[1][1].prot: unknown attribute "prot" for listener; did you mean "port"?');
    expect(io.err()).toContain('bad.json: invalid: 2 errors, 0 warnings');
    expect(io.out()).toBe('');
  });

  it('prints JSON with --json, valid or not', async () => {
    const bad = fakeIo({ 'bad.json': INVALID });
    expect(await validateCommand(['bad.json', '--json'], bad.io)).toBe(EXIT.invalid);
    const failed = JSON.parse(bad.out()) as { ok: boolean; errors: { path: string; line: number }[] };
    expect(failed.ok).toBe(false);
    expect(failed.errors.map((e) => [e.path, e.line])).toEqual([
      ['$[1][1].port', 3],
      ['$[1][1].prot', 3],
    ]);
    const good = fakeIo({ 'r.json': VALID_SKROUTERD });
    expect(await validateCommand(['--json', 'r.json'], good.io)).toBe(EXIT.ok);
    expect(JSON.parse(good.out())).toMatchObject({ ok: true, format: 'skrouterd', entities: 4, counts: { listener: 2 } });
  });

  it('prints warnings but still exits 0', async () => {
    const io = fakeIo({ 'p.json': JSON.stringify({ metadata: { mode: 'interior' }, extra: 1 }) });
    expect(await validateCommand(['p.json'], io.io)).toBe(EXIT.ok);
    expect(io.err()).toContain('p.json:1:41: warning: $.extra: unknown key "extra" is ignored');
  });

  it('exits 2 with a clear message for a missing file', async () => {
    const io = fakeIo({});
    expect(await validateCommand(['nope.json'], io.io)).toBe(EXIT.invalid);
    expect(io.err()).toContain('nope.json: error: $: cannot read the file: ENOENT');
    const json = fakeIo({});
    expect(await validateCommand(['nope.json', '--json'], json.io)).toBe(EXIT.invalid);
    expect(JSON.parse(json.out())).toMatchObject({ ok: false, errors: [{ file: 'nope.json', path: '$' }] });
  });

  it.each([
    [[]],
    [['a.json', 'b.json']],
    [['--format', 'yaml', 'a.json']],
    [['--frobnicate', 'a.json']],
    [['--format']],
  ])('exits 64 for bad usage %j', async (args) => {
    const io = fakeIo({ 'a.json': VALID_SKROUTERD });
    expect(await validateCommand(args, io.io)).toBe(EXIT.usage);
    expect(io.err()).toContain('Usage: iofog-router validate FILE');
    expect(io.out()).toBe('');
  });

  it('prints usage for --help and exits 0', async () => {
    const io = fakeIo({});
    expect(await validateCommand(['--help'], io.io)).toBe(EXIT.ok);
    expect(io.out()).toContain('--format F');
    expect(io.out()).toContain('CONFIG_MAX_BYTES');
    expect(io.out()).toContain('78 invalid settings');
  });

  it('holds the file to CONFIG_MAX_BYTES from the environment: at the limit valid, one byte over rejected naming the setting', async () => {
    const text = VALID_SKROUTERD + ' '.repeat(2000); // the smallest CONFIG_MAX_BYTES is 1024
    const size = Buffer.byteLength(text);
    const at = fakeIo({ 'r.json': text }, { CONFIG_MAX_BYTES: String(size) });
    expect(await validateCommand(['r.json'], at.io)).toBe(EXIT.ok);
    const over = fakeIo({ 'r.json': text }, { CONFIG_MAX_BYTES: String(size - 1) });
    expect(await validateCommand(['r.json'], over.io)).toBe(EXIT.invalid);
    expect(over.err()).toContain(`r.json: error: $: the file is ${size} bytes, more than the limit of ${size - 1} (CONFIG_MAX_BYTES)`);
  });

  it('holds the file to CONFIG_MAX_ENTITIES from the environment', async () => {
    const at = fakeIo({ 'r.json': VALID_SKROUTERD }, { CONFIG_MAX_ENTITIES: '4' });
    expect(await validateCommand(['r.json'], at.io)).toBe(EXIT.ok);
    const over = fakeIo({ 'r.json': VALID_SKROUTERD }, { CONFIG_MAX_ENTITIES: '3' });
    expect(await validateCommand(['r.json', '--json'], over.io)).toBe(EXIT.invalid);
    expect(JSON.parse(over.out())).toMatchObject({ ok: false, errors: [{ file: 'r.json', message: '4 entities is more than the limit of 3 (CONFIG_MAX_ENTITIES)' }] });
  });

  it('exits 78 naming the variable when a limit is not a valid value', async () => {
    const io = fakeIo({ 'r.json': VALID_SKROUTERD }, { CONFIG_MAX_BYTES: '12', CONFIG_MAX_ENTITIES: 'many' });
    expect(await validateCommand(['r.json'], io.io)).toBe(EXIT.config);
    expect(io.err()).toContain('CONFIG_MAX_BYTES="12": must be greater or equal to 1024');
    expect(io.err()).toContain('CONFIG_MAX_ENTITIES="many": expected a whole number');
  });

  it('reads a real file no bigger than CONFIG_MAX_BYTES, refusing a bigger one without reading it all', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'validate-'));
    try {
      const file = join(dir, 'big.json');
      await writeFile(file, '');
      await truncate(file, 8 * 1024 * 1024);
      const f = fakeIo({}, { CONFIG_MAX_BYTES: '1024' });
      const io = { ...f.io, readFile: readTextFile };
      expect(await validateCommand([file], io)).toBe(EXIT.invalid);
      expect(f.err()).toContain(`${file}: error: $: the file is 8388608 bytes, more than the limit of 1024 (CONFIG_MAX_BYTES)`);
      expect(await validateCommand(['/dev/zero'], io)).toBe(EXIT.invalid);
      expect(f.err()).toContain('/dev/zero: error: $: the file is more than the limit of 1024 (CONFIG_MAX_BYTES)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a listener on a port the controller holds, as the settings say', async () => {
    const config = (port: number, host = '0.0.0.0') => JSON.stringify([['router', { id: 'r1' }], ['listener', { name: 'l', host, port }]]);
    const mgmt = fakeIo({ 'r.json': config(55672, '127.0.0.1') });
    expect(await validateCommand(['r.json'], mgmt.io)).toBe(EXIT.invalid);
    expect(mgmt.err()).toContain("$[1][1].port: port 55672 on host \"127.0.0.1\" clashes with the controller's management listener (ROUTER_MGMT_PORT)");
    const moved = fakeIo({ 'r.json': config(55672, '127.0.0.1') }, { ROUTER_MGMT_PORT: '55999' });
    expect(await validateCommand(['r.json'], moved.io)).toBe(EXIT.ok);
    const http = fakeIo({ 'r.json': config(8080) }, { HTTP_PORT: '8080' });
    expect(await validateCommand(['r.json'], http.io)).toBe(EXIT.invalid);
    expect(http.err()).toContain("clashes with the controller's HTTP server (HTTP_PORT)");
    const attached = fakeIo({ 'r.json': config(55672, '127.0.0.1') }, { ROUTER_URL: 'amqp://127.0.0.1:5672' });
    expect(await validateCommand(['r.json'], attached.io)).toBe(EXIT.ok);
  });

  it('exits 78 naming the variable when a port setting is not valid', async () => {
    const io = fakeIo({ 'r.json': VALID_SKROUTERD }, { ROUTER_MGMT_PORT: '70000' });
    expect(await validateCommand(['r.json'], io.io)).toBe(EXIT.config);
    expect(io.err()).toContain('ROUTER_MGMT_PORT="70000"');
  });

  it('refuses a log outputFile the router could not open, unless --skip-files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'validate-log-'));
    try {
      const text = JSON.stringify([['router', { id: 'r1' }], ['log', { module: 'ROUTER', outputFile: 'missing/r.log' }], ['log', { module: 'DEFAULT', outputFile: 'ok.log' }]]);
      const bad = fakeIo({ 'r.json': text }, { QDROUTERD_HOME: dir });
      expect(await validateCommand(['r.json', '--json'], bad.io)).toBe(EXIT.invalid);
      expect(JSON.parse(bad.out())).toMatchObject({ ok: false, errors: [{ file: 'r.json', path: '$[1][1].outputFile', line: 1 }] });
      expect(JSON.parse(bad.out()).errors[0].message).toContain(`the directory ${join(dir, 'missing')} does not exist`);
      const skipped = fakeIo({ 'r.json': text }, { QDROUTERD_HOME: dir });
      expect(await validateCommand(['r.json', '--skip-files'], skipped.io)).toBe(EXIT.ok);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
