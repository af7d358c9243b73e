import { describe, expect, it } from 'vitest';
import { Registry } from '../http/prometheus.js';
import { registerReadinessMetric } from './readiness-metric.js';

describe('iofog_router_ready', () => {
  it('follows readiness at every scrape', async () => {
    const registry = new Registry();
    let ok = false;
    registerReadinessMetric(registry, () => ({ ok }));
    expect(await registry.metrics()).toContain('iofog_router_ready 0');
    ok = true;
    expect(await registry.metrics()).toContain('iofog_router_ready 1');
  });
});
