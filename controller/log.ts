/**
 * Structured logging on tslog: one JSON object per line when stdout is not a terminal, readable
 * lines when it is. Secrets are masked by key and by shape before anything is written.
 */
import { Logger as TsLogger, type ILogObj } from 'tslog';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/** What the rest of the controller logs through; small so tests can capture it. */
export interface Log {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose every line carries `fields` (e.g. the pass's `reconcileId`). */
  child(fields: LogFields): Log;
}

export interface LogOptions {
  /** Least severe level written. Default `info`. */
  readonly level?: LogLevel;
  /** JSON lines (default when stdout is not a TTY) or readable lines. */
  readonly json?: boolean;
  /** Where lines go. Default: process.stdout. */
  readonly write?: (line: string) => void;
}

/** Keys whose values never reach a log line. */
export const SECRET_KEYS = ['password', 'saslPassword', 'token', 'authorization', 'privateKey', 'key', 'passphrase'];
/** PEM private keys and bearer tokens, wherever they appear in a value. */
const SECRET_SHAPES = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
];
const MASK = '***';

const LEVEL_IDS: Record<LogLevel, number> = { debug: 2, info: 3, warn: 4, error: 5 };

/**
 * A line to stdout. A reader that went away (EPIPE: the log collector died, a `| head`) must not
 * end the controller: Node emits that as an 'error' event on stdout, which with no listener throws.
 */
function writeStdout(line: string): void {
  if (!stdoutErrorsIgnored) {
    stdoutErrorsIgnored = true;
    process.stdout.on('error', () => undefined);
  }
  process.stdout.write(line + '\n');
}
let stdoutErrorsIgnored = false;

export function createLog(options: LogOptions = {}): Log {
  const json = options.json ?? !process.stdout.isTTY;
  const write = options.write ?? writeStdout;
  const logger = new TsLogger<ILogObj>({
    type: json ? 'json' : 'pretty',
    minLevel: LEVEL_IDS[options.level ?? 'info'],
    maskValuesOfKeys: SECRET_KEYS,
    maskValuesOfKeysCaseInsensitive: true,
    maskValuesRegEx: SECRET_SHAPES,
    maskPlaceholder: MASK,
    hideLogPositionForProduction: true,
    prettyLogTemplate: '{{hh}}:{{MM}}:{{ss}}.{{ms}} {{logLevelName}} ',
    overwrite: {
      transportJSON: (obj) => write(JSON.stringify(toLine(obj as Record<string, unknown>))),
      transportFormatted: (meta, args) => write(meta + args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')),
    },
  });
  return wrap(logger, {});
}

/** Flattens tslog's `{0: message, 1: fields, _meta}` into `{time, level, msg, ...fields}`. */
function toLine(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = (obj['_meta'] ?? {}) as { date?: Date | string; logLevelName?: string };
  const fields = typeof obj['1'] === 'object' && obj['1'] !== null ? (obj['1'] as Record<string, unknown>) : {};
  const time = meta.date instanceof Date ? meta.date.toISOString() : meta.date;
  return { time, level: meta.logLevelName?.toLowerCase(), msg: obj['0'], ...fields };
}

function wrap(logger: TsLogger<ILogObj>, context: LogFields): Log {
  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    const merged = { ...context, ...fields };
    if (Object.keys(merged).length === 0) logger[level](message);
    else logger[level](message, merged);
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => wrap(logger, { ...context, ...fields }),
  };
}

/** Turns an error into loggable fields without losing its data or cause. */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: String(error) };
  const data: LogFields = { error: error.message, errorName: error.name };
  if (error.cause !== undefined) data['cause'] = error.cause instanceof Error ? error.cause.message : JSON.stringify(error.cause);
  return data;
}
