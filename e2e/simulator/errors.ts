/**
 * Failures inside the simulated agents, shaped like the router's own: a status error carries its
 * status code and text; a validation error becomes 400 with its message; any other Python
 * exception becomes 500 `"<ExceptionType>: <message>"`; a C-side failure is the `CError` the
 * ctypes wrapper raises, `"CError: <error kind>: <message>"`.
 */

/** An error the agent answers with a given status (NotFoundStatus, BadRequestStatus, ...). */
export class StatusError extends Error {
  constructor(
    readonly statusCode: number,
    readonly description: string,
  ) {
    super(description);
    this.name = 'StatusError';
  }
}

/** The Python schema's ValidationError: answered 400 with the message. */
export class SchemaValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaValidationError';
  }
}

/** Any other Python exception: answered 500 `"<pythonType>: <message>"`. */
export class PythonException extends Error {
  constructor(
    readonly pythonType: string,
    message: string,
  ) {
    super(message);
    this.name = 'PythonException';
  }

  get text(): string {
    return `${this.pythonType}: ${this.message}`;
  }
}

/** qd_error kinds as `qd_error_name` prints them. */
export type CErrorKind = 'Not found' | 'Already exists' | 'Bad value' | 'Configuration' | 'Python' | 'Wrong type';

/** A C-side failure surfaced through the ctypes wrapper. */
export class CError extends PythonException {
  constructor(kind: CErrorKind, message: string) {
    super('CError', `${kind}: ${message}`);
    this.name = 'CError';
  }
}

/** Python's `AttributeError` for an attribute an entity adapter does not have (empty message). */
export function missingAttribute(): PythonException {
  return new PythonException('AttributeError', '');
}

/** How a router process that could not start ends: an exit status, or killed by a signal. */
export type BootExit = { readonly exitCode: number } | { readonly signal: 'SIGABRT' };

/**
 * The router did not start from its boot file. By default it refused it: `detail` is its error
 * (`qd_error_message()`, e.g. `Python: CError: Configuration: ...`), `message` the line it logs
 * (`Router start-up failed: <detail>`), and it exits with status 1. With `exit`, it ended
 * otherwise, and `logged` says whether it wrote anything (else `message` only explains, for
 * in-process use).
 */
export class SimulatorBootError extends Error {
  readonly exit: BootExit;
  readonly detail: string;
  /** Whether the router reports `detail` on stderr before it ends. */
  readonly logged: boolean;

  constructor(detail: string, options?: { cause?: unknown; exit?: BootExit; logged?: boolean }) {
    const exit = options?.exit ?? { exitCode: 1 };
    const refused = 'exitCode' in exit && exit.exitCode === 1;
    super(refused ? `Router start-up failed: ${detail}` : detail, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SimulatorBootError';
    this.exit = exit;
    this.detail = detail;
    this.logged = options?.logged ?? refused;
  }
}

/** The log line's time as skrouterd writes it by default (`%Y-%m-%d %H:%M:%S.%06lu %z`, local time). */
export function logTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const offset = -date.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds() * 1000, 6)}`;
  return `${day} ${time} ${zone}`;
}

/**
 * What skrouterd 3.5.1 writes to stderr when its start-up fails (main.c `check`): the critical log
 * line of the ROUTER module, then `<argv0>: <error>`.
 */
export function bootFailureLines(error: SimulatorBootError, now: Date, argv0 = 'skrouterd'): string[] {
  if (!error.logged) return [];
  return [`${logTimestamp(now)} ROUTER (critical) ${error.message}`, `${argv0}: ${error.detail}`];
}

/** Python's `str()` of a traceback object, which some 3.5.1 validation messages embed. */
export const TRACEBACK_TEXT = '<traceback object at 0x7f4c2d1e8a40>';
