/**
 * `iofog-router run [--router URL] [--config FILE] [--platform P] [--http-port N]`
 *
 * Runs the controller until SIGTERM or SIGINT. Settings come from the environment (see the
 * README's table); a flag overrides its variable.
 */
import { parseArgs } from 'node:util';
import { Controller, StartupError } from '../../controller.js';
import { createLog } from '../../log.js';
import { SettingsError, loadSettings, type Settings } from '../../settings.js';
import { EXIT, type CliIo } from '../io.js';

export const RUN_USAGE = `Usage: iofog-router run [--router URL] [--config FILE] [--platform P] [--http-port N]

Keeps a skupper-router equal to the desired configuration until SIGTERM or SIGINT.
By default it starts skrouterd itself (SKROUTERD_BIN, else skrouterd on PATH, else
/usr/sbin/skrouterd) from a boot file holding the desired state; with --router it manages
a router that is already running instead. Settings are read from the environment.

Options:
  --router URL     attach to the router at amqp://host:port, or amqps://host:port with
                   ROUTER_TLS_CA/CERT/KEY (ROUTER_URL)
  --config FILE    the desired config file (QDROUTERD_CONF)
  --platform P     pot, iofog or kubernetes (SKUPPER_PLATFORM)
  --http-port N    port of /healthz, /readyz, /metrics, /status (HTTP_PORT)
  -h, --help       show this help

Exit status: 0 stopped cleanly, 1 the router did not stop cleanly, 64 bad usage,
69 no router binary, 70 internal error, 78 invalid settings.
`;

type Usage = { kind: 'run'; overrides: Record<string, string> } | { kind: 'help' } | { kind: 'error'; message: string };

function parse(args: string[]): Usage {
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        router: { type: 'string' },
        config: { type: 'string' },
        platform: { type: 'string' },
        'http-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return { kind: 'help' };
    const env: Record<string, string> = {};
    if (values.router !== undefined) env['ROUTER_URL'] = values.router;
    if (values.config !== undefined) env['QDROUTERD_CONF'] = values.config;
    if (values.platform !== undefined) env['SKUPPER_PLATFORM'] = values.platform;
    if (values['http-port'] !== undefined) env['HTTP_PORT'] = values['http-port'];
    return { kind: 'run', overrides: env };
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

/** Resolves on the first SIGTERM or SIGINT. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const usage = parse(args);
  if (usage.kind === 'help') {
    io.stdout(RUN_USAGE);
    return EXIT.ok;
  }
  if (usage.kind === 'error') {
    io.stderr(`iofog-router run: ${usage.message}\n\n${RUN_USAGE}`);
    return EXIT.usage;
  }
  let settings: Settings;
  try {
    settings = loadSettings({ ...process.env, ...usage.overrides });
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    io.stderr(`iofog-router run: ${error.message}\n`);
    return EXIT.config;
  }
  const log = createLog({ level: settings.logLevel });
  const signal = stopSignal();
  let controller: Controller;
  try {
    controller = await Controller.start({ settings, log });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    io.stderr(`iofog-router run: ${error.message}\n`);
    return EXIT.unavailable;
  }
  log.info('stopping on signal', { signal: await signal });
  const exit = await controller.stop();
  const clean = exit === undefined || exit.code === 0 || exit.signal === 'SIGTERM';
  return clean ? EXIT.ok : EXIT.failed;
}
