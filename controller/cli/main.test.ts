import { describe, expect, it } from 'vitest';
import { fakeIo } from './test-support/fake-io.js';
import { main } from './main.js';


describe('iofog-router CLI', () => {
  it('lists the commands and exit codes on --help', async () => {
    const f = fakeIo();
    expect(await main(['--help'], f.io)).toBe(0);
    expect(f.out()).toContain('validate');
    expect(f.out()).toContain('Exit codes');
  });

  it('rejects an unknown command with usage (64)', async () => {
    const f = fakeIo();
    expect(await main(['frobnicate'], f.io)).toBe(64);
    expect(f.err()).toContain("unknown command 'frobnicate'");
  });

  it('offers run as the default command, and --help on every command', async () => {
    const f = fakeIo();
    expect(await main(['--help'], f.io)).toBe(0);
    expect(f.out()).toMatch(/run +keep a skupper-router .*\(the default command\)/);
    for (const command of ['run', 'demo', 'validate', 'plan', 'status']) {
      const h = fakeIo();
      expect(await main([command, '--help'], h.io), command).toBe(0);
      expect(h.out(), command).toContain(`Usage: iofog-router ${command}`);
    }
  });

  it('prints the package version', async () => {
    const f = fakeIo();
    expect(await main(['--version'], f.io)).toBe(0);
    expect(f.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('dispatches status, which exits 69 when no controller answers', async () => {
    const f = fakeIo();
    expect(await main(['status', '--url', 'http://127.0.0.1:1', '--timeout-ms', '2000'], f.io)).toBe(69);
    expect(f.err()).toContain('iofog-router status: cannot read http://127.0.0.1:1/status');
  });

  it('dispatches to a command with its arguments', async () => {
    const f = fakeIo({ 'c.json': '[["router",{"id":"r1","mode":"edge"}]]' });
    expect(await main(['validate', 'c.json'], f.io)).toBe(0);
    expect(f.out()).toContain('valid skrouterd config');
  });
});
