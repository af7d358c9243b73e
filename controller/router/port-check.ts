/**
 * The management port must be free before the router starts: a router that cannot bind its
 * management listener exits at boot, and when something else answers there (a router left by an
 * earlier controller), the controller talks to the wrong router and reports a TLS error. So a held
 * port is a start-up error naming the port and, when /proc shows it, the holder.
 */
import { createServer } from 'node:net';
import { StartupError } from '../startup-error.js';
import { portHolders, type PortHolder } from './proc.js';

export class ManagementPortInUseError extends StartupError {
  readonly port: number;
  readonly holders: readonly PortHolder[];

  constructor(port: number, holders: readonly PortHolder[], options?: ErrorOptions) {
    const who = holders.length > 0 ? `by ${holders.map((h) => `pid ${h.pid} (${h.command})`).join(', ')}` : 'by a process this user cannot see';
    super(`the router's management port 127.0.0.1:${port} (ROUTER_MGMT_PORT) is already in use ${who}: stop it or choose another port`, options);
    this.port = port;
    this.holders = holders;
  }

  override get name(): string {
    return 'ManagementPortInUseError';
  }
}

/** Resolves when 127.0.0.1:`port` can be bound; throws ManagementPortInUseError when it cannot. */
export async function assertPortFree(port: number): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: '127.0.0.1', exclusive: true }, resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new ManagementPortInUseError(port, portHolders(port), { cause: error });
    throw error;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
