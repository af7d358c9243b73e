/**
 * Secrets never leave the controller: a SASL password, an sslProfile key password and a proxy
 * password, applied, changed, and put in an invalid input, appear in no log line (debug level),
 * no /status, no /metrics and no plan the CLI prints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revisionOf } from '../../controller/sources/file-source.js';
import { planCommand } from '../../controller/cli/commands/plan.js';
import { GOOD } from './catalogue-config.js';
import { Rig } from './support/rig.js';

const SECRETS = ['s3cret-sasl-Hunter2', 'k3y-pass-Swordfish', 'pr0xy-pass-Opensesame'];

const withSecrets = (n: number, extra: unknown[] = []): string =>
  JSON.stringify([
    ...GOOD,
    ['connector', { name: 'secret-up', host: '127.0.0.1', port: '45999', role: 'edge', saslUsername: 'edge', saslPassword: `${SECRETS[0]}-${n}` }],
    ['sslProfile', { name: 'secret-profile', caCertFile: '/etc/pki/tls/certs/ca-bundle.crt', password: `pass:${SECRETS[1]}-${n}` }],
    ['proxyProfile', { name: 'secret-proxy', host: 'proxy.example', port: '3128', username: 'u', password: `${SECRETS[2]}-${n}` }],
    ...extra,
  ]);

let rig: Rig;
beforeAll(async () => {
  rig = await Rig.start({ config: withSecrets(0) });
  await rig.waitConverged(revisionOf(withSecrets(0)));
});
afterAll(async () => rig.close());

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

describe('secrets', () => {
  it('appear in no log line, /status, /metrics or printed plan while applied, changed and rejected', async () => {
    // A change of every secret (update or replace), then an invalid input that holds them too.
    await rig.waitConverged(await rig.write(withSecrets(1)));
    const invalid = withSecrets(2, [['connector', { name: 'bad', port: '0', saslPassword: `${SECRETS[0]}-bad` }]]);
    const bad = await rig.write(invalid);
    await rig.waitPass('the rejection', 0, (s) => s.rejected?.revision === bad);

    const logs = JSON.stringify(rig.logs);
    expect(rig.logs.length).toBeGreaterThan(20);
    expect(leaks(logs), 'log lines').toEqual([]);
    expect(leaks(JSON.stringify(await rig.status())), '/status').toEqual([]);
    expect(leaks(await (await rig.get('/metrics')).text()), '/metrics').toEqual([]);

    const out: string[] = [];
    const files: Record<string, string> = { 'a.json': withSecrets(0), 'b.json': withSecrets(1) };
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s), readFile: (p: string) => Promise.resolve(files[p] ?? '') };
    expect(await planCommand(['--config', 'b.json', '--against', 'a.json'], io)).toBe(1);
    expect(await planCommand(['--config', 'b.json', '--against', 'a.json', '--json'], io)).toBe(1);
    expect(out.join('')).toContain('secret-up');
    expect(leaks(out.join('')), 'plan output').toEqual([]);
  });
});
