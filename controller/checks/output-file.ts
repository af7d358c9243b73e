/**
 * `log` `outputFile`s the router could not open. skrouterd 3.5.1 opens the file when it boots
 * ("Failed to open log file", exit 1) and on a live UPDATE, which answers 500 yet stores the
 * value, so the next boot fails. So a desired log whose file cannot be created or written is
 * refused before the router sees it, with the same located issues as the config loader.
 *
 * Checked as this process, which is the router's user when the controller supervises it. In
 * attach mode the router may run elsewhere and these paths are not ours to check.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { DesiredState } from '../../schemas/desired-state.js';
import type { ConfigIssue, LocateEntity } from '../../schemas/config/index.js';

/** Values the router writes to a stream, not a file. */
const STREAMS = new Set(['stderr', 'stdout', 'syslog']);

export interface OutputFileCheckOptions {
  /** Named in every issue (the config file). */
  readonly file: string;
  /** Where the router runs (`QDROUTERD_HOME`): relative paths are taken from there. */
  readonly routerHome: string;
  /** Where each value was written, from a successful `loadConfig`; issues point at `$` without it. */
  readonly locate?: LocateEntity;
}

/** Why the router could not open `path` for appending, or undefined when it could. */
export async function outputFileProblem(path: string): Promise<string | undefined> {
  const existing = await stat(path).catch((error: unknown) => error as NodeJS.ErrnoException);
  if (!(existing instanceof Error)) {
    if (existing.isDirectory()) return `${path} is a directory`;
    return (await access(path, constants.W_OK).then(() => undefined, () => `${path} exists and this process may not write it`));
  }
  if (existing.code !== 'ENOENT' && existing.code !== 'ENOTDIR') return `${path} cannot be looked at: ${existing.code ?? existing.message}`;
  const directory = dirname(path);
  const parent = await stat(directory).catch((error: unknown) => error as NodeJS.ErrnoException);
  if (parent instanceof Error) {
    return parent.code === 'ENOENT' || parent.code === 'ENOTDIR' ? `the directory ${directory} does not exist` : `the directory ${directory} cannot be looked at: ${parent.code ?? parent.message}`;
  }
  if (!parent.isDirectory()) return `${directory} is not a directory`;
  return access(directory, constants.W_OK | constants.X_OK).then(
    () => undefined,
    () => `this process may not create files in ${directory}`,
  );
}

/** One issue per desired log whose `outputFile` the router could not open. */
export async function checkLogOutputFiles(state: DesiredState, options: OutputFileCheckOptions): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  for (const entity of state.entities) {
    const value = entity.attributes['outputFile'];
    if (entity.kind !== 'log' || typeof value !== 'string' || STREAMS.has(value)) continue;
    const path = isAbsolute(value) ? value : resolve(options.routerHome, value);
    const problem = await outputFileProblem(path);
    if (problem === undefined) continue;
    const where = options.locate?.(entity.kind, entity.name, 'outputFile') ?? { path: '$' };
    issues.push({
      file: options.file,
      ...where,
      severity: 'error',
      message: `log ${entity.name} "outputFile": ${problem}; skrouterd 3.5.1 refuses to boot with a log file it cannot open ("Failed to open log file"), and a live UPDATE answers 500 but keeps the value`,
    });
  }
  return issues;
}
