/**
 * Runs one CLI catalogue entry, in process (`main(argv, io)` with the environment swapped) or as
 * the built `iofog-router` process. Either way every setting not named by the entry is unset,
 * and `run` is pointed at a router binary that does not exist: should its settings be accepted
 * by mistake it stops at once (exit 69) instead of running.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTextFile } from '../../../controller/cli/io.js';
import { main } from '../../../controller/cli/main.js';
import { SETTINGS } from '../../../schemas/settings.js';
import type { CliCase } from '../catalogue-cli.js';

export const BUILT_CLI = fileURLToPath(new URL('../../../dist/controller/cli/main.js', import.meta.url));
export const builtCliExists = existsSync(BUILT_CLI);

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliPlaces {
  readonly dir: string;
  readonly router: string;
  readonly good: string;
}

function fill(text: string, places: CliPlaces): string {
  return text.replaceAll('{dir}', places.dir).replaceAll('{router}', places.router).replaceAll('{good}', places.good);
}

/** The environment of an entry: guard values, then the entry's own settings. */
function environment(c: CliCase, places: CliPlaces): Record<string, string> {
  return {
    SKUPPER_PLATFORM: 'kubernetes',
    QDROUTERD_CONF: join(places.dir, 'never-read.json'),
    ROUTER_BOOT_FILE: join(places.dir, 'never-written.json'),
    SKROUTERD_BIN: join(places.dir, 'no-such-skrouterd'),
    HTTP_PORT: '0',
    ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, fill(v, places)])),
  };
}

async function prepare(c: CliCase, places: CliPlaces): Promise<string[]> {
  for (const [name, text] of Object.entries(c.files ?? {})) await writeFile(join(places.dir, name), text);
  return c.args.map((a) => fill(a, places));
}

export async function runInProcess(c: CliCase, places: CliPlaces): Promise<CliResult> {
  const args = await prepare(c, places);
  const saved = { ...process.env };
  for (const def of SETTINGS) delete process.env[def.env];
  Object.assign(process.env, environment(c, places));
  let stdout = '';
  let stderr = '';
  try {
    // The CLI's own reader (bounded by CONFIG_MAX_BYTES), as the built process uses.
    const code = await main(args, {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      readFile: readTextFile,
      env: process.env,
    });
    return { code, stdout, stderr };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

export async function runProcess(c: CliCase, places: CliPlaces): Promise<CliResult> {
  const args = await prepare(c, places);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BUILT_CLI, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...environment(c, places) }, timeout: 20_000, cwd: places.dir },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
