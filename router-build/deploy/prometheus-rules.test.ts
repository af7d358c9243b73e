/**
 * The Prometheus rules: every expression parses as PromQL (Prometheus's own lezer grammar), every
 * metric it reads is one the controller exports (taken from the registries the controller builds,
 * not from a list), and every `$labels.x` an annotation shows is a label of those metrics (or one
 * Prometheus adds when scraping).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../controller/http/metrics.js';
import { Registry } from '../../controller/http/prometheus.js';
import { registerCertificateMetrics } from '../../controller/health/certificate-metrics.js';
import { registerRouterHealthMetrics } from '../../controller/health/health-metrics.js';
import { RouterHealthPoller } from '../../controller/health/health-poller.js';
import { registerReadinessMetric } from '../../controller/health/readiness-metric.js';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const RULES_FILE = join(import.meta.dirname, 'prometheus', 'iofog-router-rules.yaml');
const rules = (yaml.load(readFileSync(RULES_FILE, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

/** Every series name the controller exports, with its label names. */
function exported(): Map<string, readonly string[]> {
  const metrics = new Metrics();
  const extra = new Registry();
  const poller = new RouterHealthPoller({ management: { query: () => Promise.resolve([]) } });
  registerRouterHealthMetrics(extra, poller);
  registerCertificateMetrics(extra, () => Promise.resolve([]));
  registerReadinessMetric(extra, () => ({ ok: true }));
  const names = new Map<string, readonly string[]>();
  for (const registry of [metrics.registry, extra]) {
    for (const { name, type, labelNames } of registry.getMetricsAsArray()) {
      const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
      for (const suffix of suffixes) names.set(name + suffix, suffix === '_bucket' ? [...labelNames, 'le'] : labelNames);
    }
  }
  poller.close();
  return names;
}

interface Parsed {
  errors: number;
  metrics: string[];
}

function parse(expr: string): Parsed {
  const result: Parsed = { errors: 0, metrics: [] };
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) result.errors++;
      if (node.name === 'VectorSelector') {
        const identifier = node.node.getChild('Identifier');
        if (identifier) result.metrics.push(expr.slice(identifier.from, identifier.to));
      }
    },
  });
  return result;
}

describe('prometheus rules', () => {
  it('alert on what the issue asks: not ready, link down, certificate expiring, restarts, source failing', () => {
    const exprs = rules.map((r) => r.expr).join('\n');
    for (const metric of ['iofog_router_ready', 'iofog_router_link_up', 'iofog_router_certificate_expiry_timestamp_seconds', 'iofog_router_router_restarts_total', 'iofog_router_source_up']) {
      expect(exprs).toContain(metric);
    }
    expect(rules.find((r) => r.expr.includes('iofog_router_ready'))?.for).toBe('5m');
    expect(rules.find((r) => r.expr.includes('iofog_router_link_up'))?.for).toBe('5m');
    expect(rules.find((r) => r.expr.includes('certificate_expiry'))?.expr).toMatch(/< 14 \* 86400$/);
    expect(rules.find((r) => r.expr.includes('restarts_total'))?.expr).toContain('[1h]');
  });

  it('parse as PromQL, read only metrics the controller exports, and show only labels those metrics have', () => {
    const names = exported();
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      const where = rule.alert ?? rule.record ?? rule.expr;
      const parsed = parse(rule.expr);
      expect(parsed.errors, `${where}: ${rule.expr}`).toBe(0);
      expect(parsed.metrics.length, where).toBeGreaterThan(0);
      for (const metric of parsed.metrics) expect([...names.keys()], `${where} reads ${metric}`).toContain(metric);
      const labels = new Set(['instance', 'job', ...parsed.metrics.flatMap((m) => names.get(m) ?? [])]);
      for (const [, label] of JSON.stringify(rule.annotations ?? {}).matchAll(/\$labels\.([a-zA-Z_]\w*)/g)) expect([...labels], `${where} shows $labels.${label}`).toContain(label);
      if (rule.for !== undefined) expect(rule.for, where).toMatch(/^\d+[smhdwy]$/);
      expect(rule.labels?.['severity'], where).toMatch(/^(critical|warning|info)$/);
      expect(rule.annotations?.['summary'], where).toBeTruthy();
    }
  });

  it('catches a misspelt metric and a broken expression', () => {
    const names = exported();
    expect(names.has('iofog_router_link_up')).toBe(true);
    expect(names.has('iofog_router_link_upp')).toBe(false);
    expect(names.has('iofog_router_reconcile_time_seconds_bucket')).toBe(true);
    expect(parse('sum(rate(iofog_router_reconcile_total[5m])').errors).toBeGreaterThan(0);
    expect(parse('iofog_router_link_up{name="x"} == 0').metrics).toEqual(['iofog_router_link_up']);
  });
});
