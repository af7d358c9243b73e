import { describe, expect, it } from 'vitest';
import { main } from './main.js';

function fakeIo(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (s: string) => out.push(s),
      stderr: (s: string) => err.push(s),
      readFile: (p: string) => (p in files ? Promise.resolve(files[p] ?? '') : Promise.reject(new Error(`ENOENT: ${p}`))),
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('iofog-router CLI', () => {
  it('lists the commands and exit codes on --help', async () => {
    const f = fakeIo();
    expect(await main(['--help'], f.io)).toBe(0);
    expect(f.out()).toContain('validate');
    expect(f.out()).toContain('Exit codes');
  });

  it('rejects an unknown command with usage (64) and no command with usage', async () => {
    const f = fakeIo();
    expect(await main(['frobnicate'], f.io)).toBe(64);
    expect(f.err()).toContain("unknown command 'frobnicate'");
    expect(await main([], fakeIo().io)).toBe(64);
  });

  it('prints the package version', async () => {
    const f = fakeIo();
    expect(await main(['--version'], f.io)).toBe(0);
    expect(f.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('dispatches to a command with its arguments', async () => {
    const f = fakeIo({ 'c.json': '[["router",{"id":"r1","mode":"edge"}]]' });
    expect(await main(['validate', 'c.json'], f.io)).toBe(0);
    expect(f.out()).toContain('valid skrouterd config');
  });
});
