// The benchmark's pure pieces: statistics, the chart, the tables, the verdicts, the workload and
// the section options. Behaviour only; no timings are asserted anywhere.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../schemas/config/index.js';
import { PLANS, parseSections } from './plan.js';
import { channelTables, renderTables, table, verdicts, type BenchReport, type TargetResult } from './report.js';
import type { ChannelResult } from './channel.js';
import type { ColdStartResult } from './cold-start.js';
import { median, percentile, ratio, slope, summarize } from './stats.js';
import { niceStep, renderLineChart } from './svg.js';
import type { LatencyResult } from './latency.js';
import { changeable, desiredState, desiredText } from './workload.js';

const s = (v: number) => summarize([v]);

describe('statistics', () => {
  it.each([
    [[5], 50, 5],
    [[1, 2, 3, 4], 50, 2],
    [[4, 3, 2, 1], 95, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 95, 95],
    [Array.from({ length: 30 }, (_, i) => 30 - i), 50, 15],
  ])('percentile(%j, %d) = %d (nearest rank, input order irrelevant)', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('is NaN for no values and rejects a percentile outside 0-100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('summarises and does not reorder its input', () => {
    const values = [3, 1, 2];
    expect(summarize(values)).toEqual({ n: 3, p50: 2, p95: 3, min: 1, max: 3 });
    expect(values).toEqual([3, 1, 2]);
    expect(median([10, 20])).toBe(10);
  });

  it('ratio is NaN without a positive denominator', () => {
    expect(ratio(9, 10)).toBeCloseTo(0.9);
    expect(ratio(1, 0)).toBeNaN();
  });

  it('slope fits a line and is flat for a constant series', () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBeCloseTo(2);
    expect(slope([{ x: 0, y: 7 }, { x: 10, y: 7 }])).toBe(0);
    expect(slope([{ x: 1, y: 1 }])).toBeNaN();
  });
});

describe('chart', () => {
  it('picks 1-2-5 steps', () => {
    expect([niceStep(10), niceStep(230), niceStep(0.7), niceStep(0)]).toEqual([2, 50, 0.2, 1]);
  });

  it('draws every point, a legend entry per series, and escapes text', () => {
    const svg = renderLineChart({
      title: 'a <b> & c',
      xLabel: 'entities',
      yLabel: 'ms',
      series: [
        { label: 'p50', color: '#000', points: [{ x: 10, y: 100 }, { x: 1000, y: 150 }, { x: 5000, y: 300 }] },
        { label: 'p95 "x"', color: '#f00', dashed: true, points: [{ x: 10, y: 120 }, { x: 5000, y: Number.NaN }] },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).toContain('a &lt;b&gt; &amp; c');
    expect(svg).toContain('p95 &quot;x&quot;');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('>5,000<');
    expect(svg).not.toContain('NaN');
  });
});

function latencyResult(entities: number, queries: number): LatencyResult {
  const ops = { queries, writes: 0, kindsPresent: 8, durationMs: s(30) };
  return {
    entities,
    changes: 30,
    totalMs: s(140),
    phasesMs: { debounce: s(101), readDesired: s(2), readActual: s(25), planning: s(2), applying: s(7) },
    firstPass: { queries, writes: 0, durationMs: 40 },
    noop: ops,
    change: { ...ops, writes: 2, minimalWrites: 2 },
  };
}

const target = (over: Partial<TargetResult>): TargetResult => ({ target: { kind: 'simulator', description: 'sim' }, errors: [], notes: [], ...over });

describe('verdicts and tables', () => {
  it('a pass meets the QUERY target only with one QUERY per kind present', () => {
    const [noopMissed, changeMissed] = verdicts(target({ latency: [latencyResult(10, 15)] }));
    expect(noopMissed?.met).toBe(false);
    expect(changeMissed?.met).toBe(false);
    expect(verdicts(target({ latency: [latencyResult(10, 8)] })).every((v) => v.met)).toBe(true);
  });

  it('judges throughput by the worse of creates and deletes, memory by its limits', () => {
    const rate = { createsPerSec: 100, deletesPerSec: 100, runs: 1 };
    const v = verdicts(
      target({
        throughput: [{ entities: 2000, latencyModel: 'on', clients: { controller: rate, limit: rate, serial: rate }, controllerVsLimit: { creates: 0.95, deletes: 0.85 }, controllerVsSerial: { creates: 1, deletes: 1 } }],
        memory: { idle: { entities: 10, rssMb: 59, peakMb: 61, anonMb: 30, passes: 3 }, large: { entities: 10_000, rssMb: 101, peakMb: 120, anonMb: 80, passes: 3 } },
      }),
    );
    expect(v.map((x) => x.met)).toEqual([false, true, false]);
  });

  it('pads every column to one width', () => {
    const lines = table(['a', 'bbb'], [['long cell', 'x']]).split('\n');
    expect(lines).toEqual(['| a         | bbb |', '|-----------|-----|', '| long cell | x   |']);
  });

  it('renders the machine line, the section tables and the errors', () => {
    const report: BenchReport = {
      date: '2026-01-01T00:00:00Z',
      mode: 'quick',
      sections: ['latency'],
      machine: { node: 'v20.20.2', cpu: 'AMD EPYC', nproc: 2, memoryGb: 24, os: 'Linux', loadAverage: 1 },
      durationS: 12,
      targets: [target({ latency: [latencyResult(10, 15)], errors: ['cold: boom'] })],
    };
    const text = renderTables(report);
    expect(text).toContain('node v20.20.2, AMD EPYC, nproc 2');
    expect(text).toContain('**Convergence latency**');
    expect(text).toContain('| simulator | 10       | no-op resync');
    expect(text).toContain('- simulator: cold: boom');
  });

  it('reports cold start as a ratio to the router booting the same file alone, naming the router of every row and what it did not run', () => {
    const coldStart: ColdStartResult = {
      entities: 4_000,
      runs: 3,
      healthyMs: 300,
      connectedMs: 24_000,
      convergedMs: 25_000,
      firstPassMs: 900,
      routerBootMs: 20_000,
      vsRouterBoot: 1.25,
      managementWrites: 0,
      expectedWrites: 0,
      viaManagement: { creates: 4_000, routerStartMs: 250, createMs: 30_000, ms: 30_250, failed: 0 },
      viaManagementVsBoot: 1.21,
    };
    const real: TargetResult = { ...target({ coldStart, notes: ['memory, 10,000 entities: simulator only'] }), target: { kind: 'binary', description: 'real router: skrouterd' } };
    const report: BenchReport = {
      date: '2026-01-01T00:00:00Z',
      mode: 'full',
      sections: ['cold', 'memory'],
      machine: { node: 'v20.20.2', cpu: 'AMD EPYC', nproc: 2, memoryGb: 24, os: 'Linux', loadAverage: 1 },
      durationS: 100,
      targets: [real],
    };
    const text = renderTables(report).replace(/ +/g, ' ');
    expect(text).toContain('| real skrouterd | 4,000 | 3 | 300 | 24,000 | 25,000 | 20,000 | 1.25× | 0 | 30,250 | 30,000 | 1.2× |');
    expect(text).toContain('- real skrouterd: memory, 10,000 entities: simulator only');
    const [cold] = verdicts(real);
    expect(cold).toMatchObject({ target: 'real skrouterd', met: true });
    expect(cold?.measured).toContain("1.3× the router's own boot (20,000 ms)");
  });
});

describe('workload and options', () => {
  it('writes a valid skrouterd file with the router and n entities; a change flips one tcpConnector', () => {
    const loaded = loadConfig(desiredText(50), { file: 'bench.json' });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.state.entities).toHaveLength(51);
    expect(new Set(loaded.state.entities.map((e) => e.kind))).toEqual(new Set(['router', 'tcpConnector', 'address', 'tcpListener']));
    const index = changeable(50)[3] ?? 0;
    const before = desiredState(50).entities;
    const after = desiredState(50, new Set([index])).entities;
    const differing = after.filter((e, i) => JSON.stringify(e) !== JSON.stringify(before[i]));
    expect(differing).toEqual([expect.objectContaining({ kind: 'tcpConnector', name: `c-${index}` })]);
  });

  it('parses sections, with ops as an alias of latency, and refuses unknown ones', () => {
    expect(parseSections(undefined)).toEqual(['latency', 'throughput', 'cold', 'split', 'memory', 'channel', 'health', 'patch']);
    expect(parseSections('memory, ops')).toEqual(['latency', 'memory']);
    expect(parseSections('channel')).toEqual(['channel']);
    expect(parseSections('channel,throughput')).toEqual(['throughput', 'channel']);
    expect(() => parseSections('latency,nope')).toThrow(/nope/);
  });

  it('the full plan measures what issue 8 asks for; quick is smaller', () => {
    expect(PLANS.full.latency.sizes).toEqual([10, 1_000, 5_000]);
    expect(PLANS.full.latency.changes).toBeGreaterThanOrEqual(30);
    expect(PLANS.full.throughput.entities).toBe(2_000);
    expect(PLANS.full.cold.entities).toBe(4_000);
    expect(PLANS.full.memory).toMatchObject({ largeEntities: 10_000, leakPasses: 1_000 });
    expect(Math.max(...PLANS.quick.latency.sizes)).toBeLessThan(Math.max(...PLANS.full.latency.sizes));
  });

  it('the channel plan: 30 fresh clients and 2,000 entities in full; quick is smaller', () => {
    expect(PLANS.full.channel).toMatchObject({ connects: 30, entities: 2_000 });
    expect(PLANS.full.channel.credentialCalls).toBeGreaterThanOrEqual(20);
    expect(PLANS.quick.channel.connects).toBe(5);
    expect(PLANS.quick.channel.entities).toBeLessThan(PLANS.full.channel.entities);
  });
});

describe('channel tables', () => {
  const connectTimes = (medianMs: number) => ({ medianMs, p90Ms: medianMs * 1.5, minMs: medianMs / 2 });
  const channel = (withCredentials: boolean): ChannelResult => ({
    ...(withCredentials
      ? { credentials: { calls: 20, firstMs: 12.34, medianMs: 4.2, p90Ms: 5, child: { runs: 5, firstMs: 30, secondMs: 4.5, rssDeltaMb: 1.25, heapDeltaMb: 0.5 } } }
      : {}),
    connect: [
      { latencyModel: 'on', clients: 30, none: connectTimes(10), mtls: connectTimes(25), mtlsVsNone: { median: 2.5, p90: 2.5 } },
      { latencyModel: 'off', clients: 30, none: connectTimes(8), mtls: connectTimes(20), mtlsVsNone: { median: 2.5, p90: 2.5 } },
    ],
    throughput: [
      { latencyModel: 'on', entities: 2_000, runs: 2, none: { createsPerSec: 300, deletesPerSec: 400 }, mtls: { createsPerSec: 291, deletesPerSec: 396 }, mtlsVsNone: { creates: 0.97, deletes: 0.99 } },
      { latencyModel: 'off', entities: 2_000, runs: 3, none: { createsPerSec: 9_000, deletesPerSec: 10_000 }, mtls: { createsPerSec: 6_000, deletesPerSec: Number.NaN }, mtlsVsNone: { creates: 0.6667, deletes: Number.NaN } },
    ],
  });

  it('renders credentials once, connect and throughput per router and latency model, with ratios', () => {
    const targets = [target({ channel: channel(true) }), { ...target({ channel: channel(false) }), target: { kind: 'container', description: 'real' } }];
    // Cells are padded to the column width; compare with runs of spaces collapsed.
    const [creds, connect, tput, ...rest] = channelTables(targets).map((t) => t.replace(/ +/g, ' '));
    expect(rest).toEqual([]);
    expect(creds).toContain('**Management channel credentials**');
    expect(creds?.split('\n').filter((l) => l.startsWith('| 12.3 | 20 | 4.2 | 5.0 | 30.0 | 4.5 | 5 | 1.3 MB | 512.0 KB |'))).toHaveLength(1);
    expect(connect).toContain('| simulator | on | 30 | 10.0 | 15.0 | 25.0 | 37.5 | 2.50× | 2.50× |');
    expect(connect).toContain('| real skrouterd (container) | off | 30 | 8.0 |');
    expect(tput).toContain('| simulator | on | 2,000 | 2 | creates | 300 | 291 | 97 % |');
    expect(tput).toContain('| simulator | off | 2,000 | 3 | creates | 9,000 | 6,000 | 67 % |');
    expect(tput).toContain('| simulator | off | 2,000 | 3 | deletes | 10,000 | – | – |');
  });

  it('a run without the section has no channel tables; renderTables includes them', () => {
    expect(channelTables([target({})])).toEqual([]);
    const report: BenchReport = {
      date: '2026-01-01T00:00:00Z',
      mode: 'quick',
      sections: ['channel'],
      machine: { node: 'v20.20.2', cpu: 'AMD EPYC', nproc: 2, memoryGb: 24, os: 'Linux', loadAverage: 1 },
      durationS: 3,
      targets: [target({ channel: channel(true) })],
    };
    const text = renderTables(report);
    expect(text).toContain('**Management channel connect**');
    expect(text).toContain('**Management channel apply throughput**');
    expect(text).not.toContain('**Targets**');
  });
});
