/**
 * Hostile command lines and settings: bad flags, bad files named on the command line, and every
 * setting given a value it cannot take. Each must end with the documented exit code and a
 * message naming what is wrong, and touch no router.
 *
 * Placeholders in `args` and `env`: `{dir}` a scratch directory holding `files`, `{router}` the
 * URL of the router under test, `{good}` a valid config file.
 */
import { EXIT } from '../../controller/cli/io.js';
import { goodText } from './catalogue-config.js';

export interface CliCase {
  readonly id: string;
  readonly area: 'cli' | 'settings';
  readonly title: string;
  readonly args: readonly string[];
  /** Environment for the command (settings variables); every other setting is unset. */
  readonly env?: Readonly<Record<string, string>>;
  /** Files written into `{dir}` first. */
  readonly files?: Readonly<Record<string, string>>;
  readonly exit: number;
  /** Fragment of stderr (or stdout) naming what is wrong. */
  readonly expect: string;
}

const BAD_JSON = '[["router", {"id": "r1"}],]';
/** The good config padded with blanks to 2 KiB: valid, but over a CONFIG_MAX_BYTES of 1024. */
const GOOD_2KIB = goodText().padEnd(2048, ' ');

/** Attach mode over TLS in kubernetes mode: start-up reads the ROUTER_TLS_* files before anything else. */
const ATTACH_TLS = { SKUPPER_PLATFORM: 'kubernetes', QDROUTERD_CONF: '{good}', ROUTER_URL: 'amqps://127.0.0.1:5671' };

/** A command line run with settings in its environment. */
const withEnv = (id: string, title: string, args: string[], env: Record<string, string>, exit: number, expect: string, files?: Record<string, string>): CliCase => ({
  ...cli(id, title, args, exit, expect, files),
  env,
});

const cli = (id: string, title: string, args: string[], exit: number, expect: string, files?: Record<string, string>): CliCase => ({
  id: `cli-${id}`,
  area: 'cli',
  title,
  args,
  exit,
  expect,
  ...(files ? { files } : {}),
});

/**
 * `run` with one bad setting: exit 78, the variable and its value named, and `expect` when given.
 */
const setting = (variable: string, value: string, expect: string): CliCase => ({
  id: `setting-${variable}=${value.slice(0, 24)}`,
  area: 'settings',
  title: `${variable}=${JSON.stringify(value)}`,
  args: ['run'],
  env: { [variable]: value },
  exit: EXIT.config,
  expect: `${variable}=${JSON.stringify(value)}: ${expect}`.replace(/: $/, ''),
});

export const CLI_CASES: readonly CliCase[] = [
  cli('unknown-command', 'an unknown command', ['frobnicate'], EXIT.usage, "unknown command 'frobnicate'"),
  cli('shell-command', 'a shell command as the command', ['$(reboot)'], EXIT.usage, "unknown command '$(reboot)'"),
  cli('validate-no-file', 'validate without FILE', ['validate'], EXIT.usage, 'missing FILE'),
  cli('validate-two-files', 'validate with two files', ['validate', '{good}', '{good}'], EXIT.usage, 'one FILE only'),
  cli('validate-format', 'validate --format yaml', ['validate', '{good}', '--format', 'yaml'], EXIT.usage, '--format must be one of auto, skrouterd, pot'),
  cli('validate-unknown-flag', 'validate --bogus', ['validate', '{good}', '--bogus'], EXIT.usage, "Unknown option '--bogus'"),
  cli('validate-missing', 'validate a file that does not exist', ['validate', '{dir}/absent.json'], EXIT.invalid, 'cannot read the file'),
  cli('validate-directory', 'validate a directory', ['validate', '{dir}'], EXIT.invalid, 'cannot read the file'),
  cli('validate-bad-json', 'validate malformed JSON', ['validate', '{dir}/bad.json'], EXIT.invalid, 'JSON syntax error', { 'bad.json': BAD_JSON }),
  cli('validate-etc-passwd', 'validate /etc/passwd', ['validate', '/etc/passwd'], EXIT.invalid, 'JSON syntax error'),
  cli('validate-dev-null', 'validate /dev/null', ['validate', '/dev/null'], EXIT.invalid, 'the file is empty'),
  cli('validate-shell-name', 'a file name with a command substitution', ['validate', '{dir}/$(touch pwned).json'], EXIT.invalid, 'cannot read the file'),
  cli('validate-wrong-format', 'an array forced as PoT', ['validate', '{good}', '--format', 'pot'], EXIT.invalid, 'a PoT router config is a JSON object'),
  cli('validate-json-bad', 'validate --json on a bad file', ['validate', '{dir}/bad.json', '--json'], EXIT.invalid, '"ok": false', { 'bad.json': BAD_JSON }),
  // The config limits apply to validate and plan as to the controller, from the same variables.
  withEnv('validate-over-max-bytes', 'validate a 2 KiB file with CONFIG_MAX_BYTES=1024', ['validate', '{dir}/big.json'], { CONFIG_MAX_BYTES: '1024' }, EXIT.invalid, 'big.json: error: $: the file is 2048 bytes, more than the limit of 1024 (CONFIG_MAX_BYTES)', { 'big.json': GOOD_2KIB }),
  withEnv('validate-over-max-entities', 'validate 9 entities with CONFIG_MAX_ENTITIES=3', ['validate', '{good}', '--json'], { CONFIG_MAX_ENTITIES: '3' }, EXIT.invalid, '9 entities is more than the limit of 3 (CONFIG_MAX_ENTITIES)'),
  withEnv('validate-bad-max-bytes', 'validate with CONFIG_MAX_BYTES=4MiB', ['validate', '{good}'], { CONFIG_MAX_BYTES: '4MiB' }, EXIT.config, 'CONFIG_MAX_BYTES="4MiB": expected a whole number'),
  cli('validate-dev-zero', 'validate /dev/zero (endless: read up to the limit only)', ['validate', '/dev/zero'], EXIT.invalid, 'the file is more than the limit of 4194304 (CONFIG_MAX_BYTES)'),
  withEnv('plan-over-max-bytes', 'plan a 2 KiB config with CONFIG_MAX_BYTES=1024', ['plan', '--config', '{dir}/big.json', '--against', '{good}'], { CONFIG_MAX_BYTES: '1024' }, EXIT.invalid, 'the file is 2048 bytes, more than the limit of 1024 (CONFIG_MAX_BYTES)', { 'big.json': GOOD_2KIB }),
  cli('plan-no-config', 'plan without --config', ['plan', '--against', '{good}'], EXIT.usage, 'missing --config FILE'),
  cli('plan-no-target', 'plan with neither --against nor --router', ['plan', '--config', '{good}'], EXIT.usage, 'give one of --against FILE2 and --router URL'),
  cli('plan-both-targets', 'plan with both --against and --router', ['plan', '--config', '{good}', '--against', '{good}', '--router', '{router}'], EXIT.usage, 'give one of'),
  cli('plan-http-router', 'plan --router http://', ['plan', '--config', '{good}', '--router', 'http://127.0.0.1:8080'], EXIT.usage, '--router must be amqp://host:port'),
  cli('plan-unreachable', 'plan --router at a closed port', ['plan', '--config', '{good}', '--router', 'amqp://127.0.0.1:1'], EXIT.unavailable, 'cannot read the router at amqp://127.0.0.1:1'),
  cli('plan-bad-config-live', 'plan a bad config against the live router', ['plan', '--config', '{dir}/bad.json', '--router', '{router}'], EXIT.invalid, 'JSON syntax error', { 'bad.json': BAD_JSON }),
  cli('plan-missing-against', 'plan against a missing file', ['plan', '--config', '{good}', '--against', '{dir}/absent.json'], EXIT.invalid, 'cannot read the file'),
  cli('plan-shell-config', 'plan --config with a shell command', ['plan', '--config', ';rm -rf /', '--against', '{good}'], EXIT.invalid, 'cannot read the file'),
  cli('run-unknown-flag', 'run --bogus', ['run', '--bogus'], EXIT.usage, "Unknown option '--bogus'"),
  cli('run-positional', 'run with a stray argument', ['run', 'extra'], EXIT.usage, 'extra'),
  cli('run-http-port-word', 'run --http-port abc', ['run', '--http-port', 'abc'], EXIT.config, 'HTTP_PORT="abc": expected a whole number'),
  cli('run-http-port-range', 'run --http-port 70000', ['run', '--http-port', '70000'], EXIT.config, 'HTTP_PORT="70000": must be less or equal to 65535'),
  cli('run-platform', 'run --platform windows', ['run', '--platform', 'windows'], EXIT.config, 'SKUPPER_PLATFORM="windows": expected one of pot, iofog, kubernetes'),
  cli('run-router-http', 'run --router http://', ['run', '--router', 'http://127.0.0.1:5672'], EXIT.config, 'ROUTER_URL="http://127.0.0.1:5672"'),
  // Attach-mode TLS (ROUTER_TLS_*): the combinations are settings errors (78); files that cannot
  // be used stop the start (69), naming the variable and the file, before anything is started.
  withEnv('run-tls-plain-url', 'ROUTER_TLS_CA with an amqp:// ROUTER_URL', ['run'], { ROUTER_URL: 'amqp://127.0.0.1:5672', ROUTER_TLS_CA: '{good}' }, EXIT.config, 'needs an amqps:// ROUTER_URL'),
  withEnv('run-tls-cert-no-key', 'ROUTER_TLS_CERT without ROUTER_TLS_KEY', ['run'], { ROUTER_URL: 'amqps://127.0.0.1:5671', ROUTER_TLS_CERT: '{good}' }, EXIT.config, 'ROUTER_TLS_KEY="": is required with ROUTER_TLS_CERT'),
  withEnv('run-tls-ca-missing', 'ROUTER_TLS_CA naming a missing file', ['run'], { ...ATTACH_TLS, ROUTER_TLS_CA: '{dir}/absent.pem' }, EXIT.unavailable, 'absent.pem: cannot read the file: ENOENT'),
  withEnv('run-tls-ca-not-pem', 'ROUTER_TLS_CA naming a config file, not a certificate', ['run'], { ...ATTACH_TLS, ROUTER_TLS_CA: '{good}' }, EXIT.unavailable, 'not a PEM certificate'),
  withEnv('run-tls-key-shell', 'ROUTER_TLS_KEY with a command substitution', ['run'], { ...ATTACH_TLS, ROUTER_TLS_CERT: '{good}', ROUTER_TLS_KEY: '$(touch pwned)' }, EXIT.unavailable, 'cannot read the file'),
  withEnv('run-tls-ca-dev-zero', 'ROUTER_TLS_CA=/dev/zero', ['run'], { ...ATTACH_TLS, ROUTER_TLS_CA: '/dev/zero' }, EXIT.unavailable, 'not a regular file'),
  setting('MGMT_AUTH', 'password', 'expected one of mtls, none'),
  setting('ROUTER_MGMT_PORT', '0', ''),
  setting('ROUTER_MGMT_PORT', '65536', ''),
  setting('ROUTER_MGMT_PORT', '5672; rm -rf /', 'expected a whole number'),
  setting('HTTP_PORT', '-1', ''),
  setting('RESYNC_SECONDS', '0', ''),
  setting('RESYNC_SECONDS', '1e3', 'expected a whole number'),
  setting('RESYNC_SECONDS', '86401', ''),
  setting('DEBOUNCE_MS', '-5', ''),
  setting('MGMT_TIMEOUT_MS', '10', ''),
  setting('MGMT_TIMEOUT_MS', 'forever', 'expected a whole number'),
  setting('MGMT_MAX_IN_FLIGHT', '0', ''),
  setting('MGMT_MAX_IN_FLIGHT', '100000', ''),
  setting('SSL', 'maybe', 'expected true or false'),
  setting('ROUTER_RESTART_POLICY', 'sometimes', 'expected one of auto, never'),
  setting('LOG_LEVEL', 'verbose', 'expected one of debug, info, warn, error'),
  setting('SKUPPER_PLATFORM', 'openshift', 'expected one of pot, iofog, kubernetes'),
  setting('ROUTER_URL', 'tcp://127.0.0.1:5672', "expected string to match '^amqps?://'"),
  setting('EDGELET_API', 'v3', 'expected one of auto, v1, v2'),
  setting('EDGELET_PORT', '0', ''),
  setting('EDGELET_POLL_SECONDS', '-1', ''),
  setting('CONFIG_MAX_BYTES', '1000', 'must be greater or equal to 1024'),
  setting('CONFIG_MAX_BYTES', '1073741824', 'must be less or equal to 268435456'),
  setting('CONFIG_MAX_ENTITIES', '0', 'must be greater or equal to 1'),
  setting('SSL_OLDEST_VALID_ORDINAL', 'all', 'expected one of keep, previous, current'),
  {
    id: 'setting-several',
    area: 'settings',
    title: 'three bad settings at once: all three named',
    args: ['run'],
    env: { HTTP_PORT: 'x', SSL: 'perhaps', LOG_LEVEL: 'loud' },
    exit: EXIT.config,
    expect: 'HTTP_PORT="x"',
  },
];
