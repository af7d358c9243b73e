/**
 * The file the router boots from: the desired state plus the controller's own management
 * listener (loopback only, protected from deletion). Booting from it means a cold start costs no
 * management writes; only later deltas go over management.
 */
import { writeSkrouterdConfig } from '../../schemas/config/index.js';
import type { DesiredEntity, DesiredState } from '../../schemas/index.js';
import { writeFileAtomic } from '../fs/atomic-write.js';

/** Name of the management listener the controller adds; reserved, never planned. */
export const MANAGEMENT_LISTENER = 'iofog-router-management';

export function managementListener(port: number): DesiredEntity {
  return {
    kind: 'listener',
    name: MANAGEMENT_LISTENER,
    attributes: { host: '127.0.0.1', port: String(port), role: 'normal', saslMechanisms: 'ANONYMOUS', authenticatePeer: false },
  };
}

/** The boot file's text: the desired entities with the management listener first among listeners. */
export function bootConfig(state: DesiredState, managementPort: number): string {
  const entities = state.entities.filter((e) => !(e.kind === 'listener' && e.name === MANAGEMENT_LISTENER));
  const at = entities.findIndex((e) => e.kind === 'listener');
  const listener = managementListener(managementPort);
  const withListener = at < 0 ? [...entities, listener] : [...entities.slice(0, at), listener, ...entities.slice(at)];
  return writeSkrouterdConfig({ entities: withListener });
}

export async function writeBootFile(file: string, state: DesiredState, managementPort: number): Promise<void> {
  await writeFileAtomic(file, bootConfig(state, managementPort));
}
