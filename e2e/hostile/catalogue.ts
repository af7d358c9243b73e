/**
 * The hostile-input catalogue as one table: every entry's id, area, input (as text, or what is
 * done to the file system, the Edgelet or the command line) and the fragment of the error the
 * controller must give. The entries live by area in `catalogue-*.ts`; the suites that run them
 * through the running controller are `config`, `cli`, `tls` and `edgelet` `.test.ts` here.
 */
import { CLI_CASES } from './catalogue-cli.js';
import { CONFIG_CASES, LIMIT_CASES, RESERVED_CASES } from './catalogue-config.js';
import { EDGELET_CASES } from './catalogue-edgelet.js';
import { TLS_CASES, TLS_PATH_CASES } from './catalogue-tls.js';

export type Area = 'skrouterd' | 'pot' | 'file' | 'cli' | 'settings' | 'edgelet' | 'ssl-profiles';

export interface CatalogueEntry {
  readonly id: string;
  readonly area: Area;
  /** The input, described: the text itself when short, else what it is. */
  readonly input: string;
  readonly expect: string;
}

function shown(text: string): string {
  return text.length <= 120 ? text : `${text.slice(0, 100)}… (${text.length} characters)`;
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  ...[...CONFIG_CASES, ...LIMIT_CASES, ...RESERVED_CASES].map((c) => ({
    id: c.id,
    area: c.area,
    input: typeof c.input === 'string' ? `${c.title}: ${shown(c.input)}` : 'bytes' in c.input ? `${c.title}: ${c.input.bytes.length} bytes` : `${c.title}: ${c.input.fs}`,
    expect: c.expect,
  })),
  ...CLI_CASES.map((c) => ({
    id: c.id,
    area: c.area,
    input: `iofog-router ${c.args.join(' ')}${c.env ? ` with ${Object.entries(c.env).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`,
    expect: `exit ${c.exit}: ${c.expect}`,
  })),
  ...TLS_CASES.map((c) => ({ id: c.id, area: c.area, input: c.title, expect: c.expect })),
  ...TLS_PATH_CASES.map((c) => ({ id: c.id, area: c.area, input: `sslProfile caCertFile ${c.path}`, expect: c.expect })),
  ...EDGELET_CASES.map((c) => ({ id: c.id, area: c.area, input: c.title, expect: c.expect })),
  { id: 'edgelet-ws-oversized', area: 'edgelet', input: 'a 128 KiB control-socket frame', expect: 'socket closed (1009) and reopened' },
  { id: 'edgelet-down-drift', area: 'edgelet', input: 'every read refused (401) while the router drifts', expect: 'source.up false with 401; the drift repaired against the last good state' },
];

/** The kinds of hostile input the issue asks for, and the entries that cover each. */
export const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  'malformed JSON': ['sk-trailing-comma', 'sk-unterminated', 'sk-truncated', 'edgelet-html'],
  'wrong types': ['sk-port-bool', 'sk-int-word', 'sk-name-number', 'pot-metadata-string', 'edgelet-config-number', 'edgelet-config-boolean', 'edgelet-config-null'],
  'huge files and deep nesting': ['sk-size-5MiB', 'file-sparse-64MiB', 'sk-entities-20001', 'sk-deep-arrays', 'sk-deep-map', 'edgelet-huge'],
  'duplicate and colliding names': ['sk-dup-listener', 'sk-dup-across-types', 'sk-dup-derived', 'pot-dup-names'],
  'every enum violated': ['enum-router.mode', 'enum-listener.role', 'enum-tcpListener.observer', 'pot-mode-enum'],
  'ports out of range or not numeric': ['sk-port-0', 'sk-port-65536', 'sk-port-word', 'pot-bridge-port', 'setting-ROUTER_MGMT_PORT=65536'],
  'listeners on the ports the controller holds': ['sk-reserved-http-port', 'sk-reserved-http-port-tcp'],
  'a source that cannot be read (reported, not rejected)': ['file-missing', 'file-directory', 'file-dangling-symlink', 'file-symlink-loop', 'edgelet-401', 'edgelet-404'],
  'dangling references': ['sk-ref-ssl', 'sk-ref-proxy', 'sk-ref-listener', 'pot-ref-map-key'],
  'profile directory names with ..': ['tls-dir-dotdot-link', 'tls-dir-renamed-dotdot', 'tls-path-dotdot-profile', 'tls-path-dotdot-root'],
  'symlinks out of the profile directory': ['tls-ca-link-out', 'tls-key-link-out', 'tls-dir-link-out'],
  'unreadable key files': ['tls-key-unreadable', 'tls-key-not-pem', 'tls-key-mismatch'],
  'shell or path injection': ['sk-inject-id-subst', 'sk-inject-id-semicolon', 'sk-inject-type-path', 'cli-validate-shell-name', 'edgelet-injection'],
  'Edgelet reply not JSON': ['edgelet-html', 'edgelet-empty-200', 'edgelet-truncated'],
  'oversized websocket frames': ['edgelet-ws-oversized'],
  'empty or missing token file': ['edgelet-token-empty', 'edgelet-token-missing'],
  'CLI': ['cli-unknown-command', 'cli-plan-unreachable', 'setting-several'],
  'management channel settings and files': ['cli-run-tls-plain-url', 'cli-run-tls-cert-no-key', 'cli-run-tls-ca-missing', 'cli-run-tls-ca-not-pem', 'cli-run-tls-ca-dev-zero', 'cli-run-tls-key-shell', 'setting-MGMT_AUTH=password'],
  'bounds of e2e/hostile/BOUNDS.md': [
    'file-over-CONFIG_MAX_BYTES',
    'sk-over-CONFIG_MAX_ENTITIES',
    'pot-over-CONFIG_MAX_ENTITIES',
    'cli-validate-over-max-bytes',
    'cli-validate-over-max-entities',
    'cli-plan-over-max-bytes',
    'cli-validate-dev-zero',
    'edgelet-huge',
    'edgelet-config-over-4MiB',
    'edgelet-token-2MiB',
    'edgelet-ca-2MiB',
    'tls-cert-2MiB',
    'tls-ca-sparse-64MiB',
    'tls-key-fifo',
  ],
};
