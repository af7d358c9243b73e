/**
 * The simulator's view of skrouterd 3.5.1's management schema: every entity type with its bases,
 * operations and attributes, in the order the router declares them (which is the column order
 * of a QUERY and the key order of GET-TYPES). Configurable types come from the facts in
 * `schemas/`; the rest from `catalog-operational.ts`.
 */
import { ENTITY_FACTS, TYPE_PREFIX, type AttributeFacts, type EntityFacts, type EntityKind } from '../../schemas/index.js';
import { NON_CONFIG_DECLARATIONS, type OperationalDeclaration } from './catalog-operational.js';

export type AttrKind = 'string' | 'path' | 'entityId' | 'integer' | 'boolean' | 'enum' | 'map' | 'properties' | 'list';

export interface AttrInfo {
  readonly name: string;
  readonly kind: AttrKind;
  readonly values?: readonly string[];
  /** Default the Python schema fills in (C-side defaults are not here). */
  readonly default?: unknown;
  readonly required: boolean;
  readonly unique: boolean;
  readonly create: boolean;
  readonly update: boolean;
  /** Masked as `*******` when the router prints an entity. */
  readonly hidden: boolean;
  readonly graph: boolean;
  readonly description: string;
  /** Fixed value (only `type`). */
  readonly fixed?: string;
}

export interface TypeInfo {
  readonly longType: string;
  /** Key in the GET-SCHEMA dump (`address` for `router.config.address`). */
  readonly shortName: string;
  /** Long names of every base type, nearest first. */
  readonly bases: readonly string[];
  readonly operations: readonly string[];
  /** Which agent answers CRUD/QUERY on the long name. */
  readonly agent: 'python' | 'c';
  readonly singleton: boolean;
  readonly configuration: boolean;
  /** Class name the Python agent prints in error messages. */
  readonly className: string;
  readonly description: string;
  /** Own attributes first, then the inherited name, identity and type. */
  readonly attributes: ReadonlyMap<string, AttrInfo>;
  readonly kind?: EntityKind;
}

/** GET-TYPES / GET-SCHEMA order of 3.5.1 (dump keys). */
const SCHEMA_ORDER = [
  'entity', 'org.amqp.management', 'management', 'configurationEntity', 'operationalEntity', 'routerMetrics',
  'router', 'network', 'site', 'sslProfile', 'proxyProfile', 'listener', 'connector', 'tcpListener', 'tcpConnector',
  'listenerAddress', 'log', 'logStats', 'address', 'autoLink', 'router.link', 'router.address', 'router.node',
  'connection', 'tcpConnection', 'allocator', 'policy', 'vhost', 'vhostUserGroupSettings', 'vhostStats', 'dummy',
] as const;

/** Attribute order of the router's schema where it differs from the declaration order in `schemas/`. */
const ROUTER_ATTRIBUTE_ORDER: Partial<Record<EntityKind, readonly string[]>> = {
  listener: ['host', 'port', 'socketAddressFamily', 'role', 'cost', 'sslProfile', 'saslMechanisms', 'authenticatePeer', 'requireEncryption', 'requireSsl', 'maxFrameSize', 'maxSessions', 'maxSessionFrames', 'idleTimeoutSeconds', 'initialHandshakeTimeoutSeconds', 'stripAnnotations', 'linkCapacity', 'failoverUrls', 'healthz', 'metrics', 'websockets', 'http', 'httpRootDir', 'messageLoggingComponents', 'policyVhost', 'openProperties'],
  connector: ['host', 'port', 'socketAddressFamily', 'role', 'cost', 'sslProfile', 'proxyProfile', 'saslMechanisms', 'allowRedirect', 'maxFrameSize', 'maxSessions', 'maxSessionFrames', 'idleTimeoutSeconds', 'stripAnnotations', 'linkCapacity', 'verifyHostname', 'saslUsername', 'saslPassword', 'messageLoggingComponents', 'failoverUrls', 'connectionStatus', 'connectionMsg', 'policyVhost', 'openProperties'],
  tcpListener: ['address', 'host', 'backlog', 'port', 'multiAddressStrategy', 'siteId', 'connectionsOpened', 'connectionsClosed', 'bytesIn', 'bytesOut', 'sslProfile', 'authenticatePeer', 'operStatus', 'connectionMsg', 'observer'],
  tcpConnector: ['address', 'host', 'port', 'siteId', 'processId', 'connectionsOpened', 'connectionsClosed', 'bytesIn', 'bytesOut', 'sslProfile', 'verifyHostname'],
  listenerAddress: ['address', 'value', 'listener', 'connectionsOpened'],
};

/** Enum values of read-only status attributes (the facts leave them open). */
const STATUS_ENUMS: Record<string, readonly string[]> = {
  'tcpListener.operStatus': ['up', 'down'],
  'autoLink.operStatus': ['inactive', 'attaching', 'failed', 'active', 'quiescing', 'idle'],
};

/** Required by the C code but not by the Python schema: their absence is a CError, not a 400. */
const C_REQUIRED_ONLY = new Set(['tcpConnector.address', 'tcpConnector.port', 'tcpListener.port']);

/** Defaults the C core reports but the Python schema does not fill. */
const C_SIDE_DEFAULTS = new Set(['address.priority']);

const CLASS_NAMES: Record<EntityKind, string> = {
  router: 'RouterEntity', site: 'SiteEntity', network: 'NetworkEntity', policy: 'PolicyEntity', log: 'LogEntity',
  sslProfile: 'SslProfileEntity', proxyProfile: 'ProxyProfileEntity', vhost: 'VhostEntity', address: 'AddressEntity',
  autoLink: 'AutoLinkEntity', listener: 'ListenerEntity', connector: 'ConnectorEntity',
  tcpListener: 'TcpListenerEntity', tcpConnector: 'TcpConnectorEntity', listenerAddress: 'ListenerAddressEntity',
};

const INHERITED: readonly AttrInfo[] = [
  inherited('name', { unique: true, create: true }, 'Unique name of the entity; set at creation, never changed.'),
  inherited('identity', { unique: true }, 'Unique identity the router assigns to the entity.'),
  inherited('type', { create: true }, 'Long type name of the entity.'),
];

function inherited(name: string, flags: Partial<AttrInfo>, description: string): AttrInfo {
  return { name, kind: 'string', required: false, unique: false, create: false, update: false, hidden: false, graph: false, description, ...flags };
}

function fromFacts(facts: EntityFacts, name: string, a: AttributeFacts): AttrInfo {
  const key = `${facts.kind}.${name}`;
  const values = a.values ?? STATUS_ENUMS[key];
  return {
    name,
    kind: a.kind === 'port' ? 'string' : a.kind,
    ...(values ? { values } : {}),
    ...(a.default !== undefined && !C_SIDE_DEFAULTS.has(key) ? { default: a.default } : {}),
    required: a.required === true && !C_REQUIRED_ONLY.has(key),
    unique: false,
    create: a.access !== 'read',
    update: a.access === 'update',
    hidden: a.secret === true,
    graph: a.access === 'read' && a.kind === 'integer' && facts.kind !== 'listenerAddress',
    description: a.description,
  };
}

function parseAttribute(spec: string): AttrInfo {
  const match = /^([\w.]+):(\[[^\]]*\]|\w+)(!?)(\*?)(?:=(.*))?$/.exec(spec);
  if (!match?.[1] || !match[2]) throw new Error(`bad attribute spec ${spec}`);
  const [, name, kindText, required, graph, defaultText] = match;
  const isEnum = kindText.startsWith('[');
  return {
    name,
    kind: isEnum ? 'enum' : (kindText as AttrKind),
    ...(isEnum ? { values: kindText.slice(1, -1).split('|') } : {}),
    ...(defaultText !== undefined ? { default: /^[\d-]+$|^true$|^false$/.test(defaultText) ? JSON.parse(defaultText) : defaultText } : {}),
    required: required === '!',
    unique: false,
    create: false,
    update: false,
    hidden: false,
    graph: graph === '*',
    description: `${name} of the entity.`,
  };
}

function withInherited(own: readonly AttrInfo[], longType: string): ReadonlyMap<string, AttrInfo> {
  const map = new Map<string, AttrInfo>(own.map((a) => [a.name, a]));
  for (const a of INHERITED) map.set(a.name, a.name === 'type' ? { ...a, fixed: longType } : a);
  return map;
}

interface Draft {
  readonly short: string;
  readonly longType: string;
  readonly extends: string | null;
  readonly ownOperations: readonly string[];
  readonly rest: Omit<TypeInfo, 'longType' | 'shortName' | 'bases' | 'operations'>;
}

function configDraft(facts: EntityFacts): Draft {
  const order = ROUTER_ATTRIBUTE_ORDER[facts.kind] ?? Object.keys(facts.attributes);
  const own = order.map((name) => {
    const a = facts.attributes[name];
    if (!a) throw new Error(`${facts.kind}.${name} missing from schemas/`);
    return fromFacts(facts, name, a);
  });
  return {
    short: facts.kind,
    longType: facts.longType,
    extends: 'configurationEntity',
    ownOperations: facts.operations.filter((o) => o !== 'READ'),
    rest: {
      agent: facts.agent,
      singleton: facts.singleton,
      configuration: true,
      className: CLASS_NAMES[facts.kind],
      description: facts.description,
      attributes: withInherited(own, facts.longType),
      kind: facts.kind,
    },
  };
}

function declarationDraft(d: OperationalDeclaration): Draft {
  const longType = TYPE_PREFIX + d.short;
  const own = d.attributes.split(/\s+/).filter(Boolean).map(parseAttribute);
  return {
    short: d.short,
    longType,
    extends: d.extends,
    ownOperations: d.operations,
    rest: {
      agent: d.agent,
      singleton: d.singleton === true,
      configuration: d.extends === 'configurationEntity',
      className: d.className,
      description: d.description,
      attributes: withInherited(own, longType),
    },
  };
}

function buildCatalog(): TypeInfo[] {
  const drafts = new Map<string, Draft>();
  for (const facts of Object.values(ENTITY_FACTS)) drafts.set(facts.kind, configDraft(facts));
  for (const d of NON_CONFIG_DECLARATIONS) drafts.set(d.short, declarationDraft(d));
  const built = new Map<string, TypeInfo>();
  const build = (short: string): TypeInfo => {
    const done = built.get(short);
    if (done) return done;
    const draft = drafts.get(short);
    if (!draft) throw new Error(`no declaration for ${short}`);
    const base = draft.extends ? build(draft.extends) : undefined;
    const info: TypeInfo = {
      ...draft.rest,
      longType: draft.longType,
      shortName: short,
      bases: base ? [base.longType, ...base.bases] : [],
      operations: [...draft.ownOperations, ...(base?.operations ?? [])],
    };
    built.set(short, info);
    return info;
  };
  return SCHEMA_ORDER.map(build);
}

/** Every type, in the router's schema order. */
export const TYPES: readonly TypeInfo[] = buildCatalog();

const byLong = new Map(TYPES.map((t) => [t.longType, t]));

/** The Python schema's lookup: a long name, or a name that becomes one with the prefix. */
export function findType(name: string): TypeInfo | undefined {
  return byLong.get(name) ?? byLong.get(longName(name));
}

export function typeOf(longType: string): TypeInfo {
  const t = byLong.get(longType);
  if (!t) throw new Error(`unknown type ${longType}`);
  return t;
}

export function typeOfKind(kind: EntityKind): TypeInfo {
  return typeOf(ENTITY_FACTS[kind].longType);
}

export function longName(name: string): string {
  return name.startsWith(TYPE_PREFIX) ? name : TYPE_PREFIX + name;
}

export function isA(type: TypeInfo, other: TypeInfo): boolean {
  return type === other || type.bases.includes(other.longType);
}

/** Prefix of identities: the long type minus the prefix, with `router.config.` dropped too. */
export function identityPrefix(type: TypeInfo): string {
  return type.longType.slice(TYPE_PREFIX.length).replace(/^router\.config\./, '');
}

/** Union of every attribute name, in type order (the Python agent's `all_attributes`). */
export const ALL_ATTRIBUTE_NAMES: readonly string[] = [...new Set(TYPES.flatMap((t) => [...t.attributes.keys()]))];
