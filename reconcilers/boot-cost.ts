/**
 * What it costs a real skupper-router 3.5.1 to get entities in, by type: from the boot file
 * (process start until management answers, the file fully loaded) or by management CREATEs into
 * the running router. Pure data and arithmetic: the cold-start plan (`boot-split.ts`) uses it to
 * put into the boot file what the router loads fast and to create the rest after boot.
 *
 * Fitted (max |error| ≈ 17 %) to the recordings of a real 3.5.1 on a 2-core machine
 * (`e2e/reference/skrouterd-3.5.1-timing.json` and `skrouterd-3.5.1-boot-costs-by-type.json`;
 * `boot-cost.test.ts` holds every recorded point to ±30 %). Below, x = entities / 1,000.
 *
 * Boot file: a process start of 0.23 s, plus loading, which is superlinear in the total count N
 * and depends on the type: each type contributes its share of its own curve at N,
 * `Σ n_t / N · a_t · (N/1000)^p_t`. tcpConnector `1.5 s · x^2.0` (2 s at 1,000, 22 s at 4,000),
 * tcpListener `4.5 s · x^1.55` (they also bind: 5.5 s at 1,000), address `2.5 s · x^1.77` (165 s
 * for 10,000); the other types, unrecorded, load like tcpConnectors. Because the curve is taken at
 * the total count, every entity in the file slows the loading of every other (4,000 tcpConnectors
 * with 1,000 tcpListeners: 49 s recorded, 41 s modelled, against 22 s and 5.5 s alone).
 *
 * Management: the Python agent (every type but address and autoLink) pays, per CREATE, `2.3 ms +
 * 3.3 ms · x^0.56 + 0.36 ms · x^3.0` where x counts the entities the router holds (recorded with
 * tcpConnectors only: 2.8 ms at 100, 9.2 ms at 2,000, 30 ms at 4,000; 5,000 tcp entities in 93 s
 * against 95–114 s). Whether held addresses slow them as much was not recorded; the model assumes
 * so (the cautious side: it makes Python-agent types created after addresses dearer). The C agent
 * (address, autoLink) takes a flat 0.32 ms (10,000 addresses in 3.2 s), whatever the router holds.
 * The model does not know the machine: only ratios between paths matter.
 */
import { ENTITY_KINDS, type EntityKind } from '../schemas/index.js';

/** `atThousand · (entities / 1,000) ^ exponent`. */
export interface Growth {
  readonly atThousand: number;
  readonly exponent: number;
}

export interface TypeCost {
  /** Seconds to load this type's share of a boot file, as a curve of the file's total count. */
  readonly boot: Growth;
  /** Which management agent serves the type: `python` CREATEs slow down as the router fills up. */
  readonly agent: 'python' | 'c';
}

export interface BootCostModel {
  /** Seconds from process start until the loading of the file begins. */
  readonly processStartS: number;
  readonly types: Readonly<Record<EntityKind, TypeCost>>;
  /** Milliseconds of one Python-agent CREATE: `baseMs` plus each growth at the Python-agent entities held. */
  readonly pythonCreate: { readonly baseMs: number; readonly growth: readonly Growth[] };
  /** Milliseconds of one C-agent CREATE (pipelined). */
  readonly cCreateMs: number;
}

const TCP_CONNECTOR: Growth = { atThousand: 1.5, exponent: 2.0 };
const python = (boot: Growth = TCP_CONNECTOR): TypeCost => ({ boot, agent: 'python' });

/** skupper-router 3.5.1 on the recorded machine. */
export const SKROUTERD_3_5_1: BootCostModel = {
  processStartS: 0.23,
  types: {
    router: python(),
    site: python(),
    network: python(),
    policy: python(),
    log: python(),
    sslProfile: python(),
    proxyProfile: python(),
    vhost: python(),
    address: { boot: { atThousand: 2.5, exponent: 1.77 }, agent: 'c' },
    autoLink: { boot: TCP_CONNECTOR, agent: 'c' },
    listener: python(),
    connector: python(),
    tcpListener: python({ atThousand: 4.5, exponent: 1.55 }),
    tcpConnector: python(),
    listenerAddress: python(),
  },
  pythonCreate: {
    baseMs: 2.3,
    growth: [
      { atThousand: 3.3, exponent: 0.56 },
      { atThousand: 0.36, exponent: 3.0 },
    ],
  },
  cCreateMs: 0.32,
};

/** Entities by type. */
export type TypeCounts = Partial<Readonly<Record<EntityKind, number>>>;

export function grow(g: Growth, entities: number): number {
  return entities <= 0 ? 0 : g.atThousand * (entities / 1_000) ** g.exponent;
}

function total(counts: TypeCounts): number {
  let n = 0;
  for (const c of Object.values(counts)) n += c ?? 0;
  return n;
}

/** Seconds from process start until management answers, for a boot file holding `counts`. */
export function bootSeconds(model: BootCostModel, counts: TypeCounts): number {
  const n = total(counts);
  let load = 0;
  if (n > 0) {
    for (const [kind, count] of Object.entries(counts) as [EntityKind, number | undefined][]) {
      if (count) load += (count / n) * grow(model.types[kind].boot, n);
    }
  }
  return model.processStartS + load;
}

/** Milliseconds of one Python-agent CREATE while the router holds `held` configuration entities. */
export function pythonCreateMs(model: BootCostModel, held: number): number {
  return model.pythonCreate.growth.reduce((ms, g) => ms + grow(g, held), model.pythonCreate.baseMs);
}

/** Python CREATEs are summed exactly up to this many per type, then in this many equal steps (error < 0.1 %). */
const SUM_STEPS = 2_000;

/**
 * Seconds to CREATE `counts` over management into a running router that already holds `held`
 * (what it booted from), one after the other or pipelined (the router serves them one at a time
 * either way), in the planner's order of types (`ENTITY_KINDS`: addresses before tcp entities).
 */
export function managementSeconds(model: BootCostModel, counts: TypeCounts, held: TypeCounts = {}): number {
  let holding = total(held);
  let ms = 0;
  for (const kind of ENTITY_KINDS) {
    const creates = counts[kind] ?? 0;
    if (creates <= 0) continue;
    if (model.types[kind].agent === 'c') ms += creates * model.cCreateMs;
    else {
      const step = Math.max(1, creates / SUM_STEPS);
      for (let done = 0; done < creates; done += step) {
        const width = Math.min(step, creates - done);
        ms += width * pythonCreateMs(model, holding + done + (width - 1) / 2);
      }
    }
    holding += creates;
  }
  return ms / 1_000;
}

/** Entities by type in a list. */
export function countByType(entities: Iterable<{ readonly kind: EntityKind }>): Partial<Record<EntityKind, number>> {
  const counts: Partial<Record<EntityKind, number>> = {};
  for (const e of entities) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}
