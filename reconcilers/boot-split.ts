/**
 * The cold-start plan: which entities of a desired state go into the boot file and which are left
 * for management right after boot. Booting from the file is not always the fast path on a real
 * router (10,000 addresses: 165 s from the file, 3.2 s over management; tcpConnectors the other
 * way round), so for every type that may wait the choice is made from the measured costs in
 * `boot-cost.ts`: the split with the shortest predicted cold start, `boot(file part) +
 * management(rest)`, among every way of leaving whole types out.
 *
 * What the router needs to come up and reach its management listener and its links never waits:
 * router, site, network, policy, vhost, log, sslProfile, proxyProfile, listener and connector
 * always stay in the file. An entity that names one left out is left out too (a listenerAddress
 * of a tcpListener). A small config (under 500 entities) stays whole in the file, so a normal cold
 * start still costs no management writes, and a split must win at least 5 % to be taken.
 *
 * What is left out is simply missing from the router after boot: the first reconcile pass creates
 * it, like any missing entity, and `/readyz` turns ready once it exists. Pure.
 */
import { ENTITY_FACTS, ENTITY_KINDS, type DesiredEntity, type DesiredState, type EntityKind } from '../schemas/index.js';
import { SKROUTERD_3_5_1, bootSeconds, countByType, managementSeconds, type BootCostModel, type TypeCounts } from './boot-cost.js';

/** Types that always stay in the boot file: the router, its management listener and its links need them at boot. */
export const BOOT_FILE_KINDS: ReadonlySet<EntityKind> = new Set<EntityKind>([
  'router',
  'site',
  'network',
  'policy',
  'vhost',
  'log',
  'sslProfile',
  'proxyProfile',
  'listener',
  'connector',
]);

/** Types that may be created over management after boot instead. */
export const DEFERRABLE_KINDS: readonly EntityKind[] = ENTITY_KINDS.filter((k) => !BOOT_FILE_KINDS.has(k));

export interface BootSplitOptions {
  /** The router's costs. Default {@link SKROUTERD_3_5_1}. */
  readonly model?: BootCostModel;
  /** A state with fewer entities than this stays whole in the boot file. Default 500. */
  readonly smallConfigEntities?: number;
  /** A split is taken only when its predicted cold start is at least this fraction shorter than the file alone. Default 0.05. */
  readonly minGain?: number;
}

export const DEFAULT_SMALL_CONFIG_ENTITIES = 500;
export const DEFAULT_MIN_GAIN = 0.05;

/** Predicted seconds of the three cold starts (process start until every entity exists). */
export interface ColdStartPrediction {
  /** The chosen split. */
  readonly seconds: number;
  /** Everything in the boot file. */
  readonly allInFile: number;
  /** Only the types that must be in the file; every deferrable entity over management. */
  readonly allOverManagement: number;
}

export interface BootSplit {
  /** What goes into the boot file, in the desired state's order (`state` itself when nothing is left out). */
  readonly boot: DesiredState;
  /** What the first pass creates after boot, in the desired state's order. */
  readonly afterBoot: readonly DesiredEntity[];
  /** The types left out, in ENTITY_KINDS order. */
  readonly deferredKinds: readonly EntityKind[];
  readonly predicted: ColdStartPrediction;
}

/** Predicted seconds from process start until every entity exists: boot `file`, then CREATE `after`. */
export function predictColdStart(model: BootCostModel, file: TypeCounts, after: TypeCounts): number {
  return bootSeconds(model, file) + managementSeconds(model, after, file);
}

/** Kinds each kind names through its reference attributes (schema facts). */
const REFERENCES: ReadonlyMap<EntityKind, readonly EntityKind[]> = new Map(
  ENTITY_KINDS.map((kind) => [kind, [...new Set(Object.values(ENTITY_FACTS[kind].attributes).flatMap((a) => (a.references ? [a.references] : [])))]]),
);

/**
 * `deferred` plus every present kind that names a deferred one, transitively; undefined when a
 * kind that must stay in the file would name a deferred one.
 */
function close(deferred: ReadonlySet<EntityKind>, present: readonly EntityKind[]): Set<EntityKind> | undefined {
  const out = new Set(deferred);
  for (let changed = true; changed; ) {
    changed = false;
    for (const kind of present) {
      if (out.has(kind) || !(REFERENCES.get(kind) ?? []).some((k) => out.has(k))) continue;
      if (BOOT_FILE_KINDS.has(kind)) return undefined;
      out.add(kind);
      changed = true;
    }
  }
  return out;
}

function splitCounts(counts: TypeCounts, deferred: ReadonlySet<EntityKind>): { file: TypeCounts; after: TypeCounts } {
  const file: Partial<Record<EntityKind, number>> = {};
  const after: Partial<Record<EntityKind, number>> = {};
  for (const [kind, n] of Object.entries(counts) as [EntityKind, number][]) (deferred.has(kind) ? after : file)[kind] = n;
  return { file, after };
}

/** Decides the cold-start plan of `state` (see the module comment). */
export function splitBoot(state: DesiredState, options: BootSplitOptions = {}): BootSplit {
  const model = options.model ?? SKROUTERD_3_5_1;
  const counts = countByType(state.entities);
  const present = ENTITY_KINDS.filter((k) => (counts[k] ?? 0) > 0);
  const cost = (deferred: ReadonlySet<EntityKind>) => {
    const { file, after } = splitCounts(counts, deferred);
    return predictColdStart(model, file, after);
  };
  const allInFile = cost(new Set());
  const movable = present.filter((k) => !BOOT_FILE_KINDS.has(k));
  const allOverManagement = cost(close(new Set(movable), present) ?? new Set());
  let best: { deferred: ReadonlySet<EntityKind>; seconds: number } = { deferred: new Set(), seconds: allInFile };
  const small = state.entities.length < (options.smallConfigEntities ?? DEFAULT_SMALL_CONFIG_ENTITIES);
  if (!small) {
    for (let mask = 1; mask < 1 << movable.length; mask++) {
      const deferred = close(new Set(movable.filter((_, i) => mask & (1 << i))), present);
      if (deferred === undefined) continue;
      const seconds = cost(deferred);
      if (seconds < best.seconds || (seconds === best.seconds && deferred.size < best.deferred.size)) best = { deferred, seconds };
    }
    if (best.seconds > (1 - (options.minGain ?? DEFAULT_MIN_GAIN)) * allInFile) best = { deferred: new Set(), seconds: allInFile };
  }
  const predicted = { seconds: best.seconds, allInFile, allOverManagement };
  if (best.deferred.size === 0) return { boot: state, afterBoot: [], deferredKinds: [], predicted };
  const boot: DesiredEntity[] = [];
  const afterBoot: DesiredEntity[] = [];
  for (const entity of state.entities) (best.deferred.has(entity.kind) ? afterBoot : boot).push(entity);
  return { boot: { entities: boot }, afterBoot, deferredKinds: ENTITY_KINDS.filter((k) => best.deferred.has(k)), predicted };
}
