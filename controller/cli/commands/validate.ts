/**
 * `iofog-router validate FILE [--format auto|skrouterd|pot] [--json]`
 *
 * The file is held to the controller's limits, `CONFIG_MAX_BYTES` and `CONFIG_MAX_ENTITIES`,
 * read from the environment as the controller reads them, and to the ports the controller holds
 * (`ROUTER_MGMT_PORT`, `HTTP_PORT`, per `ROUTER_URL`). Unless `--skip-files`, each `log`
 * `outputFile` must be a file the router could open on this machine (relative to `QDROUTERD_HOME`).
 *
 * Exit codes: 0 valid; 2 invalid, or the file cannot be read; 64 bad usage (EX_USAGE); 78 a
 * limit variable is invalid (EX_CONFIG).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ENTITY_KINDS, type EntityKind } from '../../../schemas/entity.js';
import type { DesiredState } from '../../../schemas/desired-state.js';
import { formatIssues, loadConfig, type ConfigIssue } from '../../../schemas/config/index.js';
import { configLoadOptions } from '../../config-limits.js';
import { checkLogOutputFiles } from '../../checks/output-file.js';
import { reservedPortsOf } from '../../checks/reserved-ports.js';
import { loadSettings, SettingsError, type Settings } from '../../settings.js';
import { EXIT, configLimitsOrExit, readFailure, type CliIo } from '../io.js';

export const VALIDATE_USAGE = `Usage: iofog-router validate FILE [--format auto|skrouterd|pot] [--json] [--skip-files]

Checks a router config (a skrouterd JSON array file or a PoT config object) without
touching any router. Prints every problem with its file:line:column and JSON path.

Options:
  --format F   auto (default: an array is skrouterd, an object PoT), skrouterd or pot
  --json       print the result as JSON on stdout
  --skip-files do not check paths on this machine (log outputFile), for a config
               meant for another machine
  -h, --help   show this help

Environment (the controller's limits, applied here too):
  CONFIG_MAX_BYTES     largest file accepted, in bytes (default 4194304)
  CONFIG_MAX_ENTITIES  most entities accepted (default 20000)
  ROUTER_MGMT_PORT     the controller's management port, no listener may use it (default 55672)
  HTTP_PORT            the controller's HTTP port, no listener may use it (default 9191)
  ROUTER_URL           attach mode: the management port is not held, nor HTTP_PORT unless
                       the router is on a loopback address
  QDROUTERD_HOME       the router's working directory, for relative log files

Exit status: 0 valid, 2 invalid or unreadable, 64 bad usage, 78 invalid settings.
`;

const FORMATS = ['auto', 'skrouterd', 'pot'] as const;
type FormatOption = (typeof FORMATS)[number];

function isFormat(value: string): value is FormatOption {
  return (FORMATS as readonly string[]).includes(value);
}

type Usage =
  | { kind: 'run'; file: string; format: FormatOption; json: boolean; skipFiles: boolean }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

function usageError(message: string): Usage {
  return { kind: 'error', message };
}

function parse(args: string[]): Usage {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { format: { type: 'string' }, json: { type: 'boolean' }, 'skip-files': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help) return { kind: 'help' };
  const format = parsed.values.format ?? 'auto';
  if (!isFormat(format)) return usageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) return usageError('missing FILE');
  if (extra.length > 0) return usageError(`one FILE only; also got ${extra.join(' ')}`);
  return { kind: 'run', file, format, json: parsed.values.json ?? false, skipFiles: parsed.values['skip-files'] ?? false };
}

/** The settings this command needs beyond the limits, read as the controller reads them; a bad one is exit 78. */
function settingsOrExit(io: CliIo): Pick<Settings, 'managementPort' | 'httpPort' | 'routerUrl' | 'routerHome'> | number {
  const env = io.env ?? {};
  const names = ['ROUTER_MGMT_PORT', 'HTTP_PORT', 'ROUTER_URL', 'QDROUTERD_HOME'] as const;
  try {
    return loadSettings(Object.fromEntries(names.map((name) => [name, env[name]])));
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    io.stderr(`iofog-router validate: ${error.message}\n`);
    return EXIT.config;
  }
}

/** Where the supervised router runs, as the controller starts it: QDROUTERD_HOME when it exists. */
function routerCwd(routerHome: string): string {
  return existsSync(routerHome) ? routerHome : process.cwd();
}

/** "router 1, listener 2, ..." in canonical kind order. */
function countByKind(state: DesiredState): Partial<Record<EntityKind, number>> {
  const counts: Partial<Record<EntityKind, number>> = {};
  for (const kind of ENTITY_KINDS) {
    const n = state.entities.filter((e) => e.kind === kind).length;
    if (n > 0) counts[kind] = n;
  }
  return counts;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const usage = parse(args);
  if (usage.kind === 'help') {
    io.stdout(VALIDATE_USAGE);
    return EXIT.ok;
  }
  if (usage.kind === 'error') {
    io.stderr(`iofog-router validate: ${usage.message}\n\n${VALIDATE_USAGE}`);
    return EXIT.usage;
  }
  const limits = configLimitsOrExit('validate', io);
  if (typeof limits === 'number') return limits;
  const settings = settingsOrExit(io);
  if (typeof settings === 'number') return settings;
  let text: string;
  try {
    text = await io.readFile(usage.file, { maxBytes: limits.maxBytes });
  } catch (error) {
    const issue: ConfigIssue = { file: usage.file, path: '$', message: readFailure(error), severity: 'error' };
    if (usage.json) io.stdout(json({ ok: false, file: usage.file, errors: [issue], warnings: [] }));
    else io.stderr(`${formatIssues([issue])}\n`);
    return EXIT.invalid;
  }
  const loaded = loadConfig(text, { ...configLoadOptions(usage.file, limits), format: usage.format, reservedPorts: reservedPortsOf(settings) });
  const fileIssues =
    loaded.ok && !usage.skipFiles
      ? await checkLogOutputFiles(loaded.state, { file: usage.file, routerHome: routerCwd(settings.routerHome), locate: loaded.locate })
      : [];
  const result = loaded.ok && fileIssues.length > 0 ? { ok: false as const, format: loaded.format, errors: fileIssues, warnings: loaded.warnings } : loaded;
  if (usage.json) {
    if (result.ok) {
      const counts = countByKind(result.state);
      const entities = result.state.entities.length;
      io.stdout(json({ ok: true, file: usage.file, format: result.format, entities, counts, warnings: result.warnings }));
    } else {
      io.stdout(json({ ok: false, file: usage.file, format: result.format, errors: result.errors, warnings: result.warnings }));
    }
    return result.ok ? EXIT.ok : EXIT.invalid;
  }
  if (result.warnings.length > 0) io.stderr(`${formatIssues(result.warnings)}\n`);
  if (!result.ok) {
    io.stderr(`${formatIssues(result.errors)}\n${usage.file}: invalid: ${plural(result.errors.length, 'error')}, ${plural(result.warnings.length, 'warning')}\n`);
    return EXIT.invalid;
  }
  const counts = Object.entries(countByKind(result.state))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  io.stdout(`${usage.file}: valid ${result.format} config, ${plural(result.state.entities.length, 'entity', 'entities')} (${counts})\n`);
  return EXIT.ok;
}
