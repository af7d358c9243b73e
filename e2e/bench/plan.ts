/** What a full and a quick (`--quick`, smoke) run measure, and the section names. */

export const SECTIONS = ['latency', 'throughput', 'cold', 'split', 'memory', 'channel', 'health', 'patch'] as const;
export type Section = (typeof SECTIONS)[number];

export interface RunPlan {
  /** Change → applied as an operator sees it (atomic write or 0x0C → `/status` appliedRevision), `latency.ts`. */
  readonly applied: { readonly sizes: readonly number[]; readonly changes: number; readonly pot: boolean };
  readonly latency: { readonly sizes: readonly number[]; readonly changes: number; readonly warmup: number; readonly noopPasses: number };
  /** `runs` with the latency model on (or a real router); `offRuns` with it off (client overhead). */
  readonly throughput: { readonly entities: number; readonly runs: number; readonly offRuns: number };
  readonly cold: { readonly entities: number; readonly runs: number };
  readonly memory: {
    readonly idleEntities: number;
    readonly mediumEntities: number;
    readonly largeEntities: number;
    readonly settleMs: number;
    readonly leakEntities: number;
    readonly leakPasses: number;
  };
  /** The management channel, mTLS against the anonymous listener (`channel.ts`). */
  readonly channel: {
    /** createManagementCredentials() calls timed after the first one. */
    readonly credentialCalls: number;
    /** Fresh child processes timing the first call and the memory it keeps. */
    readonly credentialChildren: number;
    /** Fresh clients per channel: connect → first answered QUERY. */
    readonly connects: number;
    /** tcpConnectors created then deleted per run; `runs` latency model on, `offRuns` off. */
    readonly entities: number;
    readonly runs: number;
    readonly offRuns: number;
  };
  /** Cold start per type mix: boot file only, management only, the product's split (`cold-split.ts`). */
  readonly split: { readonly quick: boolean; readonly runs: number };
  /** One router-health reading (`health.ts`) at these sizes. */
  readonly health: { readonly sizes: readonly number[]; readonly readings: number };
  /** The plan as a JSON Patch against the plan alone (`patch.ts`; no router involved). */
  readonly patch: { readonly sizes: readonly number[]; readonly runs: number; readonly changes: number };
}

export const PLANS: Readonly<Record<'full' | 'quick', RunPlan>> = {
  full: {
    applied: { sizes: [10, 100, 1_000], changes: 30, pot: true },
    latency: { sizes: [10, 1_000, 5_000], changes: 30, warmup: 3, noopPasses: 5 },
    throughput: { entities: 2_000, runs: 2, offRuns: 3 },
    cold: { entities: 4_000, runs: 3 },
    memory: { idleEntities: 10, mediumEntities: 1_000, largeEntities: 10_000, settleMs: 3_000, leakEntities: 1_000, leakPasses: 1_000 },
    channel: { credentialCalls: 20, credentialChildren: 5, connects: 30, entities: 2_000, runs: 2, offRuns: 5 },
    split: { quick: false, runs: 1 },
    health: { sizes: [10, 1_000, 4_000], readings: 20 },
    patch: { sizes: [1_000, 10_000], runs: 7, changes: 30 },
  },
  quick: {
    applied: { sizes: [10], changes: 5, pot: true },
    latency: { sizes: [10, 200], changes: 5, warmup: 1, noopPasses: 2 },
    throughput: { entities: 200, runs: 1, offRuns: 1 },
    cold: { entities: 400, runs: 1 },
    memory: { idleEntities: 10, mediumEntities: 1_000, largeEntities: 1_000, settleMs: 1_000, leakEntities: 50, leakPasses: 100 },
    channel: { credentialCalls: 5, credentialChildren: 1, connects: 5, entities: 200, runs: 1, offRuns: 1 },
    split: { quick: true, runs: 1 },
    health: { sizes: [10], readings: 5 },
    patch: { sizes: [1_000], runs: 3, changes: 5 },
  },
};

/** `--sections a,b` → the sections in run order; `ops` is an alias of `latency` (both come from one run). */
export function parseSections(text: string | undefined): Section[] {
  if (text === undefined || text.trim() === '') return [...SECTIONS];
  const asked = text.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => (s === 'ops' ? 'latency' : s));
  const unknown = asked.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new RangeError(`unknown section(s): ${unknown.join(', ')} (known: ${SECTIONS.join(', ')}, ops)`);
  return SECTIONS.filter((s) => asked.includes(s));
}
