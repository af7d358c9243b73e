/**
 * Prometheus metrics, named in controller-runtime's style under the `iofog_router_` prefix.
 * Each controller owns its own registry, so tests and the demo can run several side by side.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  /** Passes by result: success, error (retried with backoff) or terminal (invalid input). */
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
    help: 'Entities changed on the router behind the controller\'s back and put back.',
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

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'iofog_router_' });
  }

  /** Replaces the desired-entity gauge with the counts of one desired state. */
  setDesired(counts: Readonly<Record<string, number>>): void {
    this.desiredEntities.reset();
    for (const [type, n] of Object.entries(counts)) this.desiredEntities.set({ type }, n);
  }
}
