/**
 * Prometheus metrics, named in controller-runtime's style under the `iofog_router_` prefix.
 * Each controller owns its own registry, so tests and the demo can run several side by side.
 */
import type { SourceHealth } from '../sources/health.js';
import { registerProcessMetrics } from './process-metrics.js';
import { Counter, Gauge, Histogram, Registry } from './prometheus.js';

export class Metrics {
  readonly registry = new Registry();

  /** Passes by result: success, error (retried with backoff), terminal (invalid input, refused entities) or stopped (cut short by SIGTERM). */
  readonly passes = new Counter({
    name: 'iofog_router_reconcile_total',
    help: 'Reconcile passes by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly passDuration = new Histogram({
    name: 'iofog_router_reconcile_time_seconds',
    help: 'Duration of reconcile passes.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly operations = new Counter({
    name: 'iofog_router_management_operations_total',
    help: 'Management operations sent to the router by entity type, operation and result.',
    labelNames: ['type', 'op', 'result'] as const,
    registers: [this.registry],
  });
  readonly driftCorrections = new Counter({
    name: 'iofog_router_drift_corrections_total',
    help: 'Entities the router lost or changed behind the controller\'s back and that were put back (an operation on an entity whose desired value did not change since it was last in sync, or the delete of one that appeared since).',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly routerRestarts = new Counter({
    name: 'iofog_router_router_restarts_total',
    help: 'Router restarts seen, by reason (crash, policy, detected).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly desiredEntities = new Gauge({
    name: 'iofog_router_desired_entities',
    help: 'Entities in the desired state by type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly rejectedConfigs = new Counter({
    name: 'iofog_router_rejected_configs_total',
    help: 'Desired states rejected by validation.',
    registers: [this.registry],
  });
  readonly lastSuccess = new Gauge({
    name: 'iofog_router_last_success_timestamp_seconds',
    help: 'Unix time of the last pass that converged.',
    registers: [this.registry],
  });

  /** 1 when the last read of the desired-state source succeeded (pot: the Edgelet), else 0. */
  readonly sourceUp = new Gauge({
    name: 'iofog_router_source_up',
    help: 'Whether the last read of the desired-state source succeeded (1) or failed (0); the router keeps the last good state meanwhile.',
    registers: [this.registry],
    // The registry runs every collect before it writes anything: this one updates sourceErrors too.
    collect: () => this.#collectSource(),
  });
  readonly sourceErrors = new Counter({
    name: 'iofog_router_source_errors_total',
    help: 'Failed reads of the desired-state source, by reason (file: errno code; pot: unreachable, http, not-found, unauthorized, envelope, ...).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  #sourceHealth: (() => SourceHealth) | undefined;

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) registerProcessMetrics(this.registry, 'iofog_router_');
  }

  /** The source metrics are read from `health` at every scrape (the source's watcher reads between passes). */
  observeSource(health: () => SourceHealth): void {
    this.#sourceHealth = health;
  }

  /** Brings the source metrics up to date; the registry calls it before each scrape. */
  #collectSource(): void {
    const health = this.#sourceHealth?.();
    if (!health) return;
    this.sourceUp.set(health.up ? 1 : 0);
    this.sourceErrors.reset();
    for (const [reason, n] of Object.entries(health.errors)) this.sourceErrors.inc({ reason }, n);
  }

  /** Replaces the desired-entity gauge with the counts of one desired state. */
  setDesired(counts: Readonly<Record<string, number>>): void {
    this.desiredEntities.reset();
    for (const [type, n] of Object.entries(counts)) this.desiredEntities.set({ type }, n);
  }
}
