/**
 * The file the router boots from: the desired state plus the controller's own management
 * listener (loopback only, mutual TLS by default, protected from deletion). Booting from it means
 * a cold start costs no management writes; only later deltas go over management.
 */
import { writeSkrouterdConfig } from '../../schemas/config/index.js';
import type { DesiredEntity, DesiredState } from '../../schemas/index.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { MANAGEMENT_NAMES } from './management-channel.js';

export { MANAGEMENT_LISTENER, MANAGEMENT_NAMES } from './management-channel.js';

/**
 * The router entity of a boot file written before any valid desired state is known (the source
 * is down, or its input invalid): skrouterd needs one to start. The desired router entity, when
 * it arrives, is a restart-only change handled by the restart policy.
 */
export const PLACEHOLDER_ROUTER: DesiredEntity = { kind: 'router', name: 'router', attributes: { id: 'iofog-router-pending', mode: 'standalone' } };

/**
 * The boot file's text: the desired entities plus the management channel's (see
 * `management-channel.ts`), and a router entity if none. Desired entities with the channel's
 * reserved names, of any type, are left out: the planner never touches those names either.
 */
export function bootConfig(state: DesiredState, channel: readonly DesiredEntity[]): string {
  const desired = state.entities.filter((e) => !MANAGEMENT_NAMES.includes(e.name));
  const router = desired.some((e) => e.kind === 'router') ? [] : [PLACEHOLDER_ROUTER];
  return writeSkrouterdConfig({ entities: [...router, ...desired, ...channel] });
}

export async function writeBootFile(file: string, state: DesiredState, channel: readonly DesiredEntity[]): Promise<void> {
  await writeFileAtomic(file, bootConfig(state, channel));
}
