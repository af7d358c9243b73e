/** Reads the router's actual state: one QUERY per managed kind, pipelined, asking only for the columns the planner compares. */
import { ENTITY_FACTS, ENTITY_KINDS, type DesiredState, type EntityKind } from '../../schemas/index.js';
import type { Attributes, Management } from '../../reconcilers/management.js';
import { comparedAttributes } from '../../reconcilers/normalise.js';
import type { ActualState } from '../../reconcilers/plan-types.js';
import { describeError, type StatusStore } from './status.js';

/** Columns asked for in the QUERY of a kind: the name, and what the planner compares. */
export function queryColumns(kind: EntityKind): string[] {
  return ['name', ...(kind === 'log' ? ['module'] : []), ...comparedAttributes(kind)];
}

/** QUERYs `kinds` (default every managed kind); a kind left out is absent from the result, which the planner reads as "not looked at". */
export async function readActual(management: Management, kinds: readonly EntityKind[] = ENTITY_KINDS): Promise<ActualState> {
  const rows = await Promise.all(kinds.map((kind) => management.query(ENTITY_FACTS[kind].longType, queryColumns(kind))));
  return Object.fromEntries(kinds.map((kind, i) => [kind, rows[i] ?? []]));
}

const KIND_OF_LONG_TYPE = new Map<string, EntityKind>(ENTITY_KINDS.map((kind) => [ENTITY_FACTS[kind].longType, kind]));

/**
 * The router's state as the last full read saw it, kept current with the replies of our own
 * writes, so that a pass triggered only by an input change need not QUERY again. It holds only
 * what a QUERY would have answered: a CREATE's reply (the router's full attribute map) narrowed to
 * the QUERY's columns, a DELETE removes the row. Anything it cannot account for exactly (an
 * UPDATE, a failed, skipped or resolved-duplicate operation, a DELETE of something already gone,
 * a pass that did not finish) drops it, and the next pass reads the router.
 */
export class ActualCache {
  #rows: Map<EntityKind, Map<string, Attributes>> | undefined;

  get valid(): boolean {
    return this.#rows !== undefined;
  }

  /** What a QUERY of every kind held would answer now; undefined when not known. */
  get(): ActualState | undefined {
    if (!this.#rows) return undefined;
    return Object.fromEntries([...this.#rows].map(([kind, rows]) => [kind, [...rows.values()]]));
  }

  /** The rows of a full read of `actual`'s kinds. */
  store(actual: ActualState): void {
    this.#rows = new Map(Object.entries(actual).map(([kind, rows]) => [kind as EntityKind, new Map((rows ?? []).map((r) => [String(r['name']), r]))]));
  }

  invalidate(): void {
    this.#rows = undefined;
  }

  /**
   * `management` whose successful CREATEs and DELETEs update the cache (and anything else drops
   * it); `onCreated` hears of every kind a CREATE succeeded for.
   */
  recording(management: Management, onCreated: (kind: EntityKind) => void = () => undefined): Management {
    const rowsOf = (longType: string) => {
      const kind = KIND_OF_LONG_TYPE.get(longType);
      return kind === undefined ? undefined : { kind, rows: this.#rows?.get(kind) };
    };
    const dropOnError = async <T>(p: Promise<T>): Promise<T> => {
      try {
        return await p;
      } catch (error) {
        this.invalidate();
        throw error;
      }
    };
    return {
      query: (longType, names) => management.query(longType, names),
      read: (longType, name) => {
        this.invalidate();
        return management.read(longType, name);
      },
      update: (longType, name, attributes) => {
        this.invalidate();
        return management.update(longType, name, attributes);
      },
      create: async (longType, name, attributes) => {
        const reply = await dropOnError(management.create(longType, name, attributes));
        const target = rowsOf(longType);
        if (target) onCreated(target.kind);
        if (!target?.rows || reply['name'] !== name) this.invalidate();
        else target.rows.set(name, Object.fromEntries(queryColumns(target.kind).filter((c) => c in reply).map((c) => [c, reply[c]])));
        return reply;
      },
      delete: async (longType, name) => {
        await dropOnError(management.delete(longType, name));
        const target = rowsOf(longType);
        if (!target?.rows?.delete(name)) this.invalidate();
      },
    };
  }
}

/**
 * The router side of a pass: one QUERY per kind desired or last seen on the router (every managed
 * kind when a full read is due, `fullReadEveryMs`), pipelined, or, when the pass may reuse it and
 * it covers every desired kind, the {@link ActualCache}. A failed read means the router is not
 * reachable; it is reported in `/status` (`router.lastError`).
 */
export class RouterReader {
  readonly #management: Management;
  readonly #status: StatusStore;
  readonly #fullReadEveryMs: number;
  readonly #cache = new ActualCache();
  /** Kinds the router held entities of, as last seen (or created since). */
  readonly #seen = new Set<EntityKind>();
  #lastFullRead = -Infinity;
  /** What the apply step writes through: our own writes keep the cache current. */
  readonly management: Management;

  constructor(management: Management, status: StatusStore, fullReadEveryMs: number) {
    this.#management = management;
    this.#status = status;
    this.#fullReadEveryMs = fullReadEveryMs;
    // A kind created by a pass that read nothing is seen all the same: the next read covers it
    // even once nothing desires it any more.
    this.management = this.#cache.recording(management, (kind) => this.#seen.add(kind));
  }

  invalidate(): void {
    this.#cache.invalidate();
  }

  async read(desired: DesiredState, mayReuse: boolean): Promise<ActualState> {
    const cached = mayReuse ? this.#cache.get() : undefined;
    if (cached && desired.entities.every((e) => cached[e.kind] !== undefined)) return cached;
    const now = performance.now();
    const full = now - this.#lastFullRead >= this.#fullReadEveryMs;
    const inUse = new Set(desired.entities.map((e) => e.kind));
    const kinds = full ? ENTITY_KINDS : ENTITY_KINDS.filter((k) => this.#seen.has(k) || inUse.has(k));
    const status = this.#status;
    // `reachable` is the management connection's (client events); a failed read only says why.
    try {
      const actual = await readActual(this.#management, kinds);
      this.#cache.store(actual);
      if (full) this.#lastFullRead = now;
      for (const kind of kinds) {
        if ((actual[kind]?.length ?? 0) > 0) this.#seen.add(kind);
        else this.#seen.delete(kind);
      }
      const { lastError: _cleared, ...router } = status.document.router;
      status.update({ router });
      return actual;
    } catch (error) {
      status.update({ router: { ...status.document.router, lastError: describeError(error) } });
      throw error;
    }
  }
}
