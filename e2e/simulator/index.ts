/**
 * A faithful in-process stand-in for skupper-router 3.5.1's AMQP management: the router for CI,
 * the `demo` command and benchmarks.
 *
 * ```ts
 * const sim = await startSimulator({ boot: { file: 'skrouterd.json' }, latency: false });
 * // connect a management client to sim.url ...
 * sim.stats.requests.CREATE; sim.snapshot()['io.skupper.router.listener'];
 * await sim.faults.crash({ downMs: 500 });
 * await sim.close();
 * ```
 *
 * Deliberate differences from a real router: no sockets are bound for listeners and connectors
 * never connect (they stay CONNECTING); tcpListeners bind nothing unless `tcpDataPlane` is set
 * (then they forward to tcpConnectors, see tcp-plane.ts); TLS files are not read
 * unless `checkTlsFiles` is set; the boot file is always parsed as JSON (the product only writes
 * `.json`); orders the router derives from hash iteration (log modules, allocators) are fixed.
 */
import type { Attributes } from './python-values.js';
import { RouterSimulator, type SimulatorFaults, type SimulatorOptions, type SimulatorStats } from './simulator.js';

export type { SimulatorFaults, SimulatorOptions, SimulatorStats } from './simulator.js';
export type { LatencyCoefficients, LatencyOptions } from './latency.js';
export { DEFAULT_LATENCY, operationCost } from './latency.js';
export { SimulatorBootError } from './errors.js';
export type { BootSource } from './boot.js';

export interface Simulator {
  readonly port: number;
  /** `amqp://<host>:<port>` */
  readonly url: string;
  /** Stops listening and drops every connection; pending replies are discarded. */
  close(): Promise<void>;
  /** Configuration entities by long type (every configurable type present, possibly empty). */
  snapshot(): Record<string, Record<string, unknown>[]>;
  readonly stats: SimulatorStats;
  readonly faults: SimulatorFaults;
}

/** Boots a simulated router from its boot file and listens; rejects with SimulatorBootError on a bad boot file. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const simulator = await RouterSimulator.start(options);
  return {
    get port() {
      return simulator.port;
    },
    get url() {
      return simulator.url;
    },
    close: () => simulator.close(),
    snapshot: (): Record<string, Attributes[]> => simulator.snapshot(),
    stats: simulator.stats,
    faults: simulator.faults,
  };
}
