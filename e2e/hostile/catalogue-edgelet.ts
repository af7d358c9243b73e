/**
 * Hostile Edgelet LocalAPI v1 replies, control-socket frames and service-account files. Each
 * entry damages the fake Edgelet (or the files it projects); the next refetch (a `0x0C` signal)
 * reads the config through it. A source that cannot be read (`failed`) is reported in `/status`
 * `source` (`up: false`, `error`) while the router is held to the last good state and stays
 * ready; a config the Edgelet serves but that cannot be used (`rejected`: not JSON, not an object,
 * too large, invalid) is rejected like any invalid input. Either way the router is left alone.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TEST_CA_PEM, type FakeEdgelet } from '../fake-edgelet/fake-edgelet.js';
import { projectFiles } from '../fake-edgelet/token-files.js';

export interface EdgeletCase {
  readonly id: string;
  readonly area: 'edgelet';
  readonly title: string;
  /** Damages the fake before the pass that reads through it. */
  readonly damage: (fake: FakeEdgelet) => Promise<void> | void;
  /**
   * `failed`: the source cannot be read (`/status` `source.up: false`, `source.error`; the passes
   * still converge on the last good state, `/readyz` 200); `rejected`: the config is invalid input
   * (a pass with `lastPass.result: 'rejected'`, `/status` `rejected`, `/readyz` 503).
   */
  readonly outcome: 'failed' | 'rejected';
  readonly expect: string;
}

const envelope = (config: unknown) => ({ success: true, data: { microserviceUuid: 'x', config } });

const reply = (id: string, title: string, status: number, body: string | object, expect: string, outcome: EdgeletCase['outcome'] = 'failed'): EdgeletCase => ({
  id: `edgelet-${id}`,
  area: 'edgelet',
  title,
  damage: (fake) => fake.queueReply(status, body),
  outcome,
  expect,
});

const rejected = (id: string, title: string, config: unknown, expect: string): EdgeletCase => ({
  id: `edgelet-${id}`,
  area: 'edgelet',
  title,
  damage: (fake) => fake.queueReply(200, envelope(config)),
  outcome: 'rejected',
  expect,
});

const files = (id: string, title: string, expect: string, damage: (fake: FakeEdgelet) => Promise<void>): EdgeletCase => ({
  id: `edgelet-${id}`,
  area: 'edgelet',
  title,
  damage,
  outcome: 'failed',
  expect,
});

export const EDGELET_CASES: readonly EdgeletCase[] = [
  reply('html', 'a 200 reply that is HTML', 200, '<html><body>Bad gateway</body></html>', 'the reply is not JSON'),
  reply('empty-200', 'an empty 200 reply', 200, '', 'the reply is not JSON'),
  reply('truncated', 'a 200 reply cut short', 200, '{"success": true, "data": {"config": {"metadata"', 'the reply is not JSON'),
  reply('no-config', 'an envelope without config', 200, { success: true, data: { microserviceUuid: 'x' } }, 'has no field "config"'),
  rejected('config-number', 'config that is a number', 42, 'field "config" must be an object or a JSON string, not a number'),
  rejected('config-boolean', 'config that is a boolean', true, 'field "config" must be an object or a JSON string, not a boolean'),
  rejected('config-null', 'config that is null', null, 'field "config" is null, not an object'),
  rejected('config-bad-string', 'config that is a JSON string cut short', '{"metadata": ', 'field "config" is not JSON'),
  rejected('config-string-scalar', 'config that is a JSON string holding a number', '42', 'field "config" is a JSON string holding a number, not an object'),
  reply('config-empty', 'config that is an empty string', 200, envelope(''), 'field "config" is empty'),
  reply('success-false', 'success false with a 200', 200, { success: false, error: { code: 'INTERNAL', message: 'database is locked' } }, 'database is locked'),
  reply('500-html', 'a 500 with an HTML body', 500, '<html>Internal Server Error</html>', '500'),
  {
    id: 'edgelet-401',
    area: 'edgelet',
    title: 'a 401 (token revoked), also after the client re-reads the token',
    damage: (fake) => {
      for (let i = 0; i < 2; i++) fake.queueReply(401, { success: false, error: { code: 'UNAUTHORIZED', message: 'Invalid JWT token' } });
    },
    outcome: 'failed',
    expect: '401 UNAUTHORIZED: Invalid JWT token',
  },
  reply('403', 'a 403 (RBAC)', 403, { success: false, error: { code: 'FORBIDDEN', message: 'not allowed' } }, '403 FORBIDDEN'),
  reply('404', 'a 404 (no config stored)', 404, { success: false, error: { code: 'NOT_FOUND', message: 'microservice config not found' } }, '404 NOT_FOUND'),
  // Resource bounds: a reply may be 2 × CONFIG_MAX_BYTES + 64 KiB (8 MiB + 64 KiB); the config in it CONFIG_MAX_BYTES (4 MiB).
  // Served but unusable, so rejected like a config over CONFIG_MAX_BYTES (not a source failure).
  reply(
    'huge',
    'a 17 MiB reply (refused before it is buffered, naming the limit)',
    200,
    `{"x": "${'x'.repeat(17 * 1024 * 1024)}"}`,
    'more than the limit of 8454144 bytes (2 × CONFIG_MAX_BYTES 4194304 + 64 KiB for the envelope)',
    'rejected',
  ),
  rejected(
    'config-over-4MiB',
    'a reply within its limit carrying a config of 4 MiB + 1 byte',
    `{"metadata": {"id": "r", "mode": "interior"}, "x": "${'x'.repeat(4 * 1024 * 1024 + 1 - 54)}"}`,
    'the file is 4194305 bytes, more than the limit of 4194304 (CONFIG_MAX_BYTES)',
  ),
  rejected('bad-port', 'a config with port 70000', { metadata: { id: 'r', mode: 'interior' }, listeners: { l: { name: 'l', port: 70000 } } }, 'must be a port'),
  rejected('list-listeners', 'a config with listeners as a list', { metadata: { id: 'r', mode: 'interior' }, listeners: [{ name: 'l', port: 1 }] }, 'older list form is not supported'),
  rejected('deep', 'a config nested 50,000 deep', `${'['.repeat(50_000)}${']'.repeat(50_000)}`, 'no "router" entity'),
  rejected('injection', 'a router id with a command substitution', { metadata: { id: '$(reboot)', mode: 'interior' } }, '"$"'),
  files('token-empty', 'an empty token file', 'is empty', (fake) => projectFiles(fake.tokenDir, { token: '\n', 'ca.crt': TEST_CA_PEM })),
  files('token-missing', 'no token file', 'cannot read', (fake) => rm(join(fake.tokenDir, 'token'), { force: true })),
  files('token-2MiB', 'a 2 MiB token file (refused unread: at most 1 MiB)', 'is 2097152 bytes, more than the limit of 1048576 bytes', (fake) =>
    projectFiles(fake.tokenDir, { token: 't'.repeat(2 * 1024 * 1024), 'ca.crt': TEST_CA_PEM }),
  ),
  files('ca-2MiB', 'a 2 MiB ca.crt (refused unread: at most 1 MiB)', 'ca.crt is 2097152 bytes, more than the limit of 1048576 bytes', (fake) =>
    projectFiles(fake.tokenDir, { token: fake.token, 'ca.crt': TEST_CA_PEM + '#'.repeat(2 * 1024 * 1024 - Buffer.byteLength(TEST_CA_PEM)) }),
  ),
  files('ca-not-pem', 'a ca.crt that is not PEM', 'holds no PEM certificate', (fake) => projectFiles(fake.tokenDir, { token: fake.token, 'ca.crt': 'not a certificate' })),
];
