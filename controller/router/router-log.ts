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
