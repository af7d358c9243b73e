/**
 * The benchmark's result document (written as `e2e/results/bench.json`), the verdict on each
 * target of issue 8, and the text tables. Pure: a report in, strings out.
 */
import type { ChannelResult } from './channel.js';
import { patchTable, type PatchBenchResult } from './patch.js';
import type { AppliedRow } from './latency.js';
import type { HealthCostResult } from './health.js';
import { renderColdSplit, type ColdSplitResult } from './cold-split.js';
import type { ColdStartResult } from './cold-start.js';
import type { LatencyResult } from './latency.js';
import type { LeakResult, RssResult } from './memory.js';
import type { ChartSpec } from './svg.js';
import type { ThroughputResult } from './throughput.js';

export interface Machine {
  readonly node: string;
  readonly cpu: string;
  readonly nproc: number;
  readonly memoryGb: number;
  readonly os: string;
  /** 1-minute load average when the run started (the machine is shared). */
  readonly loadAverage: number;
}

export interface TargetResult {
  readonly target: { readonly kind: string; readonly description: string };
  latency?: LatencyResult[];
  throughput?: ThroughputResult[];
  coldStart?: ColdStartResult;
  memory?: { idle?: RssResult; medium?: RssResult; large?: RssResult; leak?: LeakResult };
  channel?: ChannelResult;
  patch?: PatchBenchResult[];
  applied?: AppliedRow[];
  health?: HealthCostResult[];
  coldSplit?: ColdSplitResult[];
  readonly errors: string[];
  /** What this router did not run, and why (sizes run on the simulator only). */
  readonly notes: string[];
}

/** Which router produced a row: every figure says it. */
export function routerLabel(kind: string): string {
  return kind === 'simulator' ? 'simulator' : kind === 'container' ? 'real skrouterd (container)' : 'real skrouterd';
}

export interface BenchReport {
  readonly date: string;
  readonly mode: 'quick' | 'full';
  readonly sections: readonly string[];
  readonly machine: Machine;
  durationS: number;
  readonly targets: TargetResult[];
}

/** Peers' figures, from the project's reference notes on the peer projects (their docs and code). */
export const PEERS = { queriesPerPass: 7, pollSeconds: 1 } as const;
export const GOALS = { throughputVsLimit: 0.9, idleRssMb: 60, mediumRssMb: 70, largeRssMb: 100, leakHeapGrowthMb: 1 } as const;

export interface Verdict {
  readonly target: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

const f0 = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const f1 = (n: number): string => (Number.isFinite(n) ? (Math.round(n * 10) / 10).toFixed(1) : '–');
const times = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '–');
const pct = (n: number): string => (Number.isFinite(n) ? `${Math.round(n * 100)} %` : '–');

export function verdicts(r: TargetResult): Verdict[] {
  const out: Verdict[] = [];
  const t = routerLabel(r.target.kind);
  for (const l of r.latency ?? []) {
    out.push({
      target: t,
      goal: `no-op pass, ${f0(l.entities)} entities: 1 QUERY per owned kind present (${l.noop.kindsPresent}), 0 writes`,
      measured: `${l.noop.queries} QUERYs, ${l.noop.writes} writes`,
      met: l.noop.queries <= l.noop.kindsPresent && l.noop.writes === 0,
    });
    out.push({
      target: t,
      goal: `single change, ${f0(l.entities)} entities: those QUERYs + ${l.change.minimalWrites} writes`,
      measured: `${l.change.queries} QUERYs, ${l.change.writes} writes`,
      met: l.change.queries <= l.change.kindsPresent && l.change.writes === l.change.minimalWrites,
    });
  }
  for (const tp of (r.throughput ?? []).filter((x) => x.latencyModel === 'on')) {
    const worst = Math.min(tp.controllerVsLimit.creates, tp.controllerVsLimit.deletes);
    out.push({
      target: t,
      goal: `apply ${f0(tp.entities)}: ≥ ${pct(GOALS.throughputVsLimit)} of the pipelined limit`,
      measured: `creates ${pct(tp.controllerVsLimit.creates)}, deletes ${pct(tp.controllerVsLimit.deletes)}`,
      met: worst >= GOALS.throughputVsLimit,
    });
  }
  if (r.coldStart) {
    out.push({
      target: t,
      goal: `cold start ${f0(r.coldStart.entities)}: writes only for what the boot file leaves to management (${r.coldStart.expectedWrites})`,
      measured: `${r.coldStart.managementWrites} writes, converged in ${f0(r.coldStart.convergedMs)} ms = ${f1(r.coldStart.vsRouterBoot)}× the router's own boot (${f0(r.coldStart.routerBootMs)} ms)`,
      met: r.coldStart.managementWrites === r.coldStart.expectedWrites,
    });
  }
  const m = r.memory;
  const rssRows: [RssResult | undefined, string, number][] = [
    [m?.idle, 'idle', GOALS.idleRssMb],
    [m?.medium, `with ${f0(m?.medium?.entities ?? 0)} entities`, GOALS.mediumRssMb],
    [m?.large, `with ${f0(m?.large?.entities ?? 0)} entities`, GOALS.largeRssMb],
  ];
  for (const [rss, what, goalMb] of rssRows) {
    if (!rss) continue;
    out.push({
      target: t,
      goal: `RSS ${what} ≤ ${goalMb} MB`,
      measured: `${f1(rss.rssMb)} MB (peak ${f1(rss.peakMb)}, anonymous ${f1(rss.anonMb)})`,
      met: rss.rssMb <= goalMb,
    });
  }
  if (m?.leak) {
    out.push({
      target: t,
      goal: `no growth over ${f0(m.leak.passes)} passes (heap after GC < +${GOALS.leakHeapGrowthMb} MB)`,
      measured: `heap ${m.leak.heapGrowthMb >= 0 ? '+' : ''}${f1(m.leak.heapGrowthMb * 1024)} KB (${f1(m.leak.heapSlopeKbPerPass)} KB/pass), RSS ${m.leak.rssGrowthMb >= 0 ? '+' : ''}${f1(m.leak.rssGrowthMb)} MB`,
      met: m.leak.heapGrowthMb < GOALS.leakHeapGrowthMb,
    });
  }
  return out;
}

/** A markdown table with padded columns (readable in a terminal and in the README). */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function machineLine(m: Machine): string {
  return `node ${m.node}, ${m.cpu}, nproc ${m.nproc}, ${f1(m.memoryGb)} GB, ${m.os}, load ${f1(m.loadAverage)} at start`;
}

export function renderTables(report: BenchReport): string {
  const parts: string[] = [];
  const targets = report.targets;
  const latency = targets.flatMap((t) => (t.latency ?? []).map((l) => ({ t: routerLabel(t.target.kind), l })));
  if (latency.length > 0) {
    parts.push(
      '**Convergence latency** of a one-entity change, ms (write of the file → last operation acknowledged; phases are p50)\n\n' +
        table(
          ['router', 'entities', 'changes', 'p50', 'p95', 'debounce', 'read+validate', 'QUERYs', 'plan', 'apply'],
          latency.map(({ t, l }) => [t, f0(l.entities), String(l.changes), f1(l.totalMs.p50), f1(l.totalMs.p95), f1(l.phasesMs.debounce.p50), f1(l.phasesMs.readDesired.p50), f1(l.phasesMs.readActual.p50), f1(l.phasesMs.planning.p50), f1(l.phasesMs.applying.p50)]),
        ),
    );
    parts.push(
      `**Operations per pass** (peers: ${PEERS.queriesPerPass} QUERYs every pass; SK-n polls every ${PEERS.pollSeconds} s)\n\n` +
        table(
          ['router', 'entities', 'pass', 'QUERYs', 'kinds present', 'writes', 'pass ms p50'],
          latency.flatMap(({ t, l }) => [
            [t, f0(l.entities), 'boot from file', String(l.firstPass.queries), String(l.noop.kindsPresent), String(l.firstPass.writes), f0(l.firstPass.durationMs)],
            [t, f0(l.entities), 'no-op resync', String(l.noop.queries), String(l.noop.kindsPresent), String(l.noop.writes), f0(l.noop.durationMs.p50)],
            [t, f0(l.entities), 'single change', String(l.change.queries), String(l.change.kindsPresent), String(l.change.writes), f0(l.change.durationMs.p50)],
          ]),
        ),
    );
  }
  const tput = targets.flatMap((t) => (t.throughput ?? []).map((x) => ({ t: routerLabel(t.target.kind), x })));
  if (tput.length > 0) {
    parts.push(
      '**Apply throughput**, operations/s (best of the runs; limit = minimal client, all requests at once)\n\n' +
        table(
          ['router', 'latency model', 'entities', 'op', 'controller', 'limit', 'one at a time', 'controller / limit', 'controller / one at a time'],
          tput.flatMap(({ t, x }) =>
            (['creates', 'deletes'] as const).map((op) => {
              const key = op === 'creates' ? 'createsPerSec' : 'deletesPerSec';
              return [t, x.latencyModel, f0(x.entities), op, f0(x.clients.controller[key]), f0(x.clients.limit[key]), f0(x.clients.serial[key]), pct(x.controllerVsLimit[op]), `${f1(x.controllerVsSerial[op])}×`];
            }),
          ),
        ),
    );
  }
  const cold = targets.flatMap((t) => (t.coldStart ? [{ t: routerLabel(t.target.kind), c: t.coldStart }] : []));
  if (cold.length > 0) {
    parts.push(
      '**Cold start**, ms from process start (median of runs), the router booting from the file; ' +
        "router alone = the same boot file without the controller (spawn → management answers), the router's loading being the limit\n\n" +
        table(
          ['router', 'entities', 'runs', 'HTTP up', 'router answers', 'converged', 'router alone', 'converged / router alone', 'mgmt writes', 'over mgmt instead', 'of which CREATEs', 'over mgmt / converged'],
          cold.map(({ t, c }) => [
            t,
            f0(c.entities),
            String(c.runs),
            f0(c.healthyMs),
            f0(c.connectedMs),
            f0(c.convergedMs),
            f0(c.routerBootMs),
            times(c.vsRouterBoot),
            String(c.managementWrites),
            c.viaManagement ? f0(c.viaManagement.ms) : '–',
            c.viaManagement ? f0(c.viaManagement.createMs) : '–',
            Number.isFinite(c.viaManagementVsBoot) ? `${f1(c.viaManagementVsBoot)}×` : '–',
          ]),
        ),
    );
  }
  for (const t of targets) if (t.coldSplit?.length) parts.push(`**Cold start by type mix** (${routerLabel(t.target.kind)}), s\n\n${renderColdSplit(t.coldSplit)}`);
  const applied = targets.flatMap((t) => (t.applied ?? []).map((r) => ({ t: routerLabel(t.target.kind), r })));
  if (applied.length > 0) {
    parts.push(
      '**A change applied**, ms from the atomic write of the desired file (pot: the `0x0C` signal) until `/status` shows it applied, polled every 2 ms; ' +
        "router = what the router itself needs (QUERY of all rows + DELETE + CREATE, by the latency model fitted to a real 3.5.1), limit 1.5× that\n\n" +
        table(
          ['router', 'mode', 'entities', 'changes', 'p50', 'p90', 'router', 'limit', 'p50 / router', 'passes', 'writes', 'GETs / signal'],
          applied.map(({ t, r }) => [t, r.mode, f0(r.entities), String(r.changes), f1(r.p50), f1(r.p90), f1(r.routerMs), f1(1.5 * r.routerMs), `${f1(r.p50 / r.routerMs)}×`, String(r.passes), String(r.writes), r.getsPerSignal === undefined ? '–' : f1(r.getsPerSignal)]),
        ),
    );
  }
  const health = targets.flatMap((t) => (t.health ?? []).map((r) => ({ t: routerLabel(t.target.kind), r })));
  if (health.length > 0) {
    parts.push(
      '**Router health poll** (`/metrics` and `/status` links, TCP listeners, routerMetrics: 4 QUERYs in sequence every 10 s while scraped), ms per reading\n\n' +
        table(['router', 'entities', 'readings', 'p50', 'p90', 'share of the period'], health.map(({ t, r }) => [t, f0(r.entities), String(r.readings), f1(r.p50Ms), f1(r.p90Ms), `${f1(100 * r.shareOfPeriod)} %`])),
    );
  }
  parts.push(...channelTables(targets));
  const patchRows = targets.flatMap((t) => t.patch ?? []);
  if (patchRows.length > 0) parts.push(patchTable(patchRows));
  const verdictRows = targets.flatMap((t) => verdicts(t));
  if (verdictRows.length > 0) {
    parts.push('**Targets**\n\n' + table(['router', 'target', 'measured', 'met'], verdictRows.map((v) => [v.target, v.goal, v.measured, v.met ? 'yes' : '**no**'])));
  }
  const errors = targets.flatMap((t) => t.errors.map((e) => `- ${routerLabel(t.target.kind)}: ${e}`));
  if (errors.length > 0) parts.push(`**Errors**\n\n${errors.join('\n')}`);
  const notes = targets.flatMap((t) => t.notes.map((n) => `- ${routerLabel(t.target.kind)}: ${n}`));
  if (notes.length > 0) parts.push(`**Not run**\n\n${notes.join('\n')}`);
  return `${machineLine(report.machine)}; ${report.mode} run, ${f0(report.durationS)} s\n\n${parts.join('\n\n')}\n`;
}

/** The `channel` section: mTLS management channel against the anonymous listener (reported, never judged). */
export function channelTables(targets: readonly TargetResult[]): string[] {
  const parts: string[] = [];
  const creds = targets.flatMap((t) => (t.channel?.credentials ? [t.channel.credentials] : []));
  if (creds.length > 0) {
    parts.push(
      '**Management channel credentials**: `createManagementCredentials()` (CA + router + controller certificate, ECDSA P-256), ms; ' +
        'fresh process = first call of a new node process (median of its runs), memory kept after a full GC\n\n' +
        table(
          ['first call', 'calls', 'median', 'p90', 'fresh process: first', 'second', 'runs', 'RSS kept', 'heap kept'],
          creds.map(({ firstMs, calls, medianMs, p90Ms, child }) => [
            f1(firstMs),
            String(calls),
            f1(medianMs),
            f1(p90Ms),
            ...(child
              ? [f1(child.firstMs), f1(child.secondMs), String(child.runs), `${f1(child.rssDeltaMb)} MB`, `${f1(child.heapDeltaMb * 1024)} KB`]
              : ['–', '–', '–', '–', '–']),
          ]),
        ),
    );
  }
  const connect = targets.flatMap((t) => (t.channel?.connect ?? []).map((x) => ({ t: routerLabel(t.target.kind), x })));
  if (connect.length > 0) {
    parts.push(
      '**Management channel connect**, ms from `new ManagementClient` to the first answered QUERY, a fresh client each time ' +
        '(none = anonymous listener; mtls = TLS, client certificate, SASL EXTERNAL)\n\n' +
        table(
          ['router', 'latency model', 'clients', 'none p50', 'none p90', 'mtls p50', 'mtls p90', 'mtls / none p50', 'mtls / none p90'],
          connect.map(({ t, x }) => [t, x.latencyModel, String(x.clients), f1(x.none.medianMs), f1(x.none.p90Ms), f1(x.mtls.medianMs), f1(x.mtls.p90Ms), times(x.mtlsVsNone.median), times(x.mtlsVsNone.p90)]),
        ),
    );
  }
  const tput = targets.flatMap((t) => (t.channel?.throughput ?? []).map((x) => ({ t: routerLabel(t.target.kind), x })));
  if (tput.length > 0) {
    parts.push(
      "**Management channel apply throughput**, operations/s of the controller's client (`applyPlan`, best of the runs)\n\n" +
        table(
          ['router', 'latency model', 'entities', 'runs', 'op', 'none', 'mtls', 'mtls / none'],
          tput.flatMap(({ t, x }) =>
            (['creates', 'deletes'] as const).map((op) => {
              const key = op === 'creates' ? 'createsPerSec' : 'deletesPerSec';
              return [t, x.latencyModel, f0(x.entities), String(x.runs), op, f0(x.none[key]), f0(x.mtls[key]), pct(x.mtlsVsNone[op])];
            }),
          ),
        ),
    );
  }
  return parts;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** Convergence latency against entity count: p50 and p95 per router, and the p50 of each phase. */
export function latencyChart(report: BenchReport): ChartSpec {
  const series: ChartSpec['series'][number][] = [];
  let c = 0;
  for (const t of report.targets) {
    const l = t.latency ?? [];
    if (l.length === 0) continue;
    const color = (): string => COLORS[c++ % COLORS.length] ?? '#000';
    const k = routerLabel(t.target.kind);
    const total = color();
    series.push({ label: `${k} p50`, color: total, points: l.map((x) => ({ x: x.entities, y: x.totalMs.p50 })) });
    series.push({ label: `${k} p95`, color: total, dashed: true, points: l.map((x) => ({ x: x.entities, y: x.totalMs.p95 })) });
    for (const [phase, label] of [['debounce', 'debounce'], ['readActual', 'QUERYs'], ['planning', 'plan'], ['applying', 'apply']] as const) {
      series.push({ label: `${k} ${label} p50`, color: color(), dashed: true, points: l.map((x) => ({ x: x.entities, y: x.phasesMs[phase].p50 })) });
    }
  }
  return {
    title: 'iofog-router: convergence latency of a one-entity change',
    subtitle: `${machineLine(report.machine)}; ${report.date.slice(0, 10)}`,
    xLabel: 'entities in the configuration (log scale)',
    yLabel: 'milliseconds',
    series,
  };
}
