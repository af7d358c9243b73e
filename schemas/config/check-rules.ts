/**
 * Type-specific rules the router enforces at start-up (a boot file that breaks one makes the
 * router exit) or at CREATE (a 400 or a 500 CError). Facts from `amqp-management.md` §2.
 */
import { ENTITY_FACTS } from '../registry.js';
import type { IssueCollector } from './collector.js';
import type { LocatedEntity } from './entity-input.js';
import { formatPath } from './issues.js';

const LOG_LEVEL = /^(?:none|trace|debug|info|warning|error|critical)\+?$/;
const RESERVED_OPEN_PROPERTY = /^(?:qd\.|x-opt-qd\.)/;

function stringOf(entity: LocatedEntity, attribute: string): string | undefined {
  const value = entity.attributes[attribute];
  return typeof value === 'string' ? value : undefined;
}

function withDefault(entity: LocatedEntity, attribute: string): unknown {
  return entity.attributes[attribute] ?? ENTITY_FACTS[entity.kind].attributes[attribute]?.default;
}

export function checkRules(entities: readonly LocatedEntity[], issues: IssueCollector): void {
  const router = entities.find((e) => e.kind === 'router');
  // A mode that was itself rejected would only produce follow-up noise.
  const mode = router?.rejected.has('mode') ? undefined : router ? String(withDefault(router, 'mode')) : 'standalone';
  const tcpListeners = new Map(entities.filter((e) => e.kind === 'tcpListener').map((e) => [e.name, e]));
  for (const entity of entities) {
    switch (entity.kind) {
      case 'router':
        checkRouterId(entity, issues);
        break;
      case 'listener':
      case 'connector':
        if (mode !== undefined) checkRole(entity, mode, issues);
        if (entity.kind === 'listener') checkFailoverUrls(entity, issues);
        break;
      case 'tcpListener':
        checkTcpListener(entity, issues);
        break;
      case 'listenerAddress':
        checkListenerAddress(entity, tcpListeners, issues);
        break;
      case 'address':
        checkAddress(entity, issues);
        break;
      case 'log':
        checkLogLevels(entity, issues);
        break;
      case 'sslProfile':
        checkOrdinals(entity, issues);
        break;
      default:
        break;
    }
  }
}

function checkRouterId(router: LocatedEntity, issues: IssueCollector): void {
  const id = stringOf(router, 'id');
  // eslint-disable-next-line no-control-regex
  if (id !== undefined && /[\s\u0000-\u001f\u007f|$]/.test(id)) {
    issues.error(router.attributePath('id'), 'the router "id" may not contain whitespace, control characters, "|" or "$"');
  }
}

/** Role/mode rules of the router's schema check, and the open-properties restrictions. */
function checkRole(entity: LocatedEntity, mode: string, issues: IssueCollector): void {
  const role = stringOf(entity, 'role');
  if (role === 'inter-router' && mode !== 'interior') {
    issues.error(entity.attributePath('role'), `role "inter-router" is only allowed on an interior router; this router's mode is ${mode}`);
  }
  if (role === 'edge' && entity.kind === 'listener' && mode !== 'interior') {
    issues.error(entity.attributePath('role'), `an "edge" listener is only allowed on an interior router; this router's mode is ${mode}`);
  }
  const properties = entity.attributes['openProperties'];
  if (typeof properties !== 'object' || properties === null) return;
  if (role === 'inter-router' || role === 'edge') {
    issues.error(entity.attributePath('openProperties'), `"openProperties" is not allowed with role "${role}"`);
  }
  for (const key of Object.keys(properties)) {
    if (RESERVED_OPEN_PROPERTY.test(key)) {
      issues.error([...entity.attributePath('openProperties'), key], `open property "${key}" uses a prefix the router reserves (qd., x-opt-qd.)`);
    }
  }
}

function checkTcpListener(entity: LocatedEntity, issues: IssueCollector): void {
  if (entity.rejected.has('address') || entity.rejected.has('multiAddressStrategy')) return;
  const hasAddress = entity.attributes['address'] !== undefined;
  const multi = withDefault(entity, 'multiAddressStrategy') !== 'none';
  if (hasAddress === multi) {
    const what = hasAddress ? 'both "address" and a "multiAddressStrategy"' : 'neither "address" nor a "multiAddressStrategy"';
    issues.error(entity.path, `a tcpListener needs exactly one of "address" or a "multiAddressStrategy" other than none; this one has ${what}`);
  }
}

function checkListenerAddress(
  entity: LocatedEntity,
  tcpListeners: ReadonlyMap<string | undefined, LocatedEntity>,
  issues: IssueCollector,
): void {
  const name = stringOf(entity, 'listener');
  const target = name === undefined ? undefined : tcpListeners.get(name);
  if (target && withDefault(target, 'multiAddressStrategy') === 'none') {
    issues.error(
      entity.attributePath('listener'),
      `tcpListener "${name}" (at ${formatPath(target.path)}) has no multiAddressStrategy, so it cannot have listenerAddresses`,
    );
  }
}

function checkAddress(entity: LocatedEntity, issues: IssueCollector): void {
  if (entity.rejected.has('prefix') || entity.rejected.has('pattern')) return;
  const prefix = entity.attributes['prefix'] !== undefined;
  const pattern = entity.attributes['pattern'] !== undefined;
  if (prefix === pattern) {
    issues.error(entity.path, `an address needs exactly one of "prefix" or "pattern"; this one has ${prefix ? 'both' : 'neither'}`);
  }
  const priority = entity.attributes['priority'];
  if (typeof priority === 'number' && (priority < -1 || priority > 9)) {
    issues.error(entity.attributePath('priority'), `"priority" must be 0–9 (or -1 for none), not ${priority}`);
  }
}

function checkLogLevels(entity: LocatedEntity, issues: IssueCollector): void {
  const enable = stringOf(entity, 'enable');
  if (enable === undefined || enable === '') return;
  const bad = enable.split(',').map((level) => level.trim()).filter((level) => !LOG_LEVEL.test(level));
  if (bad.length > 0) {
    issues.error(
      entity.attributePath('enable'),
      `unknown log level ${bad.map((b) => JSON.stringify(b)).join(', ')}; use a comma list of none, debug, info, warning, error, critical (a trailing "+" means "and above")`,
    );
  }
}

function checkOrdinals(entity: LocatedEntity, issues: IssueCollector): void {
  const ordinal = entity.attributes['ordinal'];
  const oldest = entity.attributes['oldestValidOrdinal'];
  for (const [attribute, value] of [['ordinal', ordinal], ['oldestValidOrdinal', oldest]] as const) {
    if (typeof value === 'number' && value < 0) issues.error(entity.attributePath(attribute), `"${attribute}" may not be negative`);
  }
  if (typeof ordinal === 'number' && typeof oldest === 'number' && oldest > ordinal) {
    issues.error(entity.attributePath('oldestValidOrdinal'), `"oldestValidOrdinal" (${oldest}) may not exceed "ordinal" (${ordinal})`);
  }
}

/**
 * A listener's `failoverUrls` as the router parses them (`failoverlist.c`): characters other than
 * printable ASCII dropped, items split on ",", each `[scheme://]host[:port]`. An item without a
 * host fails the listener with "No network host in failover item", and the router does not boot.
 */
function checkFailoverUrls(entity: LocatedEntity, issues: IssueCollector): void {
  const text = stringOf(entity, 'failoverUrls');
  if (text === undefined) return;
  const items = text.replace(/[^\x21-\x7e]/g, '').split(',');
  // The parser stops at a trailing comma, but not at an empty first or middle item.
  if (items.length > 1 && items[items.length - 1] === '') items.pop();
  for (const item of items) {
    const scheme = item.indexOf('://');
    const host = (scheme === -1 ? item : item.slice(scheme + 3)).split(':')[0] ?? '';
    if (host === '') {
      issues.error(
        entity.attributePath('failoverUrls'),
        `failover URL ${JSON.stringify(item)} has no host; skrouterd 3.5.1 refuses to boot with it ("No network host in failover item")`,
      );
    }
  }
}
