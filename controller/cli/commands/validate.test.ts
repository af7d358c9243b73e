import { describe, expect, it } from 'vitest';
import { EXIT } from '../io.js';
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
  });
});
