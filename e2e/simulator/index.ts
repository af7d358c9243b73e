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
 * Deliberate differences from a real router: listeners other than the management endpoint bind
 * nothing unless `serveListeners` is set (the default with `managementListener`, as `-c FILE`
 * runs: then every normal and route-container listener serves AMQP, see amqp-listeners.ts; one
 * that cannot bind is logged, and ends the router when it is one of the boot file's, as in
 * skrouterd; router-to-router and http listeners bind nothing, so they never fail to); connectors never connect (they stay CONNECTING); tcpListeners
 * bind nothing unless `tcpDataPlane` is set (then they forward to tcpConnectors, see
 * tcp-plane.ts); TLS files are not read unless `checkTlsFiles` is set, except those of the
 * listeners served (see dataplane.ts and listener-security.ts); the boot file is always parsed as JSON (the
 * product only writes `.json`); orders the router derives from hash iteration (log modules,
 * allocators) are fixed; `router.address` lists an interior router's own addresses in every mode
 * (c-core-rows.ts); a refused client certificate gets OpenSSL's alert over TLS 1.3 only (TLS 1.2
 * is dropped without one, tls-alert.ts); a vhost's `remoteHosts` are not parsed (policy-rules.ts).
 */
import type { Attributes } from './python-values.js';
import { RouterSimulator, type SimulatorFaults, type SimulatorOptions, type SimulatorStats } from './simulator.js';

export type { SimulatorFaults, SimulatorOptions, SimulatorStats } from './simulator.js';
export type { LatencyCoefficients, LatencyOptions } from './latency.js';
export type { SimulatorTlsOptions } from './listener-security.js';
export { DEFAULT_LATENCY, operationCost } from './latency.js';
export { SimulatorBootError } from './errors.js';
export type { BootSource } from './boot.js';

export interface Simulator {
  readonly port: number;
  /** `amqp://<host>:<port>`, or `amqps://` when the management port is secured with TLS. */
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
