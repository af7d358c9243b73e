/**
 * `iofog-router plan --config FILE (--against FILE2 | --router URL) [--json | --format table|json|patch] [--protect NAME]... [--ignore GLOB]...`
 *
 * Prints what the controller would do to a router that runs FILE2 to make it run FILE: the
 * operations in order (type, name, each changed attribute as old → new, secrets masked), the
 * changes that need a restart, and warnings. FILE2 is read as a router would report it after
 * booting from it (defaults filled, values in the router's form). With `--router`, the current
 * state is read from a live router over AMQP management instead (a dry run: nothing is written).
 * `--format patch` prints the same diff as an RFC 6902 JSON Patch between the router's document
 * and the desired one (`reconcilers/document.ts`); `--json` carries that patch beside the operations.
 *
 * Both files are held to the controller's limits, `CONFIG_MAX_BYTES` and `CONFIG_MAX_ENTITIES`,
 * read from the environment as the controller reads them.
 *
 * Exit codes (like diff): 0 nothing to do, 1 changes, 2 a file is invalid or unreadable,
 * 64 bad usage, 69 the router cannot be read, 78 a limit variable is invalid.
 */
import { parseArgs } from 'node:util';
import { formatIssues, loadConfig, type ConfigIssue } from '../../../schemas/config/index.js';
import type { DesiredState } from '../../../schemas/desired-state.js';
import { formatPlanJson, formatPlanTable } from '../../../reconcilers/format-plan.js';
import { diffDocuments, formatPatchJson, maskPatch } from '../../../reconcilers/patch.js';
import { planWithDocuments } from '../../../reconcilers/plan.js';
import { reportedState } from '../../../reconcilers/reported-state.js';
import type { ActualState } from '../../../reconcilers/plan-types.js';
import { readActual } from '../../loop/read-actual.js';
import { ManagementClient } from '../../management/index.js';
import { MANAGEMENT_NAMES } from '../../router/boot-file.js';
import { openManagementChannel } from '../../router/management-channel.js';
import { loadSettings } from '../../settings.js';
import { configLoadOptions, type ConfigLimits } from '../../config-limits.js';
import { EXIT, configLimitsOrExit, readFailure, type CliIo } from '../io.js';

export const PLAN_USAGE = `Usage: iofog-router plan --config FILE (--against FILE2 | --router URL)
                         [--json | --format table|json|patch] [--protect NAME]... [--ignore GLOB]...

Shows the operations that would make a router running FILE2 (or the live router at URL)
run FILE instead: creates, updates and deletes in order (with each changed attribute as
old → new, secrets masked), the changes only a router restart can apply, and warnings.
Writes nothing to any router. Files may be skrouterd JSON arrays or PoT config objects.

Options:
  --config FILE    the desired configuration
  --against FILE2  the configuration the router runs now
  --router URL     read what the router runs now from amqp://host:port, or amqps://host:port
                   with ROUTER_TLS_CA/CERT/KEY (a dry run); the controller's management
                   listener is protected, auto-mesh* ignored. A router the controller runs
                   with MGMT_AUTH=mtls admits only that controller: read it through another
                   listener of its config.
  --json           print the plan as JSON on stdout, with the JSON Patch beside the operations
  --format F       table (default), json (same as --json), or patch: the RFC 6902 JSON Patch
                   from the router's state to the desired one, paths /<type>/<name>/<attribute>
                   (RFC 6901: ~ is ~0, / is ~1), secrets masked
  --protect NAME   never touch the entity with this name (repeatable)
  --ignore GLOB    never touch entities whose names match (* and ?; repeatable)
  -h, --help       show this help

Environment (as the controller reads it):
  CONFIG_MAX_BYTES     largest file accepted, in bytes (default 4194304)
  CONFIG_MAX_ENTITIES  most entities accepted (default 20000)
  ROUTER_TLS_CA, ROUTER_TLS_CERT, ROUTER_TLS_KEY  PEM files for an amqps:// --router

Exit status: 0 nothing to do, 1 changes, 2 a file is invalid or unreadable, 64 bad usage,
69 the router cannot be read, 78 invalid settings.
`;

interface Run {
  readonly kind: 'run';
  readonly config: string;
  readonly against: { readonly file: string } | { readonly router: string };
  readonly format: Format;
  readonly protectedNames: string[];
  readonly ignore: string[];
}

const FORMATS = ['table', 'json', 'patch'] as const;
type Format = (typeof FORMATS)[number];

type Usage = Run | { readonly kind: 'help' } | { readonly kind: 'error'; readonly message: string };

function parse(args: string[]): Usage {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        against: { type: 'string' },
        router: { type: 'string' },
        json: { type: 'boolean' },
        format: { type: 'string' },
        protect: { type: 'string', multiple: true },
        ignore: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  if (v.config === undefined) return { kind: 'error', message: 'missing --config FILE' };
  if ((v.against === undefined) === (v.router === undefined)) return { kind: 'error', message: 'give one of --against FILE2 and --router URL' };
  if (v.router !== undefined && !/^amqps?:\/\//.test(v.router)) return { kind: 'error', message: `--router must be amqp://host:port, not '${v.router}'` };
  const format = v.format ?? (v.json ? 'json' : 'table');
  if (!(FORMATS as readonly string[]).includes(format)) return { kind: 'error', message: `--format must be one of ${FORMATS.join(', ')}, not '${format}'` };
  if (v.json && format !== 'json') return { kind: 'error', message: `--json and --format ${format} disagree` };
  const against = v.router !== undefined ? { router: v.router } : { file: v.against ?? '' };
  const defaults = v.router !== undefined ? { protect: [...MANAGEMENT_NAMES], ignore: ['auto-mesh*'] } : { protect: [], ignore: [] };
  return {
    kind: 'run',
    config: v.config,
    against,
    format: format as Format,
    protectedNames: [...defaults.protect, ...(v.protect ?? [])],
    ignore: [...defaults.ignore, ...(v.ignore ?? [])],
  };
}

type Loaded = { ok: true; state: DesiredState; warnings: readonly ConfigIssue[] } | { ok: false; issues: readonly ConfigIssue[] };

async function load(file: string, io: CliIo, limits: ConfigLimits): Promise<Loaded> {
  let text: string;
  try {
    text = await io.readFile(file, { maxBytes: limits.maxBytes });
  } catch (error) {
    return { ok: false, issues: [{ file, path: '$', message: readFailure(error), severity: 'error' }] };
  }
  const result = loadConfig(text, configLoadOptions(file, limits));
  return result.ok
    ? { ok: true, state: result.state, warnings: result.warnings }
    : { ok: false, issues: [...result.errors, ...result.warnings] };
}

/** The live router's state, or undefined after saying why it cannot be read. */
async function readRouter(url: string, io: CliIo): Promise<ActualState | undefined> {
  let client: ManagementClient;
  try {
    // The controller's own attach-mode path: ROUTER_TLS_* checked as settings, read and parsed.
    const env = io.env ?? {};
    const channel = await openManagementChannel(
      loadSettings({ ROUTER_URL: url, ROUTER_TLS_CA: env['ROUTER_TLS_CA'], ROUTER_TLS_CERT: env['ROUTER_TLS_CERT'], ROUTER_TLS_KEY: env['ROUTER_TLS_KEY'] }),
    );
    client = new ManagementClient({ url, ...(channel.tls ? { tls: channel.tls } : {}), timeoutMs: 10_000 });
  } catch (error) {
    io.stderr(`iofog-router plan: cannot read the router at ${url}: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
  try {
    // A dry run does not wait for a router that is down: the first failed attempt ends it.
    await new Promise<void>((resolve, reject) => {
      client.on('connected', () => resolve());
      client.on('disconnected', (e) => reject(new Error(e.reason)));
    });
    return await readActual(client);
  } catch (error) {
    io.stderr(`iofog-router plan: cannot read the router at ${url}: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  } finally {
    await client.close();
  }
}

export async function planCommand(args: string[], io: CliIo): Promise<number> {
  const usage = parse(args);
  if (usage.kind === 'help') {
    io.stdout(PLAN_USAGE);
    return EXIT.ok;
  }
  if (usage.kind === 'error') {
    io.stderr(`iofog-router plan: ${usage.message}\n\n${PLAN_USAGE}`);
    return EXIT.usage;
  }
  const limits = configLimitsOrExit('plan', io);
  if (typeof limits === 'number') return limits;
  const against = usage.against;
  const desired = await load(usage.config, io, limits);
  const current = 'file' in against ? await load(against.file, io, limits) : undefined;
  if (!desired.ok || current?.ok === false) {
    const issues = [...(desired.ok ? [] : desired.issues), ...(current?.ok === false ? current.issues : [])];
    if (usage.format === 'json') io.stdout(`${JSON.stringify({ ok: false, errors: issues }, null, 2)}\n`);
    else io.stderr(`${formatIssues(issues)}\n`);
    return EXIT.invalid;
  }
  const warnings = [...desired.warnings, ...(current?.ok ? current.warnings : [])];
  if (warnings.length > 0) io.stderr(`${formatIssues(warnings)}\n`);
  let actual: ActualState;
  if (current?.ok) actual = reportedState(current.state);
  else {
    const read = await readRouter('router' in against ? against.router : '', io);
    if (!read) return EXIT.unavailable;
    actual = read;
  }
  const options = { protectedNames: usage.protectedNames, ignore: usage.ignore };
  const { plan: result, documents } = planWithDocuments(desired.state, actual, options);
  if (usage.format === 'table') io.stdout(formatPlanTable(result));
  else {
    const patch = diffDocuments(documents.actual, documents.desired);
    io.stdout(usage.format === 'patch' ? formatPatchJson(patch) : formatPlanJson(result, maskPatch(patch)));
  }
  return result.operations.length > 0 || result.restart.length > 0 ? EXIT.changes : EXIT.ok;
}
