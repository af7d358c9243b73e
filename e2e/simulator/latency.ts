/**
 * How long a simulated request takes, so that benchmarks against the simulator have the shape
 * of a real 3.5.1 router.
 *
 * Why it grows with the entity count: the Python agent runs `refresh_from_c` before *every*
 * request, which walks every entity it holds; so every Python-agent request pays a per-entity
 * cost on top of its own. Two measured anchors on a real 3.5.1 (issue 4): CREATE ≈ 3 ms with 200
 * entities and ≈ 8 ms with 4,000 — which fixes `perEntityMs` (5 ms / 3,800 entities) and
 * `createMs`; and QUERY of 1,000 rows ≈ 25 ms — which fixes `perRowMs`. The other base costs are
 * chosen (not measured) relative to CREATE: UPDATE and DELETE touch C like CREATE but validate
 * less; READ and QUERY only read; an sslProfile UPDATE adds a TLS reload (the notes report
 * hundreds of ms with real certificate chains; the simulator reads no files, 20 ms is a modest
 * stand-in). The C agent (addresses, autoLinks, routerMetrics) runs on the core thread without
 * the Python refresh: a small flat cost.
 */

export interface LatencyCoefficients {
  /** Added to every Python-agent request per configuration entity the router holds. */
  readonly perEntityMs: number;
  readonly createMs: number;
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
}

const PER_ENTITY_MS = (8 - 3) / (4000 - 200);

export const DEFAULT_LATENCY: LatencyCoefficients = {
  perEntityMs: PER_ENTITY_MS,
  createMs: 3 - 200 * PER_ENTITY_MS,
  updateMs: 2.2,
  deleteMs: 2.0,
  readMs: 0.8,
  queryMs: 1.0,
  perRowMs: 0.0225,
  schemaMs: 4,
  otherMs: 0.5,
  sslProfileUpdateMs: 20,
  cAgentMs: 0.3,
  cPerRowMs: 0.005,
};

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
  const refresh = input.entityCount * c.perEntityMs;
  switch (input.operation.toUpperCase()) {
    case 'CREATE':
      return refresh + c.createMs;
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
}
