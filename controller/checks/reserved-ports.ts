/**
 * The ports this controller holds on the router's machine, as `loadConfig`'s `reservedPorts`: a
 * desired listener on one of them would fail to bind (an AMQP listener stops the router's boot).
 *
 * - `ROUTER_MGMT_PORT` on 127.0.0.1: the management listener the controller adds to the boot
 *   file; only when it supervises the router (attach mode adds none).
 * - `HTTP_PORT` on the HTTP server's address (`0.0.0.0` unless the caller binds elsewhere): when
 *   the controller shares the router's network, i.e. it supervises the router, or attaches to one
 *   on a loopback address. `0` (any free port) reserves nothing.
 */
import type { ReservedPort } from '../../schemas/config/index.js';
import type { Settings } from '../settings.js';

export const MANAGEMENT_OWNER = "the controller's management listener (ROUTER_MGMT_PORT)";
export const HTTP_OWNER = "the controller's HTTP server (HTTP_PORT)";

const LOOPBACK = /^(?:localhost|127(?:\.[0-9]{1,3}){3}|\[::1\])$/i;

/** Whether an attach-mode `ROUTER_URL` names a router on this machine's loopback. */
function onLoopback(url: string): boolean {
  try {
    return LOOPBACK.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

export function reservedPortsOf(
  settings: Pick<Settings, 'managementPort' | 'httpPort' | 'routerUrl'>,
  httpHost = '0.0.0.0',
): ReservedPort[] {
  const attached = settings.routerUrl !== undefined;
  const ports: ReservedPort[] = [];
  if (!attached) ports.push({ port: settings.managementPort, host: '127.0.0.1', owner: MANAGEMENT_OWNER });
  const sharesNetwork = !attached || onLoopback(settings.routerUrl ?? '');
  if (settings.httpPort > 0 && sharesNetwork) ports.push({ port: settings.httpPort, host: httpHost, owner: HTTP_OWNER });
  return ports;
}
