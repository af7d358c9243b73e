/**
 * Where an AMQP listener entity binds, as skrouterd and proton read its `host` and `port`
 * (server_config.c `set_config_host`, proactor-internal.c `pni_parse_addr`), and how the router
 * logs a listener that cannot bind (qd_listener.c `handle_listener`, `pni_proactor_set_cond`).
 */
import { pyStr, type Attributes } from './python-values.js';

/** proton's names for the two AMQP ports; any other name is a getaddrinfo service lookup. */
const SERVICES: Record<string, number> = { amqp: 5672, amqps: 5671, '': 5672 };

/**
 * The address Node binds for a listener's host: undefined for every local address (an empty or
 * missing host), `127.0.0.1` for `localhost` (proton binds each of its addresses; the simulator
 * only the IPv4 one), an IPv6 literal without its brackets, anything else as written.
 */
export function bindHost(host: unknown): string | undefined {
  if (host === undefined || host === null) return undefined;
  const text = pyStr(host);
  if (text === '') return undefined;
  if (text === 'localhost') return '127.0.0.1';
  return /^\[.*\]$/.test(text) ? text.slice(1, -1) : text;
}

/** The port number of a listener's port, or undefined for a service name proton cannot resolve. */
export function bindPort(port: unknown): number | undefined {
  const text = port === undefined || port === null ? 'amqp' : pyStr(port);
  const known = SERVICES[text];
  if (known !== undefined) return known;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/** The router's `host_port` of a listener: both attributes as configured (`:5672` for no host). */
export function hostPort(listener: Attributes): string {
  const { host, port } = listener;
  return `${host === undefined || host === null ? '' : pyStr(host)}:${port === undefined || port === null ? 'amqp' : pyStr(port)}`;
}

/** strerror / gai_strerror of the failures a bind can meet. */
const REASONS: Record<string, string> = {
  EADDRINUSE: 'Address already in use',
  EACCES: 'Permission denied',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EINVAL: 'Invalid argument',
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_SERVICE: 'Servname not supported for ai_socktype',
};

/** proton's description of a failed bind (`pni_proactor_set_cond`): `REASON - listen on HOST:PORT`. */
export function bindFailure(listener: Attributes, error: NodeJS.ErrnoException | 'EAI_SERVICE'): string {
  const code = error === 'EAI_SERVICE' ? error : (error.code ?? '');
  const reason = REASONS[code] ?? (error === 'EAI_SERVICE' ? code : error.message);
  const host = bindHost(listener['host']) === undefined ? '' : pyStr(listener['host']);
  const port = bindPort(listener['port']);
  return `${reason} - listen on ${host}:${port === undefined ? pyStr(listener['port']) : String(port)}`;
}

/** The line skrouterd logs when an AMQP listener's bind fails (qd_listener.c `handle_listener`). */
export function listenerErrorLine(listener: Attributes, error: NodeJS.ErrnoException | 'EAI_SERVICE'): string {
  return `SERVER (error) Listener error on ${hostPort(listener)}: ${bindFailure(listener, error)} (proton:io)`;
}

/**
 * The line the TCP adaptor logs when a tcpListener's bind fails (adaptor_listener.c
 * `_listener_event_handler`: the condition's name, then its description, which also becomes the
 * listener's `connectionMsg`).
 */
export function tcpListenerErrorLine(name: string, listener: Attributes, description: string): string {
  return `TCP_ADAPTOR (error) Listener ${name}: proactor listener error on ${hostPort(listener)}: proton:io (${description})`;
}
