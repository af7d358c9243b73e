import type { Log, LogLevel } from '../log.js';

/**
 * skrouterd writes lines like `2026-11-25 20:04:01.123456 +0000 SERVER (info) Listening on ...`;
 * the level in parentheses becomes the level of our structured line, the module a field.
 */
const LINE = /^(?:\S+ \S+ [+-]\d{4} )?([A-Z0-9_]+) \((trace|debug|info|notice|warning|error|critical)\) (.*)$/;

const LEVELS: Record<string, LogLevel> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'error',
};

export function logRouterLine(log: Log, stream: 'stdout' | 'stderr', line: string): void {
  if (line.trim() === '') return;
  const match = LINE.exec(line);
  if (!match) {
    log.info(line, { source: 'skrouterd', stream });
    return;
  }
  const [, module, level, text] = match;
  log[LEVELS[level ?? 'info'] ?? 'info'](text ?? line, { source: 'skrouterd', module });
}

/** What a router line says about an AMQP listener's socket (qd_listener.c `handle_listener`). */
export type ListenerBindEvent =
  | { readonly hostPort: string; readonly bound: true }
  | { readonly hostPort: string; readonly bound: false; readonly reason: string };

const LISTENING = /^Listening on (\S+)$/;
const LISTENER_ERROR = /^Listener error on (\S+): (.*) \([^()]*\)$/;

/**
 * A `SERVER` line about a listener's bind: `Listening on HOST:PORT` (info) or `Listener error on
 * HOST:PORT: DESCRIPTION (CONDITION)` (error), where HOST:PORT is the listener's `host` and `port`
 * as configured. A port-0 listener's line names its assigned address instead and is ignored.
 */
export function listenerBindEvent(line: string): ListenerBindEvent | undefined {
  const match = LINE.exec(line);
  if (!match || match[1] !== 'SERVER') return undefined;
  const text = match[3] ?? '';
  const listening = LISTENING.exec(text);
  if (listening?.[1] !== undefined) return { hostPort: listening[1], bound: true };
  const failed = LISTENER_ERROR.exec(text);
  if (failed?.[1] !== undefined) return { hostPort: failed[1], bound: false, reason: failed[2] ?? '' };
  return undefined;
}
