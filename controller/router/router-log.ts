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

/**
 * Which listener a router line is about: an AMQP `listener` by the `host:port` it logs (both
 * attributes as configured), a `tcpListener` by name.
 */
export type ListenerRef = { readonly kind: 'listener'; readonly hostPort: string } | { readonly kind: 'tcpListener'; readonly name: string };

/** What a router line says about a listener's socket. */
export type ListenerBindEvent = ListenerRef & ({ readonly bound: true } | { readonly bound: false; readonly reason: string; readonly at: string });

/** qd_listener.c `handle_listener` (module SERVER). A port-0 listener's line names its assigned address and is not matched. */
const AMQP_LISTENING = /^Listening on (\S+)$/;
const AMQP_ERROR = /^Listener error on (\S+): (.*) \([^()]*\)$/;
/** adaptor_listener.c `_listener_event_handler` (module TCP_ADAPTOR): the condition's name, then its description. */
const TCP_LISTENING = /^Listener (.+): listening for client connections on (\S+) with backlog \d+$/;
const TCP_ERROR = /^Listener (.+): proactor listener error on (\S+): \S+ \((.*)\)$/;

/**
 * A line about a listener's bind: `SERVER` `Listening on HOST:PORT` / `Listener error on
 * HOST:PORT: DESCRIPTION (CONDITION)`, or `TCP_ADAPTOR` `Listener NAME: listening for client
 * connections on ...` / `Listener NAME: proactor listener error on HOST:PORT: CONDITION (DESCRIPTION)`.
 */
export function listenerBindEvent(line: string): ListenerBindEvent | undefined {
  const match = LINE.exec(line);
  const text = match?.[3] ?? '';
  let m: RegExpExecArray | null;
  switch (match?.[1]) {
    case 'SERVER':
      if ((m = AMQP_LISTENING.exec(text)) && m[1] !== undefined) return { kind: 'listener', hostPort: m[1], bound: true };
      if ((m = AMQP_ERROR.exec(text)) && m[1] !== undefined) return { kind: 'listener', hostPort: m[1], bound: false, reason: m[2] ?? '', at: m[1] };
      return undefined;
    case 'TCP_ADAPTOR':
      if ((m = TCP_LISTENING.exec(text)) && m[1] !== undefined) return { kind: 'tcpListener', name: m[1], bound: true };
      if ((m = TCP_ERROR.exec(text)) && m[1] !== undefined && m[2] !== undefined) return { kind: 'tcpListener', name: m[1], bound: false, reason: m[3] ?? '', at: m[2] };
      return undefined;
    default:
      return undefined;
  }
}
