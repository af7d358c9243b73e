/**
 * The kubernetes-mode rig of the scenario files: the router target, a base desired state on free
 * ports, and controllers started on it (disposed after each test by `disposeAll`).
 */
import { writeSkrouterdConfig } from '../../../schemas/config/index.js';
import type { DesiredEntity } from '../../../schemas/index.js';
import { ControllerProcess, freePort } from '../../harness/controller-process.js';
import { routerTarget } from '../../harness/router-target.js';

export const target = routerTarget();
export const T = (type: string) => `io.skupper.router.${type}`;

export interface Ports {
  amqp: number;
  web: number;
  api: number;
  extra: number;
}

export function entities(ports: Ports, routerId = 'e2e-edge'): DesiredEntity[] {
  return [
    { kind: 'router', name: routerId, attributes: { id: routerId, mode: 'edge' } },
    { kind: 'listener', name: 'edge-amqp', attributes: { host: '127.0.0.1', port: String(ports.amqp), role: 'normal' } },
    { kind: 'log', name: 'log/DEFAULT', attributes: { module: 'DEFAULT', enable: 'info+' } },
    { kind: 'tcpListener', name: 'web', attributes: { host: '127.0.0.1', port: String(ports.web), address: 'web' } },
    { kind: 'tcpConnector', name: 'web-backend', attributes: { host: '127.0.0.1', port: '8080', address: 'web' } },
  ];
}

export const file = (list: DesiredEntity[]) => writeSkrouterdConfig({ entities: list });

export async function names(c: ControllerProcess, type: string): Promise<string[]> {
  return (await c.management.query(T(type), ['name'])).map((r) => String(r['name'])).sort();
}

export async function ports(): Promise<Ports> {
  return { amqp: await freePort(), web: await freePort(), api: await freePort(), extra: await freePort() };
}

let running: ControllerProcess[] = [];
export async function start(config: string, env: Record<string, string> = {}): Promise<ControllerProcess> {
  const c = await ControllerProcess.start({ target, config, env });
  running.push(c);
  return c;
}

/** A controller on the base entities, converged; `p` holds the ports it uses. */
export async function converged(env: Record<string, string> = {}): Promise<{ c: ControllerProcess; p: Ports }> {
  const p = await ports();
  const text = file(entities(p));
  const c = await start(text, env);
  await c.waitConverged(c.revisionOf(text));
  return { c, p };
}

/** For `afterEach`: stops every controller `start` started. */
export async function disposeAll(): Promise<void> {
  await Promise.all(running.map((c) => c.dispose()));
  running = [];
}
