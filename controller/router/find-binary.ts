import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { StartupError } from '../startup-error.js';

/** Where the router image installs skrouterd. */
export const IMAGE_ROUTER_PATH = '/usr/sbin/skrouterd';

/** True when `path` is a file this process may execute. */
export function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The skrouterd to run: `SKROUTERD_BIN` (must exist), else `skrouterd` on `PATH`, else the image's
 * path. Returns undefined when none exists, so `run` can say so plainly.
 */
export function findRouterBinary(configured: string | undefined, pathVariable: string | undefined): string | undefined {
  if (configured !== undefined) return executable(configured) ? configured : undefined;
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'skrouterd'))) return join(dir, 'skrouterd');
  }
  return executable(IMAGE_ROUTER_PATH) ? IMAGE_ROUTER_PATH : undefined;
}

/** {@link findRouterBinary}, or a StartupError that says what to set. */
export function requireRouterBinary(configured: string | undefined, pathVariable: string | undefined): string {
  const binary = findRouterBinary(configured, pathVariable);
  if (binary !== undefined) return binary;
  throw new StartupError(
    configured !== undefined
      ? `SKROUTERD_BIN=${configured} is not an executable file`
      : `no skrouterd found (not on PATH, not at ${IMAGE_ROUTER_PATH}): set SKROUTERD_BIN, or attach to a running router with --router amqp://host:port`,
  );
}
