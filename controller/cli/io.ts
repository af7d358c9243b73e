/** What every CLI command gets: where to write, how to read files. Tests pass fakes. */
import { DEFAULT_MAX_BYTES } from '../../schemas/config/index.js';
import { CONFIG_LIMIT_SETTINGS, configLimitsFromEnv, type ConfigLimits } from '../config-limits.js';
import { FileTooLargeError, readBoundedText } from '../fs/read-bounded.js';
import { SettingsError } from '../settings.js';

export interface ReadFileOptions {
  /** Largest file read (`CONFIG_MAX_BYTES`); a bigger one fails with a `FileTooLargeError`. */
  readonly maxBytes: number;
}

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (path: string, options?: ReadFileOptions) => Promise<string>;
  /** The environment the settings are read from (main passes `process.env`). Default: none set. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The real `readFile` of the CLI: a file (or a pipe such as `/dev/stdin`) of at most `maxBytes`
 * (default 4 MiB), as UTF-8; a bigger one fails with a `FileTooLargeError` naming CONFIG_MAX_BYTES
 * after reading no more than the limit.
 */
export function readTextFile(path: string, options: ReadFileOptions = { maxBytes: DEFAULT_MAX_BYTES }): Promise<string> {
  return readBoundedText(path, { maxBytes: options.maxBytes, limitName: CONFIG_LIMIT_SETTINGS.maxBytes, allowStreams: true });
}

/**
 * `CONFIG_MAX_BYTES` / `CONFIG_MAX_ENTITIES` from the command's environment, as the controller
 * reads them; a bad value is reported on stderr and comes back as the exit code (78).
 */
export function configLimitsOrExit(command: string, io: CliIo): ConfigLimits | number {
  try {
    return configLimitsFromEnv(io.env ?? {});
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    io.stderr(`iofog-router ${command}: ${error.message}\n`);
    return EXIT.config;
  }
}

/** Why a config file could not be read: over CONFIG_MAX_BYTES (said as `loadConfig` says it), or the reason. */
export function readFailure(error: unknown): string {
  if (error instanceof FileTooLargeError) return error.describe('the file');
  return `cannot read the file: ${error instanceof Error ? error.message : String(error)}`;
}

/** Exit codes shared by the commands (documented in the README and in `--help`). */
export const EXIT = {
  ok: 0,
  /** `plan`: there are changes (like diff). */
  changes: 1,
  /** `run`: the router did not stop cleanly; `demo`: a step did not behave as expected. */
  failed: 1,
  /** Invalid or unreadable input. */
  invalid: 2,
  /** Bad usage (EX_USAGE). */
  usage: 64,
  /** The router binary or the router cannot be reached (EX_UNAVAILABLE). */
  unavailable: 69,
  /** Unexpected internal error (EX_SOFTWARE). */
  internal: 70,
  /** Invalid settings (EX_CONFIG). */
  config: 78,
} as const;
