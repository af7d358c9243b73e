/** What every CLI command gets: where to write, how to read files. Tests pass fakes. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (path: string) => Promise<string>;
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
