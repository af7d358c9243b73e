/**
 * Integer attributes whose values make skrouterd 3.5.1 exit at boot (and fail a live CREATE with
 * a 500), with the router's own limits. Sources: `src/adaptors/amqp/server_config.c`
 * (listener/connector), `src/dispatch.c` and `src/server.c` (router.workerThreads),
 * `src/policy.c` (policy.maxConnections), `python/skupper_router_internal/policy/policy_local.py`
 * (vhost; its groups are checked in `check-vhost.ts`).
 */
import type { EntityKind } from '../entity.js';
import type { IssueCollector } from './collector.js';
import type { LocatedEntity } from './entity-input.js';

export const INT32_MAX = 2_147_483_647;

export interface IntegerLimit {
  readonly kinds: readonly EntityKind[];
  readonly attribute: string;
  readonly min: number;
  readonly max: number;
  /** 0 is accepted too and means "the router's default". */
  readonly zeroIsDefault?: boolean;
  /** What the router says or does with a value outside the range. */
  readonly refusal: string;
  /** Above this the router still boots but may not run well: a warning, with the reason. */
  readonly warnAbove?: { readonly value: number; readonly why: string };
}

const AMQP = ['listener', 'connector'] as const;
const VHOST_CONNECTIONS = 'PolicyError: Policy \'…\' is invalid: … is below minimum \'0\' / above maximum \'65535\'';

export const INTEGER_LIMITS: readonly IntegerLimit[] = [
  { kinds: AMQP, attribute: 'cost', min: 1, max: INT32_MAX, refusal: 'CError: Configuration: Invalid cost (…) specified' },
  { kinds: AMQP, attribute: 'maxFrameSize', min: 512, max: INT32_MAX, zeroIsDefault: true, refusal: 'Invalid maxFrameSize specified; 512 is the AMQP minimum' },
  { kinds: AMQP, attribute: 'maxSessions', min: 1, max: 32768, zeroIsDefault: true, refusal: 'Invalid maxSessions specified; Proton allows at most 32768' },
  { kinds: AMQP, attribute: 'maxSessionFrames', min: 2, max: INT32_MAX, zeroIsDefault: true, refusal: 'Invalid maxSessionFrames specified' },
  {
    kinds: ['router'],
    attribute: 'workerThreads',
    min: 1,
    max: INT32_MAX,
    refusal: 'it starts that many threads: with 0 it exits at once, a negative count (or one past 2147483647, stored in an int) aborts it',
    warnAbove: {
      value: 1024,
      why: 'each worker is a thread, skrouterd does not check that a thread was created (a failed one crashes it), and container pid limits are often 1024–4096',
    },
  },
  { kinds: ['policy'], attribute: 'maxConnections', min: 0, max: INT32_MAX, refusal: 'maxConnections must be >= 0 (kept in an int)' },
  { kinds: ['vhost'], attribute: 'maxConnections', min: 0, max: 65535, refusal: VHOST_CONNECTIONS },
  { kinds: ['vhost'], attribute: 'maxConnectionsPerUser', min: 0, max: 65535, refusal: VHOST_CONNECTIONS },
  { kinds: ['vhost'], attribute: 'maxConnectionsPerHost', min: 0, max: 65535, refusal: VHOST_CONNECTIONS },
  { kinds: ['vhost'], attribute: 'maxMessageSize', min: 0, max: Number.MAX_SAFE_INTEGER, refusal: 'PolicyError: … is below minimum \'0\'' },
];

const byKind = new Map<EntityKind, IntegerLimit[]>();
for (const limit of INTEGER_LIMITS) {
  for (const kind of limit.kinds) byKind.set(kind, [...(byKind.get(kind) ?? []), limit]);
}

/** `0 (the default) or 512…2147483647`, `1…32768`, `0 or more`. */
export function describeRange(limit: IntegerLimit): string {
  const range = limit.max === Number.MAX_SAFE_INTEGER ? `${limit.min} or more` : `${limit.min}…${limit.max}`;
  return limit.zeroIsDefault ? `0 (the default) or ${range}` : range;
}

export function allows(limit: IntegerLimit, value: number): boolean {
  return (limit.zeroIsDefault === true && value === 0) || (value >= limit.min && value <= limit.max);
}

export function checkLimits(entities: readonly LocatedEntity[], issues: IssueCollector): void {
  for (const entity of entities) {
    for (const limit of byKind.get(entity.kind) ?? []) {
      const value = entity.attributes[limit.attribute];
      if (typeof value !== 'number') continue;
      const path = entity.attributePath(limit.attribute);
      if (!allows(limit, value)) {
        issues.error(path, `"${limit.attribute}" must be ${describeRange(limit)}; skrouterd 3.5.1 refuses to boot with ${value} (${limit.refusal})`);
      } else if (limit.warnAbove && value > limit.warnAbove.value) {
        issues.warn(path, `"${limit.attribute}" is ${value}, more than ${limit.warnAbove.value}: ${limit.warnAbove.why}`);
      }
    }
  }
}
