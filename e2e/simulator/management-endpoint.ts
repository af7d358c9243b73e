/**
 * Where and how the simulator serves management: a host and port, and the security of the
 * listener it stands for (`managementListener`, listener-security.ts) or of the `tls` option.
 */
import { PythonException, SimulatorBootError } from './errors.js';
import { bindHost, bindPort } from './listener-address.js';
import { listenerSecurity, securityFromOptions, type ListenerSecurity, type SimulatorTlsOptions } from './listener-security.js';
import type { PyEntity, RouterState } from './state.js';

export interface Endpoint {
  /** undefined: every local address. */
  readonly host: string | undefined;
  readonly port: number;
  /** undefined: plain AMQP, with or without SASL ANONYMOUS. */
  readonly security: ListenerSecurity | undefined;
  /** The boot file's listener it stands for, if any (served here, not by the listener plane). */
  readonly listener: PyEntity | undefined;
}

export interface EndpointOptions {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly managementListener?: string | undefined;
  readonly tls?: SimulatorTlsOptions | undefined;
}

/**
 * The endpoint for a booted state. A management listener whose sslProfile cannot be used throws
 * SimulatorBootError with the router's start-up failure (its listener creation fails the same way).
 * The `host` option wins over the listener's host; without either, 127.0.0.1. A port name other
 * than amqp/amqps is taken as 5672, as before.
 */
export function managementEndpoint(state: RouterState, options: EndpointOptions): Endpoint {
  const { port, tls, managementListener } = options;
  const host = options.host ?? '127.0.0.1';
  if (managementListener === undefined) {
    return { host, port: port ?? 0, security: tls === undefined ? undefined : securityFromOptions(tls), listener: undefined };
  }
  const listeners = state.entities.filter((e) => e.type.shortName === 'listener');
  const listener = listeners.find((l) => l.attributes['name'] === managementListener) ?? listeners[0];
  const chosen = port ?? (listener ? (bindPort(listener.attributes['port']) ?? 5672) : 5672);
  const where = { host: options.host ?? (listener ? bindHost(listener.attributes['host']) : host), port: chosen, listener };
  if (tls !== undefined) return { ...where, security: securityFromOptions(tls) };
  if (!listener) return { ...where, security: undefined };
  const profiles = state.entities.filter((e) => e.type.shortName === 'sslProfile').map((e) => e.attributes);
  try {
    return { ...where, security: listenerSecurity(listener.attributes, profiles) };
  } catch (e) {
    if (!(e instanceof PythonException)) throw e;
    throw new SimulatorBootError(`Python: ${e.text}`, { cause: e });
  }
}
