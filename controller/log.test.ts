import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLog } from './log.js';

function capture(level: 'debug' | 'info' = 'info') {
  const lines: string[] = [];
  const log = createLog({ json: true, level, write: (l) => lines.push(l) });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLog', () => {
  it('writes one flat JSON object per line with time, level, message and fields', () => {
    const { log, parsed } = capture();
    log.info('pass converged', { operations: 3 });
    const [line] = parsed();
    expect(line).toMatchObject({ level: 'info', msg: 'pass converged', operations: 3 });
    expect(typeof line?.['time']).toBe('string');
  });

  it('carries child fields such as the reconcile id on every line', () => {
    const { log, parsed } = capture();
    const pass = log.child({ reconcileId: 7 });
    pass.info('planning');
    pass.warn('operation failed', { name: 'l1' });
    expect(parsed().map((l) => l['reconcileId'])).toEqual([7, 7]);
  });

  it('drops lines below the level', () => {
    const { log, lines } = capture('info');
    log.debug('noise');
    expect(lines).toHaveLength(0);
  });

  it('never writes passwords, tokens or private keys', () => {
    const { log, lines } = capture();
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    log.info('create', { attributes: { password: 'hunter2', saslPassword: 's3cret', Token: 'abc' }, note: `key ${pem}` });
    log.info('header', { header: 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig' });
    const text = lines.join('\n');
    for (const secret of ['hunter2', 's3cret', '"abc"', 'MIIEvQ', 'eyJhbGciOiJIUzI1NiJ9']) expect(text).not.toContain(secret);
    expect(text).toContain('***');
  });

  it('keeps running when the reader of stdout goes away (EPIPE)', async () => {
    // Through Vite's module runner, which loads the TypeScript source.
    const log = fileURLToPath(new URL('./log.ts', import.meta.url));
    const script = `const { runnerImport } = await import('vite'); const { module } = await runnerImport(${JSON.stringify(log)}, { configFile: false, logLevel: 'silent' }); const l = module.createLog({ json: true }); for (let i = 0; i < 40; i++) { l.info('line ' + i); await new Promise((r) => setTimeout(r, 5)); } process.stderr.write('survived');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(stderr).toContain('survived');
    expect(code).toBe(0);
  });
});
