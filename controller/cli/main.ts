#!/usr/bin/env node
/**
 * `iofog-router <command>`: the entry point installed as the package's bin.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { EXIT, readTextFile, type CliIo } from './io.js';

type CommandFn = (args: string[], io: CliIo) => Promise<number>;

interface Command {
  readonly summary: string;
  /** Loaded on use: `run` on an edge device does not pay for the demo's or plan's modules. */
  readonly load: () => Promise<CommandFn>;
}

const COMMANDS: Record<string, Command> = {
  run: {
    summary: 'keep a skupper-router equal to the desired configuration (the default command)',
    load: async () => (await import('./commands/run.js')).runCommand,
  },
  demo: {
    summary: 'run the controller against the built-in simulator through scripted edits',
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
  validate: {
    summary: 'check a config file (skrouterd array or PoT object) and print every problem',
    load: async () => (await import('./commands/validate.js')).validateCommand,
  },
  plan: {
    summary: 'show the operations that turn one config into another (exit 1 when there are changes)',
    load: async () => (await import('./commands/plan.js')).planCommand,
  },
  status: {
    summary: "show a running controller's /status: convergence, links, certificates (exit 1 when not converged or a link is down)",
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: iofog-router <command> [options]',
    '',
    'Keeps a running skupper-router 3.5.1 equal to a desired configuration.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'iofog-router <command> --help' for a command's options.",
    `Exit codes: ${EXIT.ok} ok, ${EXIT.changes} plan has changes (run: router did not stop cleanly; demo: a step failed; status: not converged or a link down), ${EXIT.invalid} invalid input, ${EXIT.usage} bad usage, ${EXIT.unavailable} router (status: controller) unavailable, ${EXIT.internal} internal error, ${EXIT.config} invalid settings.`,
    '',
  ].join('\n');
}

/** Set by the bundle (router-build/bundle.mjs `define`), which has no package.json beside it. */
declare const IOFOG_ROUTER_VERSION: string | undefined;

/** The package version: the bundle's, else package.json's from the sources (`controller/cli`) or the build (`dist/controller/cli`). */
function packageVersion(): string {
  if (typeof IOFOG_ROUTER_VERSION === 'string') return IOFOG_ROUTER_VERSION;
  const require = createRequire(import.meta.url);
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'iofog-router' && pkg.version) return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return EXIT.ok;
  }
  if (name === undefined) return (await COMMANDS['run']!.load())([], io);
  if (name === '--version' || name === '-v') {
    io.stdout(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`iofog-router: unknown command '${name}'\n\n${usage()}`);
    return EXIT.usage;
  }
  return (await command.load())(args, io);
}

const io: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readFile: readTextFile,
  env: process.env,
};

/** True when this file is the process's entry (also through the npm bin symlink). */
function isEntry(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntry()) {
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      io.stderr(`iofog-router: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
