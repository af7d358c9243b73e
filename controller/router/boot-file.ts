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

/**
 * The router entity of a boot file written before any valid desired state is known (the source
 * is down, or its input invalid): skrouterd needs one to start. The desired router entity, when
 * it arrives, is a restart-only change handled by the restart policy.
 */
export const PLACEHOLDER_ROUTER: DesiredEntity = { kind: 'router', name: 'router', attributes: { id: 'iofog-router-pending', mode: 'standalone' } };

/** The boot file's text: the desired entities plus the management listener (and a router entity if none). */
export function bootConfig(state: DesiredState, managementPort: number): string {
  const desired = state.entities.filter((e) => !(e.kind === 'listener' && e.name === MANAGEMENT_LISTENER));
  const router = desired.some((e) => e.kind === 'router') ? [] : [PLACEHOLDER_ROUTER];
  return writeSkrouterdConfig({ entities: [...router, ...desired, managementListener(managementPort)] });
}

export async function writeBootFile(file: string, state: DesiredState, managementPort: number): Promise<void> {
  await writeFileAtomic(file, bootConfig(state, managementPort));
}
