import { describe, expect, it } from 'vitest';
import { registerProcessMetrics } from './process-metrics.js';
import { Counter, Gauge, Histogram, PROMETHEUS_CONTENT_TYPE, Registry } from './prometheus.js';

describe('Prometheus text exporter', () => {
  it('writes HELP and TYPE, a counter with no observations as 0, and labelled series only once seen', async () => {
    const registry = new Registry();
    const plain = new Counter({ name: 'x_total', help: 'Plain.', registers: [registry] });
    const labelled = new Counter({ name: 'y_total', help: 'Labelled.', labelNames: ['result'] as const, registers: [registry] });
    expect(await registry.metrics()).toBe('# HELP x_total Plain.\n# TYPE x_total counter\nx_total 0\n# HELP y_total Labelled.\n# TYPE y_total counter\n');
    plain.inc();
    plain.inc(2.5);
    labelled.inc({ result: 'ok' });
    labelled.inc({ result: 'error' }, 3);
    labelled.inc({ result: 'ok' });
    labelled.inc({ result: 'zero' }, 0);
    expect(await registry.metrics()).toBe(
      '# HELP x_total Plain.\n# TYPE x_total counter\nx_total 3.5\n' +
        '# HELP y_total Labelled.\n# TYPE y_total counter\ny_total{result="ok"} 2\ny_total{result="error"} 3\ny_total{result="zero"} 0\n',
    );
    expect(registry.contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(PROMETHEUS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('refuses to decrease a counter, unknown labels, bad names and a name registered twice', () => {
    const registry = new Registry();
    const c = new Counter({ name: 'c_total', help: 'C.', labelNames: ['a'], registers: [registry] });
    expect(() => c.inc(-1)).toThrow(RangeError);
    expect(() => c.inc(Number.NaN)).toThrow(RangeError);
    expect(() => c.inc({ b: 'x' } as never)).toThrow(/no label b/);
    expect(() => new Counter({ name: 'c_total', help: 'again', registers: [registry] })).toThrow(/already registered/);
    expect(() => new Gauge({ name: 'bad-name', help: 'x' })).toThrow(/Invalid metric name/);
    expect(() => new Gauge({ name: 'g', help: 'x', labelNames: ['__x'] })).toThrow(/Invalid label name/);
    expect(() => new Histogram({ name: 'h', help: 'x', labelNames: ['le'] })).toThrow(/Invalid label name/);
    expect(() => new Histogram({ name: 'h', help: 'x', buckets: [1, 1] })).toThrow(/increasing/);
  });

  it('writes labels in labelNames order whatever the order given, and one series per label set', async () => {
    const registry = new Registry();
    const g = new Gauge({ name: 'ops', help: 'Ops.', labelNames: ['type', 'op', 'result'] as const, registers: [registry] });
    g.set({ result: 'success', op: 'create', type: 'tcpListener' }, 1);
    g.inc({ type: 'tcpListener', op: 'create', result: 'success' }, 2);
    g.set({ op: 'delete', type: 'listener' }, -4);
    expect(await registry.getSingleMetricAsString('ops')).toBe(
      '# HELP ops Ops.\n# TYPE ops gauge\nops{type="tcpListener",op="create",result="success"} 3\nops{type="listener",op="delete"} -4\n',
    );
    expect(await registry.getSingleMetricAsString('nope')).toBe('');
  });

  it('escapes label values (backslash, double quote, newline) and HELP text (backslash, newline)', async () => {
    const registry = new Registry();
    const g = new Gauge({ name: 'esc', help: 'Back\\slash "quoted"\nnext line.', labelNames: ['v'], registers: [registry] });
    g.set({ v: 'a\\b "c"\nd' }, 1);
    g.set({ v: 7 }, 2);
    expect(await registry.metrics()).toBe('# HELP esc Back\\\\slash "quoted"\\nnext line.\n# TYPE esc gauge\nesc{v="a\\\\b \\"c\\"\\nd"} 1\nesc{v="7"} 2\n');
  });

  it('writes special values as Prometheus spells them', async () => {
    const registry = new Registry();
    const g = new Gauge({ name: 'v', help: 'V.', labelNames: ['k'], registers: [registry] });
    g.set({ k: 'nan' }, Number.NaN);
    g.set({ k: 'inf' }, Infinity);
    g.set({ k: 'ninf' }, -Infinity);
    g.set({ k: 'big' }, 1e21);
    g.set({ k: 'small' }, 1.5e-7);
    expect(await registry.metrics()).toContain('v{k="nan"} NaN\nv{k="inf"} +Inf\nv{k="ninf"} -Inf\nv{k="big"} 1e+21\nv{k="small"} 1.5e-7\n');
  });

  it('writes a histogram with cumulative buckets, +Inf, _sum and _count (le last)', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'pass_seconds', help: 'Passes.', buckets: [0.1, 1, 10], registers: [registry] });
    expect(await registry.metrics()).toBe(
      '# HELP pass_seconds Passes.\n# TYPE pass_seconds histogram\n' +
        'pass_seconds_bucket{le="0.1"} 0\npass_seconds_bucket{le="1"} 0\npass_seconds_bucket{le="10"} 0\npass_seconds_bucket{le="+Inf"} 0\n' +
        'pass_seconds_sum 0\npass_seconds_count 0\n',
    );
    for (const v of [0.05, 0.1, 0.5, 1, 20]) h.observe(v);
    expect(await registry.metrics()).toBe(
      '# HELP pass_seconds Passes.\n# TYPE pass_seconds histogram\n' +
        'pass_seconds_bucket{le="0.1"} 2\npass_seconds_bucket{le="1"} 4\npass_seconds_bucket{le="10"} 4\npass_seconds_bucket{le="+Inf"} 5\n' +
        'pass_seconds_sum 21.65\npass_seconds_count 5\n',
    );
    const labelled = new Histogram({ name: 'req_seconds', help: 'Requests.', labelNames: ['path'], buckets: [1], registers: [registry] });
    labelled.observe({ path: '/a"b' }, 2);
    expect(await registry.getSingleMetricAsString('req_seconds')).toBe(
      '# HELP req_seconds Requests.\n# TYPE req_seconds histogram\n' +
        'req_seconds_bucket{path="/a\\"b",le="1"} 0\nreq_seconds_bucket{path="/a\\"b",le="+Inf"} 1\nreq_seconds_sum{path="/a\\"b"} 2\nreq_seconds_count{path="/a\\"b"} 1\n',
    );
    expect(() => h.observe(Number.NaN)).toThrow(RangeError);
    h.reset();
    expect(await registry.getSingleMetricAsString('pass_seconds')).toContain('pass_seconds_count 0\n');
  });

  it('reset drops labelled series and zeroes an unlabelled one', async () => {
    const registry = new Registry();
    const g = new Gauge({ name: 'g', help: 'G.', registers: [registry] });
    const l = new Gauge({ name: 'l', help: 'L.', labelNames: ['type'], registers: [registry] });
    g.set(5);
    l.set({ type: 'a' }, 1);
    l.set({ type: 'b' }, 2);
    g.reset();
    l.reset();
    l.set({ type: 'b' }, 3);
    expect(await registry.metrics()).toBe('# HELP g G.\n# TYPE g gauge\ng 0\n# HELP l L.\n# TYPE l gauge\nl{type="b"} 3\n');
    expect((await l.get()).values).toEqual([{ labels: { type: 'b' }, value: 3 }]);
  });

  it('runs every collect, async ones included, before it writes any metric', async () => {
    const registry = new Registry();
    const order: string[] = [];
    let readings = 0;
    let reading: Promise<void> | undefined;
    const shared = () =>
      (reading ??= (async () => {
        order.push('read');
        await new Promise((r) => setTimeout(r, 10));
        readings++;
        first.set(readings);
        second.set({ k: 'x' }, readings * 10);
      })().finally(() => (reading = undefined)));
    const first: Gauge = new Gauge({ name: 'first', help: 'First.', registers: [registry], collect: shared });
    const second: Gauge<'k'> = new Gauge({ name: 'second', help: 'Second.', labelNames: ['k'], registers: [registry], collect: shared });
    const counted: Counter = new Counter({ name: 'counted_total', help: 'Updated by a later collect.', registers: [registry] });
    new Gauge({ name: 'late', help: 'Late.', registers: [registry], collect: () => counted.inc(4) });
    expect(await registry.metrics()).toBe(
      '# HELP first First.\n# TYPE first gauge\nfirst 1\n# HELP second Second.\n# TYPE second gauge\nsecond{k="x"} 10\n' +
        '# HELP counted_total Updated by a later collect.\n# TYPE counted_total counter\ncounted_total 4\n# HELP late Late.\n# TYPE late gauge\nlate 0\n',
    );
    expect(order).toEqual(['read']);
    expect((await first.get()).values).toEqual([{ labels: {}, value: 2 }]);
  });

  it('fails a scrape whose collect fails', async () => {
    const registry = new Registry();
    new Gauge({ name: 'g', help: 'G.', registers: [registry], collect: () => Promise.reject(new Error('boom')) });
    await expect(registry.metrics()).rejects.toThrow('boom');
  });

  it('exports the standard process metrics under a prefix', async () => {
    const registry = new Registry();
    registerProcessMetrics(registry, 'p_');
    const text = await registry.metrics();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('p_process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
    expect(value('p_process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value('p_process_cpu_seconds_total')).toBeCloseTo(value('p_process_cpu_user_seconds_total') + value('p_process_cpu_system_seconds_total'), 6);
    expect(Math.abs(value('p_process_start_time_seconds') - (Date.now() / 1000 - process.uptime()))).toBeLessThan(2);
    expect(value('p_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(value('p_nodejs_heap_size_total_bytes')).toBeGreaterThanOrEqual(value('p_nodejs_heap_size_used_bytes'));
    expect(text).toContain('# TYPE p_process_cpu_seconds_total counter\n');
    expect(text).toContain(`p_nodejs_version_info{version="${process.version}",major=`);
    if (process.platform === 'linux') {
      for (const name of ['p_process_virtual_memory_bytes', 'p_process_heap_bytes', 'p_process_open_fds', 'p_process_max_fds']) expect(value(name), name).toBeGreaterThan(0);
    }
  });
});
