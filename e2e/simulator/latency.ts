/**
 * How long a simulated request takes, and how long the router takes to load its boot file, so
 * that benchmarks against the simulator have the shape of a real 3.5.1 router. Fitted to the
 * recordings in `e2e/reference/`: `skrouterd-3.5.1-timing.json` (10 to 4,000 tcpConnectors booted
 * from the file: boot, CREATE, DELETE, QUERY of all rows, READ, log UPDATE medians) and
 * `skrouterd-3.5.1-boot-costs-by-type.json` (boot file vs management by entity type). The model is
 * within ±30 % of every recorded point (`latency.test.ts` checks it, from the model's numbers).
 * Below, x = entities / 1,000.
 *
 * Requests. The Python agent runs `refresh_from_c` before *every* request, which walks every
 * entity it holds: every Python-agent request pays `refresh = 2.5 ms · x^0.94` (slightly
 * sublinear: the recorded READ, DELETE and log UPDATE, which do little else, all grow alike) on
 * top of its own base: READ 1.6 ms, DELETE 1.2 ms, UPDATE 1.35 ms (fitted), QUERY 2.9 ms plus
 * 0.0166 ms per returned row, CREATE 2.9 ms plus `0.6 ms · x^2.2` (recorded: 9 ms at 2,000, 30 ms
 * at 4,000; the cause was not measured). GET-SCHEMA and the other operations are not recorded: a 4 ms
 * and 0.5 ms base, plus the refresh. An sslProfile UPDATE adds a TLS reload (the notes report
 * hundreds of ms with real certificate chains; the simulator reads no files, 20 ms is a modest
 * stand-in). The C agent (addresses, autoLinks, routerMetrics) runs on the core thread without
 * the refresh: a flat 0.3 ms (10,000 addresses over management took 3.2 s).
 *
 * Boot (process start → management answers, configuration fully loaded): a fixed process start
 * of 210 ms plus the loading of the file, which is superlinear and depends on the type:
 * tcpConnector `1.6 s · x^1.97` (recorded: 2 s at 1,000, 7.3 s at 2,000, 22 s at 4,000), tcpListener
 * `5.2 s · x^1.35` (they also bind), address `2.5 s · x^1.79` (165 s for 10,000, where the same
 * addresses over management take 3.2 s); other types load like tcpConnectors. The per-entity
 * loading cost grows with the number of entities loaded, whatever their type, so a file mixing
 * types costs the count-weighted mean of the per-type curves at the total count: for `n_t`
 * entities of type t among N, `Σ n_t / N · curve_t(N)` (4,000 tcpConnectors and 1,000
 * tcpListeners: 40 s modelled, 49 s recorded). The simulator holds management for the loading
 * part only: its own process start (node and modules) stands in for the router's.
 */
import type { RouterState } from './state.js';

/** `atThousandMs · (entities / 1,000) ^ exponent`. */
export interface Growth {
  readonly atThousandMs: number;
  readonly exponent: number;
}

export interface LatencyCoefficients {
  /** `refresh_from_c`, added to every Python-agent request, by configuration entities held. */
  readonly refresh: Growth;
  readonly createMs: number;
  /** Added to CREATE on top of the refresh (superlinear). */
  readonly createGrowth: Growth;
  readonly updateMs: number;
  readonly deleteMs: number;
  readonly readMs: number;
  readonly queryMs: number;
  /** QUERY, per returned row. */
  readonly perRowMs: number;
  /** GET-SCHEMA and GET-JSON-SCHEMA (a large dump). */
  readonly schemaMs: number;
  /** Every other Python-agent request (GET-TYPES, GET-OPERATIONS, unknown operations...). */
  readonly otherMs: number;
  /** Extra for UPDATE of an sslProfile (TLS configuration rebuilt from files). */
  readonly sslProfileUpdateMs: number;
  /** A C-agent request. */
  readonly cAgentMs: number;
  /** C-agent QUERY, per returned row. */
  readonly cPerRowMs: number;
  /** Boot: process start until the loading of the file begins (paid whatever the file holds). */
  readonly processStartMs: number;
  /** Boot: loading the file, by short type name, at the total entity count; `default` for the other types. */
  readonly bootLoad: Readonly<Record<string, Growth>> & { readonly default: Growth };
}

export const DEFAULT_LATENCY: LatencyCoefficients = {
  refresh: { atThousandMs: 2.5, exponent: 0.94 },
  createMs: 2.9,
  createGrowth: { atThousandMs: 0.6, exponent: 2.2 },
  updateMs: 1.35,
  deleteMs: 1.2,
  readMs: 1.6,
  queryMs: 2.9,
  perRowMs: 0.0166,
  schemaMs: 4,
  otherMs: 0.5,
  sslProfileUpdateMs: 20,
  cAgentMs: 0.3,
  cPerRowMs: 0.005,
  processStartMs: 210,
  bootLoad: {
    default: { atThousandMs: 1_600, exponent: 1.97 },
    tcpConnector: { atThousandMs: 1_600, exponent: 1.97 },
    tcpListener: { atThousandMs: 5_200, exponent: 1.35 },
    address: { atThousandMs: 2_500, exponent: 1.79 },
  },
};

/** The value of a growth curve at `entities`. */
export function grow(g: Growth, entities: number): number {
  return entities <= 0 ? 0 : g.atThousandMs * (entities / 1_000) ** g.exponent;
}

/** `latency` option: a scale factor for the whole model and/or replaced coefficients. */
export interface LatencyOptions {
  /** Multiplies every cost (default 1; 0 keeps ordering and timers but no delay). */
  readonly scale?: number;
  readonly coefficients?: Partial<LatencyCoefficients>;
}

export interface CostInput {
  readonly agent: 'python' | 'c';
  /** Operation as received (upper-cased for the lookup). */
  readonly operation: string;
  /** Configuration entities the router holds when the request starts. */
  readonly entityCount: number;
  /** Rows a QUERY returned. */
  readonly rows?: number;
  /** The request was an UPDATE of an sslProfile. */
  readonly sslProfileUpdate?: boolean;
}

/** The modelled cost of one request in milliseconds (pure; the tests check its shape). */
export function operationCost(c: LatencyCoefficients, input: CostInput): number {
  const rows = input.rows ?? 0;
  if (input.agent === 'c') return c.cAgentMs + (input.operation.toUpperCase() === 'QUERY' ? rows * c.cPerRowMs : 0);
  const refresh = grow(c.refresh, input.entityCount);
  switch (input.operation.toUpperCase()) {
    case 'CREATE':
      return refresh + c.createMs + grow(c.createGrowth, input.entityCount);
    case 'UPDATE':
      return refresh + c.updateMs + (input.sslProfileUpdate ? c.sslProfileUpdateMs : 0);
    case 'DELETE':
      return refresh + c.deleteMs;
    case 'READ':
      return refresh + c.readMs;
    case 'QUERY':
      return refresh + c.queryMs + rows * c.perRowMs;
    case 'GET-SCHEMA':
    case 'GET-JSON-SCHEMA':
      return refresh + c.schemaMs;
    default:
      return refresh + c.otherMs;
  }
}

/** Configuration entities by short type name, as the boot model counts them (`address` and `autoLink` from the C tables). */
export type EntityCounts = Readonly<Record<string, number>>;

/** Milliseconds to load a boot file holding `counts` (without the process start). */
export function bootLoadCost(c: LatencyCoefficients, counts: EntityCounts): number {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  if (total <= 0) return 0;
  return Object.entries(counts).reduce((sum, [type, n]) => sum + (n / total) * grow(c.bootLoad[type] ?? c.bootLoad.default, total), 0);
}

/** Milliseconds from process start until management answers, for a boot file holding `counts`. */
export function bootCost(c: LatencyCoefficients, counts: EntityCounts): number {
  return c.processStartMs + bootLoadCost(c, counts);
}

/** The configuration entities a booted router holds, by short type name. */
export function bootEntityCounts(state: RouterState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of state.entities) {
    if (e.type.configuration && e.type.agent === 'python') counts[e.type.shortName] = (counts[e.type.shortName] ?? 0) + 1;
  }
  if (state.addresses.length > 0) counts['address'] = state.addresses.length;
  if (state.autoLinks.length > 0) counts['autoLink'] = state.autoLinks.length;
  return counts;
}

/** The model as configured for one simulator: disabled (`false`) or scaled coefficients. */
export class LatencyModel {
  readonly enabled: boolean;
  readonly coefficients: LatencyCoefficients;
  private readonly scale: number;

  constructor(options: false | LatencyOptions | undefined) {
    this.enabled = options !== false;
    this.coefficients = { ...DEFAULT_LATENCY, ...(options === false ? {} : options?.coefficients) };
    this.scale = options === false ? 0 : (options?.scale ?? 1);
    if (!(this.scale >= 0) || !Number.isFinite(this.scale)) throw new RangeError(`latency scale must be a finite number >= 0, got ${this.scale}`);
  }

  /** Milliseconds to hold the reply of a request (0 when the model is off). */
  cost(input: CostInput): number {
    return this.enabled ? operationCost(this.coefficients, input) * this.scale : 0;
  }

  /**
   * Milliseconds management stays silent after the router state was built from the boot file:
   * the modelled loading of what `state` holds, less `elapsedMs` already spent building it (0 when
   * the model is off). The process start is not added: the simulator's own start pays for it.
   */
  bootHoldMs(state: RouterState, elapsedMs = 0): number {
    return this.enabled ? Math.max(0, bootLoadCost(this.coefficients, bootEntityCounts(state)) * this.scale - elapsedMs) : 0;
  }
}
