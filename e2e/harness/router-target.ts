/**
 * Which router the scenario suite drives, chosen once per run:
 * 1. `SKROUTERD_BIN`: a real skrouterd binary (e.g. a local skupper-router 3.5.1 build);
 * 2. a container engine (`docker` or `podman`, or `CONTAINER_ENGINE`) that answers `info`: the
 *    router image, through `router-build/skrouterd-container`;
 * 3. otherwise the built-in simulator, with skrouterd's command line (`e2e/simulator/skrouterd-sim`).
 * Every target is started the same way by the controller under test: `BIN -c BOOT_FILE`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { executable } from '../../controller/router/find-binary.js';

export interface RouterTarget {
  readonly kind: 'binary' | 'container' | 'simulator';
  /** What the controller runs as SKROUTERD_BIN. */
  readonly bin: string;
  /** Extra environment for that command (e.g. the container engine). */
  readonly env: Readonly<Record<string, string>>;
  readonly description: string;
}

const SIMULATOR_SHIM = fileURLToPath(new URL('../simulator/skrouterd-sim', import.meta.url));
const CONTAINER_SHIM = fileURLToPath(new URL('../../router-build/skrouterd-container', import.meta.url));

function workingEngine(env: NodeJS.ProcessEnv): string | undefined {
  const candidates = env['CONTAINER_ENGINE'] ? [env['CONTAINER_ENGINE']] : ['docker', 'podman'];
  return candidates.find((engine) => spawnSync(engine, ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0);
}

export function routerTarget(env: NodeJS.ProcessEnv = process.env): RouterTarget {
  const bin = env['SKROUTERD_BIN'];
  if (bin) {
    if (!executable(bin)) throw new Error(`SKROUTERD_BIN=${bin} is not an executable file`);
    return { kind: 'binary', bin, env: {}, description: `real router: ${bin}` };
  }
  if (env['E2E_NO_CONTAINER'] !== '1' && executable(CONTAINER_SHIM)) {
    const engine = workingEngine(env);
    if (engine) {
      const image = env['ROUTER_IMAGE'] ?? 'quay.io/skupper/skupper-router:3.5.1';
      return { kind: 'container', bin: CONTAINER_SHIM, env: { CONTAINER_ENGINE: engine, ROUTER_IMAGE: image }, description: `real router: ${image} via ${engine}` };
    }
  }
  return {
    kind: 'simulator',
    bin: SIMULATOR_SHIM,
    env: {},
    description: 'built-in simulator (no SKROUTERD_BIN and no container engine found)',
  };
}
