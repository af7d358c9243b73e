/**
 * A small Prometheus exporter (text exposition format 0.0.4): counters, gauges and histograms with
 * labels, and a registry that renders them for `/metrics`. It replaces prom-client, whose default
 * metrics and cluster/OpenMetrics/exemplar support cost about 1.5 MB RSS we do not use.
 *
 * - Before each scrape the registry starts every metric's `collect` (in registration order, all of
 *   them before awaiting any), waits for all, and only then writes: a collect may update any
 *   metric of the registry, and two metrics may share one (async) reading.
 * - A metric without label names always has its one series (0 until set, 0 again after `reset`);
 *   a metric with label names writes only the label sets seen since the last `reset`.
 * - Labels are written in the order of `labelNames`, whatever the order of the object passed;
 *   a label left out is left out of the series. A histogram's `le` comes last.
 */

export type LabelValue = string | number;
export type Labels<L extends string> = Partial<Record<L, LabelValue>>;

export interface MetricOptions<L extends string> {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*`, unique within each registry. */
  readonly name: string;
  readonly help: string;
  /** Default: none (one series). */
  readonly labelNames?: readonly L[];
  /** Registries to register with. Default: none. */
  readonly registers?: readonly Registry[];
  /** Run before each scrape and each `get()`; the scrape waits for its promise, and fails with it. */
  readonly collect?: () => unknown;
}

export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /** Upper bounds, increasing (`+Inf` is added). Default: prom-client's, 0.005 to 10 s. */
  readonly buckets?: readonly number[];
}

/** What {@link Registry} needs of a metric. */
export interface RegisteredMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labelNames: readonly string[];
  collect(): unknown;
  /** HELP, TYPE and one line per sample, each ending in a newline. */
  render(): string;
  reset(): void;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class Registry {
  readonly contentType = PROMETHEUS_CONTENT_TYPE;
  readonly #metrics = new Map<string, RegisteredMetric>();

  registerMetric(metric: RegisteredMetric): void {
    const known = this.#metrics.get(metric.name);
    if (known !== undefined && known !== metric) throw new Error(`A metric named ${metric.name} is already registered`);
    this.#metrics.set(metric.name, metric);
  }

  getMetricsAsArray(): RegisteredMetric[] {
    return [...this.#metrics.values()];
  }

  getSingleMetric(name: string): RegisteredMetric | undefined {
    return this.#metrics.get(name);
  }

  /** The exposition of every metric, collected first. */
  async metrics(): Promise<string> {
    const all = this.getMetricsAsArray();
    await Promise.all(all.map((m) => m.collect()));
    return all.map((m) => m.render()).join('');
  }

  /** The exposition of one metric (empty when there is none of that name), collected first. */
  async getSingleMetricAsString(name: string): Promise<string> {
    const metric = this.#metrics.get(name);
    if (metric === undefined) return '';
    await metric.collect();
    return metric.render();
  }

  resetMetrics(): void {
    for (const m of this.#metrics.values()) m.reset();
  }
}

abstract class Metric<L extends string> implements RegisteredMetric {
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly #collect: (() => unknown) | undefined;

  constructor(o: MetricOptions<L>, reserved: readonly string[] = []) {
    if (!METRIC_NAME.test(o.name)) throw new Error(`Invalid metric name: ${o.name}`);
    if (!o.help) throw new Error(`Metric ${o.name} has no help`);
    const labelNames = o.labelNames ?? [];
    for (const l of labelNames) {
      if (!LABEL_NAME.test(l) || l.startsWith('__') || reserved.includes(l)) throw new Error(`Invalid label name for ${o.name}: ${l}`);
    }
    if (new Set(labelNames).size !== labelNames.length) throw new Error(`Duplicate label name for ${o.name}`);
    this.name = o.name;
    this.help = o.help;
    this.labelNames = [...labelNames];
    this.#collect = o.collect;
    for (const r of o.registers ?? []) r.registerMetric(this);
  }

  collect(): unknown {
    return this.#collect?.();
  }

  abstract render(): string;
  abstract reset(): void;

  protected header(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }

  /** The label pairs of `labels` in `labelNames` order, as written between the braces; also the series key. */
  protected labelText(labels: Labels<L>): string {
    for (const key of Object.keys(labels)) {
      if (!(this.labelNames as readonly string[]).includes(key)) throw new Error(`Metric ${this.name} has no label ${key}`);
    }
    let text = '';
    for (const name of this.labelNames) {
      const value = labels[name];
      if (value === undefined) continue;
      text += `${text ? ',' : ''}${name}="${escapeLabelValue(String(value))}"`;
    }
    return text;
  }
}

interface Sample {
  readonly labels: Readonly<Record<string, LabelValue>>;
  value: number;
}

/** A counter or a gauge: one number per label set. */
abstract class ScalarMetric<L extends string> extends Metric<L> {
  #series = new Map<string, Sample>();

  constructor(o: MetricOptions<L>) {
    super(o);
    this.reset();
  }

  reset(): void {
    this.#series = new Map();
    if (this.labelNames.length === 0) this.#series.set('', { labels: {}, value: 0 });
  }

  /** The current samples, collected first (as prom-client's `get`). */
  async get(): Promise<{ name: string; help: string; type: string; values: { labels: Readonly<Record<string, LabelValue>>; value: number }[] }> {
    await this.collect();
    return { name: this.name, help: this.help, type: this.type, values: [...this.#series.values()].map((s) => ({ labels: s.labels, value: s.value })) };
  }

  render(): string {
    let out = this.header();
    for (const [text, s] of this.#series) out += `${this.name}${text ? `{${text}}` : ''} ${formatValue(s.value)}\n`;
    return out;
  }

  protected update(labels: Labels<L>, f: (old: number) => number): void {
    const key = this.labelText(labels);
    const s = this.#series.get(key);
    if (s) s.value = f(s.value);
    else this.#series.set(key, { labels: { ...labels } as Record<string, LabelValue>, value: f(0) });
  }
}

export class Counter<L extends string = string> extends ScalarMetric<L> {
  readonly type = 'counter';

  /** Adds `value` (default 1, never negative). */
  inc(value?: number): void;
  inc(labels: Labels<L>, value?: number): void;
  inc(a?: Labels<L> | number, b?: number): void {
    const [labels, value] = args(a, b, 1);
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`Counter ${this.name} cannot add ${value}`);
    this.update(labels, (v) => v + value);
  }
}

export class Gauge<L extends string = string> extends ScalarMetric<L> {
  readonly type = 'gauge';

  set(value: number): void;
  set(labels: Labels<L>, value: number): void;
  set(a: Labels<L> | number, b?: number): void {
    const [labels, value] = args(a, b, Number.NaN);
    this.update(labels, () => value);
  }

  inc(value?: number): void;
  inc(labels: Labels<L>, value?: number): void;
  inc(a?: Labels<L> | number, b?: number): void {
    const [labels, value] = args(a, b, 1);
    this.update(labels, (v) => v + value);
  }

  dec(value?: number): void;
  dec(labels: Labels<L>, value?: number): void;
  dec(a?: Labels<L> | number, b?: number): void {
    const [labels, value] = args(a, b, 1);
    this.update(labels, (v) => v - value);
  }
}

interface Buckets {
  readonly labelText: string;
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  readonly counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends string = string> extends Metric<L> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];
  #series = new Map<string, Buckets>();

  constructor(o: HistogramOptions<L>) {
    super(o, ['le']);
    const buckets = o.buckets ?? DEFAULT_BUCKETS;
    buckets.forEach((b, i) => {
      if (!Number.isFinite(b) || (i > 0 && b <= (buckets[i - 1] ?? b))) throw new Error(`Histogram ${o.name}: buckets must be finite and increasing`);
    });
    this.buckets = [...buckets];
    this.reset();
  }

  observe(value: number): void;
  observe(labels: Labels<L>, value: number): void;
  observe(a: Labels<L> | number, b?: number): void {
    const [labels, value] = args(a, b, Number.NaN);
    if (!Number.isFinite(value)) throw new RangeError(`Histogram ${this.name} cannot observe ${value}`);
    const key = this.labelText(labels);
    let s = this.#series.get(key);
    if (!s) this.#series.set(key, (s = this.#empty(key)));
    const i = this.buckets.findIndex((bound) => value <= bound);
    s.counts[i === -1 ? this.buckets.length : i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  reset(): void {
    this.#series = new Map();
    if (this.labelNames.length === 0) this.#series.set('', this.#empty(''));
  }

  render(): string {
    let out = this.header();
    for (const s of this.#series.values()) {
      const sep = s.labelText ? ',' : '';
      let cumulative = 0;
      s.counts.forEach((n, i) => {
        cumulative += n;
        out += `${this.name}_bucket{${s.labelText}${sep}le="${formatValue(this.buckets[i] ?? Infinity)}"} ${cumulative}\n`;
      });
      const labels = s.labelText ? `{${s.labelText}}` : '';
      out += `${this.name}_sum${labels} ${formatValue(s.sum)}\n${this.name}_count${labels} ${s.count}\n`;
    }
    return out;
  }

  #empty(labelText: string): Buckets {
    return { labelText, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }
}

function args<L extends string>(a: Labels<L> | number | undefined, b: number | undefined, fallback: number): [Labels<L>, number] {
  return typeof a === 'object' ? [a, b ?? fallback] : [{}, a ?? fallback];
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

export function escapeLabelValue(text: string): string {
  return text.replace(/[\\\n"]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
