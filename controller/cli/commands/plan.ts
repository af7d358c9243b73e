/**
 * `iofog-router plan --config FILE --against FILE2 [--json] [--protect NAME]... [--ignore GLOB]...`
 *
 * Prints what the controller would do to a router that runs FILE2 to make it run FILE: the
 * operations in order (type, name, each changed attribute as old → new, secrets masked), the
 * changes that need a restart, and warnings. FILE2 is read as a router would report it after
 * booting from it (defaults filled, values in the router's form).
 *
 * Exit codes (like diff): 0 nothing to do, 1 changes, 2 a file is invalid or unreadable,
 * 64 bad usage.
 */
import { parseArgs } from 'node:util';
import { formatIssues, loadConfig, type ConfigIssue } from '../../../schemas/config/index.js';
import type { DesiredState } from '../../../schemas/desired-state.js';
import { formatPlanJson, formatPlanTable } from '../../../reconcilers/format-plan.js';
import { plan } from '../../../reconcilers/plan.js';
import { reportedState } from '../../../reconcilers/reported-state.js';
import { EXIT, type CliIo } from '../io.js';

export const PLAN_USAGE = `Usage: iofog-router plan --config FILE --against FILE2 [--json] [--protect NAME]... [--ignore GLOB]...

Shows the operations that would make a router running FILE2 run FILE instead: creates,
updates and deletes in order (with each changed attribute as old → new, secrets masked),
the changes only a router restart can apply, and warnings. Touches no router.
Both files may be skrouterd JSON arrays or PoT config objects.

Options:
  --config FILE    the desired configuration
  --against FILE2  the configuration the router runs now
  --json           print the plan as JSON on stdout
  --protect NAME   never touch the entity with this name (repeatable)
  --ignore GLOB    never touch entities whose names match (* and ?; repeatable)
  -h, --help       show this help

Exit status: 0 nothing to do, 1 changes, 2 a file is invalid or unreadable, 64 bad usage.
`;

interface Run {
  readonly kind: 'run';
  readonly config: string;
  readonly against: string;
  readonly json: boolean;
  readonly protectedNames: string[];
  readonly ignore: string[];
}

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
        json: { type: 'boolean' },
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
  if (v.against === undefined) return { kind: 'error', message: 'missing --against FILE2' };
  return { kind: 'run', config: v.config, against: v.against, json: v.json ?? false, protectedNames: v.protect ?? [], ignore: v.ignore ?? [] };
}

type Loaded = { ok: true; state: DesiredState; warnings: readonly ConfigIssue[] } | { ok: false; issues: readonly ConfigIssue[] };

async function load(file: string, io: CliIo): Promise<Loaded> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [{ file, path: '$', message: `cannot read the file: ${reason}`, severity: 'error' }] };
  }
  const result = loadConfig(text, { file });
  return result.ok
    ? { ok: true, state: result.state, warnings: result.warnings }
    : { ok: false, issues: [...result.errors, ...result.warnings] };
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
  const [desired, current] = [await load(usage.config, io), await load(usage.against, io)];
  if (!desired.ok || !current.ok) {
    const issues = [...(desired.ok ? [] : desired.issues), ...(current.ok ? [] : current.issues)];
    if (usage.json) io.stdout(`${JSON.stringify({ ok: false, errors: issues }, null, 2)}\n`);
    else io.stderr(`${formatIssues(issues)}\n`);
    return EXIT.invalid;
  }
  const warnings = [...desired.warnings, ...current.warnings];
  if (warnings.length > 0) io.stderr(`${formatIssues(warnings)}\n`);
  const result = plan(desired.state, reportedState(current.state), { protectedNames: usage.protectedNames, ignore: usage.ignore });
  io.stdout(usage.json ? formatPlanJson(result) : formatPlanTable(result));
  return result.operations.length > 0 || result.restart.length > 0 ? EXIT.changes : EXIT.ok;
}
