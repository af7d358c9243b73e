/**
 * `iofog_router_ready`: 1 while `/readyz` would answer 200 (router reachable, last pass converged
 * with nothing failed, held back or rejected), else 0; read from `readiness` at every scrape, so
 * an alert can say "not ready for 5 minutes" without a probe of its own.
 */
import { Gauge, type Registry } from '../http/prometheus.js';

export function registerReadinessMetric(registry: Registry, readiness: () => { readonly ok: boolean }): void {
  const ready: Gauge = new Gauge({
    name: 'iofog_router_ready',
    help: 'Whether the controller is ready (1: router reachable and the last pass converged) or not (0), as /readyz says.',
    registers: [registry],
    collect: () => ready.set(readiness().ok ? 1 : 0),
  });
}
