/**
 * A small pure model of skrouterd 3.5.1's management behaviour, for the planner's tests.
 *
 * It stores entities the way the python agent does (values coerced, defaults filled, `name`,
 * `identity` and long `type` added), refuses what the router refuses (unknown or read-only
 * attributes in CREATE, non-updatable attributes in UPDATE unless unchanged, names already taken
 * in the shared python namespace or the C agent's, vhost identities and address prefixes twice,
 * references to entities that do not exist, a tcpListener without exactly one of address and
 * strategy, deleting a tcpListener that has listenerAddresses, operations a type does not have)
 * and reports QUERY rows like the router (every attribute, `null` when absent, ports as strings,
 * read-only status filled in).
 */
import { ENTITY_FACTS, ENTITY_KINDS, LOG_MODULES, factsForLongType, type DesiredState, type EntityKind } from '../../schemas/index.js';
import type { ActualState, PlannedOperation } from '../plan-types.js';
import { RouterError, storeValue, storedEqual, text } from './router-values.js';

export { RouterError } from './router-values.js';

type Stored = Record<string, unknown>;

/** Boot order of `configure_dispatch`: logs, singletons, profiles, C types, the rest, then endpoints. */
const BOOT_ORDER: readonly EntityKind[] = [
  'router', 'network', 'policy', 'sslProfile', 'address', 'autoLink', 'vhost', 'site', 'proxyProfile',
  'connector', 'listener', 'tcpListener', 'tcpConnector', 'listenerAddress',
];

const STATUS: Partial<Record<string, unknown>> = {
  operStatus: 'down', connectionMsg: '', connectionStatus: 'CONNECTING', connectionsOpened: 0, connectionsClosed: 0,
  bytesIn: 0, bytesOut: 0, area: '0', version: '3.5.1', hostName: 'localhost', connectionsProcessed: 0,
  connectionsDenied: 0, connectionsCurrent: 0, linksDenied: 0, maxMessageSizeDenied: 0, totalDenials: 0,
};

export class RouterModel {
  private readonly store = new Map<EntityKind, Map<string, Stored>>(ENTITY_KINDS.map((k) => [k, new Map()]));
  private counter = 0;
  /**
   * Entities whose referenced profile was deleted under them: the router keeps their loaded
   * settings but never links them to a profile created later under the same name.
   */
  private readonly unlinked = new Set<string>();

  /** A router started from a config file holding `desired`; entries the router would refuse are left out. */
  static boot(desired: DesiredState): RouterModel {
    const model = new RouterModel();
    const of = (kind: EntityKind) => desired.entities.filter((e) => e.kind === kind);
    for (const module of LOG_MODULES) {
      const given = of('log').find((e) => e.attributes['module'] === module)?.attributes ?? {};
      const base = module === 'DEFAULT' ? { enable: 'info+', includeTimestamp: true, includeSource: false, outputFile: 'stderr' } : {};
      const attrs: Stored = { ...base, ...given, module };
      if (typeof attrs['enable'] === 'string') attrs['enable'] = attrs['enable'].replaceAll('trace', 'debug');
      model.insert('log', `log/${module}`, attrs, `log/${module}`);
    }
    for (const kind of BOOT_ORDER) {
      const entities = ENTITY_FACTS[kind].singleton ? [of(kind)[0]] : of(kind);
      for (const e of entities) {
        try {
          if (kind === 'router') {
            const attrs = { id: 'generated-id', ...e?.attributes };
            model.insert(kind, `router/${String(attrs.id)}`, attrs, `router/${String(attrs.id)}`);
          } else if (kind === 'network' || kind === 'policy') {
            model.insert(kind, `${kind}/0`, { ...e?.attributes }, `${kind}/0`);
          } else if (e) {
            model.createUnchecked(kind, e.name, e.attributes);
          }
        } catch (error) {
          if (!(error instanceof RouterError)) throw error;
        }
      }
    }
    return model;
  }

  create(kind: EntityKind, name: string, body: Readonly<Record<string, unknown>>): Stored {
    if (!ENTITY_FACTS[kind].operations.includes('CREATE')) throw new RouterError(501, `CREATE not implemented for ${kind}`);
    return this.createUnchecked(kind, name, body);
  }

  update(kind: EntityKind, name: string, body: Readonly<Record<string, unknown>>): Stored {
    const facts = ENTITY_FACTS[kind];
    if (!facts.operations.includes('UPDATE')) throw new RouterError(501, `UPDATE not implemented for ${kind}`);
    const current = this.find(kind, name);
    for (const [attribute, value] of Object.entries(body)) {
      const attr = facts.attributes[attribute];
      if (!attr) throw new RouterError(400, `Unknown attribute '${attribute}' for '${facts.longType}'`);
      if (attr.access !== 'update' && !(attribute in current && storedEqual(current[attribute], value))) {
        throw new RouterError(400, `Cannot update attribute '${attribute}' in UPDATE`);
      }
    }
    if (kind === 'log' && typeof body['enable'] === 'string' && body['enable'].includes('trace')) {
      throw new RouterError(500, `log level 'trace' is not valid in 3.5.1`);
    }
    const merged: Stored = { ...current, ...body };
    for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k];
    const status = Object.fromEntries(Object.entries(current).filter(([n]) => facts.attributes[n]?.access === 'read'));
    const stored = { ...status, ...this.validate(kind, merged), name: current['name'], identity: current['identity'], type: facts.longType };
    this.table(kind).set(name, stored);
    return { ...stored };
  }

  delete(kind: EntityKind, name: string): void {
    if (!ENTITY_FACTS[kind].operations.includes('DELETE')) throw new RouterError(501, `DELETE not implemented for ${kind}`);
    this.find(kind, name);
    if (kind === 'tcpListener' && [...this.table('listenerAddress').values()].some((la) => la['listener'] === name)) {
      throw new RouterError(500, `CError: listenerAddress entities exist for tcpListener '${name}'`);
    }
    this.table(kind).delete(name);
    this.unlinked.delete(`${kind}/${name}`);
    for (const other of ENTITY_KINDS) {
      for (const [attribute, attr] of Object.entries(ENTITY_FACTS[other].attributes)) {
        if (attr.references !== kind) continue;
        for (const e of this.table(other).values()) if (e[attribute] === name) this.unlinked.add(`${other}/${String(e['name'])}`);
      }
    }
  }

  /** `<kind>/<name>` of entities cut off from a profile they name (see `unlinked`), sorted. */
  staleReferences(): string[] {
    return [...this.unlinked].sort();
  }

  /** Runs one planned operation as the apply step would send it. */
  apply(op: PlannedOperation): void {
    const facts = factsForLongType(op.longType);
    if (facts?.kind !== op.kind) throw new RouterError(400, `No such entity type '${op.longType}'`);
    if (op.op === 'create') this.create(op.kind, op.name, op.attributes);
    else if (op.op === 'update') this.update(op.kind, op.name, op.attributes);
    else this.delete(op.kind, op.name);
  }

  /** QUERY with `attributeNames: []`, zipped into maps. */
  query(kind: EntityKind): Stored[] {
    const names = [...Object.keys(ENTITY_FACTS[kind].attributes), 'name', 'identity', 'type'];
    return [...this.table(kind).values()].map((e) => Object.fromEntries(names.map((n) => [n, e[n] ?? null])));
  }

  /** Every kind, queried. */
  actualState(kinds: readonly EntityKind[] = ENTITY_KINDS): ActualState {
    return Object.fromEntries(kinds.map((k) => [k, this.query(k)]));
  }

  has(kind: EntityKind, name: string): boolean {
    return this.table(kind).has(name);
  }

  private table(kind: EntityKind): Map<string, Stored> {
    return this.store.get(kind) as Map<string, Stored>;
  }

  private find(kind: EntityKind, name: string): Stored {
    const found = this.table(kind).get(name);
    if (!found) throw new RouterError(404, `No entity with name=${name}`);
    return found;
  }

  private createUnchecked(kind: EntityKind, name: string, body: Readonly<Record<string, unknown>>): Stored {
    const facts = ENTITY_FACTS[kind];
    for (const attribute of Object.keys(body)) {
      const attr = facts.attributes[attribute];
      if (!attr) throw new RouterError(400, `Unknown attribute '${attribute}' for '${facts.longType}'`);
      if (attr.access === 'read') throw new RouterError(400, `Cannot set attribute '${attribute}' in CREATE`);
    }
    const attrs = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined));
    return this.insert(kind, name, attrs, this.identityOf(kind, name, attrs));
  }

  private insert(kind: EntityKind, name: string, body: Stored, identity: string): Stored {
    const facts = ENTITY_FACTS[kind];
    const attrs = this.validate(kind, body);
    this.checkUnique(kind, name, identity, attrs);
    this.checkDataPlane(kind, name, attrs);
    const status = Object.fromEntries(
      Object.entries(facts.attributes).filter(([, a]) => a.access === 'read').map(([n]) => [n, STATUS[n] ?? null]),
    );
    if (kind === 'connector') status['failoverUrls'] = `amqp://${String(attrs['host'])}:${String(attrs['port'])}`;
    const stored: Stored = { ...status, ...attrs, name, identity, type: facts.longType };
    this.table(kind).set(name, stored);
    return { ...stored };
  }

  /** Coerce, fill defaults, check required attributes. */
  private validate(kind: EntityKind, body: Stored): Stored {
    const facts = ENTITY_FACTS[kind];
    const out: Stored = {};
    for (const [attribute, attr] of Object.entries(facts.attributes)) {
      if (attr.access === 'read') continue;
      const value = body[attribute] ?? attr.default;
      if (value === undefined || value === null) {
        if (attr.required) throw new RouterError(400, `Missing required attribute '${attribute}'`);
        continue;
      }
      out[attribute] = storeValue(kind, attribute, attr, value);
    }
    return out;
  }

  private identityOf(kind: EntityKind, name: string, attrs: Stored): string {
    const facts = ENTITY_FACTS[kind];
    const withDefault = (a: string) => text(attrs[a] ?? facts.attributes[a]?.default ?? '');
    if (facts.agent === 'c') return String(++this.counter);
    if (['listener', 'connector', 'tcpListener', 'tcpConnector'].includes(kind)) {
      return `${kind}/${withDefault('host')}:${withDefault('port')}:${name}`;
    }
    if (kind === 'vhost') return `vhost/${String(attrs['hostname'])}`;
    if (kind === 'listenerAddress') return `listenerAddress/${String(attrs['listener'])}:${String(attrs['address'])}:${name}`;
    return `${kind}/${name}`;
  }

  private checkUnique(kind: EntityKind, name: string, identity: string, attrs: Stored): void {
    const agent = ENTITY_FACTS[kind].agent;
    if (agent === 'python' && (name === 'self' || (LOG_MODULES as readonly string[]).includes(name))) {
      throw new RouterError(400, `adding ${kind} '${name}' duplicates unique attribute 'name' (management or logStats)`);
    }
    for (const other of ENTITY_KINDS) {
      if (ENTITY_FACTS[other].agent !== agent) continue;
      for (const e of this.table(other).values()) {
        if (e['name'] === name) throw new RouterError(400, `adding ${kind} '${name}' duplicates unique attribute 'name'`);
        if (agent === 'python' && e['identity'] === identity) {
          throw new RouterError(400, `adding ${kind} '${name}' duplicates unique attribute 'identity'`);
        }
        if (kind === 'address' && other === 'address') {
          for (const a of ['prefix', 'pattern']) {
            if (attrs[a] !== undefined && e[a] === attrs[a]) throw new RouterError(400, `duplicate address ${a}`);
          }
        }
      }
    }
  }

  /** The checks the C side makes when the entity is configured (500 CError, 400 for the C agent). */
  private checkDataPlane(kind: EntityKind, name: string, attrs: Stored): void {
    for (const [attribute, attr] of Object.entries(ENTITY_FACTS[kind].attributes)) {
      const target = attrs[attribute];
      if (attr.references && typeof target === 'string' && !this.table(attr.references).has(target)) {
        throw new RouterError(500, `CError: Not found: ${attr.references} '${target}' not found`);
      }
    }
    if (kind === 'tcpListener' && (attrs['address'] === undefined) === (attrs['multiAddressStrategy'] === 'none')) {
      throw new RouterError(500, `CError: Configuration: Exactly one of the 'address' or 'multiAddressStrategy' field must be set (${name})`);
    }
    if (kind === 'listenerAddress') {
      const listener = this.table('tcpListener').get(String(attrs['listener']));
      if (listener?.['multiAddressStrategy'] === 'none') throw new RouterError(500, `CError: tcpListener has no multiAddressStrategy`);
    }
    if (kind === 'address' && (attrs['prefix'] === undefined) === (attrs['pattern'] === undefined)) {
      throw new RouterError(400, `exactly one of prefix and pattern must be set`);
    }
  }
}
