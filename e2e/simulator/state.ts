/**
 * Everything a running simulated router holds: the Python agent's ordered entity list (one name
 * namespace), the C core's address and autoLink tables (their own namespaces), the AMQP
 * connections it serves, the identity counters and the boot time. A crash throws the whole
 * object away and boots a fresh one.
 */
import { TYPES, type TypeInfo } from './catalog.js';
import type { Attributes } from './python-values.js';
import type { AmqpListeners } from './amqp-listeners.js';
import type { TcpDataPlane } from './tcp-plane.js';

export interface PyEntity {
  readonly type: TypeInfo;
  attributes: Attributes;
  /** Requests handled since the entity was created (drives the connector's connection attempts). */
  refreshes: number;
}

export interface CAddress {
  readonly name: string | null;
  readonly identity: number;
  /** Internal pattern: a prefix is stored as `<prefix>/#`. */
  readonly pattern: string;
  readonly isPrefix: boolean;
  /** null for `unavailable`, which the C core reports as null. */
  readonly distribution: string | null;
  readonly priority: number;
}

export interface CAutoLink {
  readonly name: string | null;
  readonly identity: number;
  readonly address: string;
  readonly direction: 'in' | 'out';
  readonly containerId: string | null;
  readonly connection: string | null;
  readonly externalAddress: string | null;
}

/** The `connection` entity's security columns for a connection to a secured listener. */
export interface ConnectionSecurity {
  readonly isEncrypted: boolean;
  readonly ssl: boolean;
  readonly sslProto: string | null;
  readonly sslCipher: string | null;
  readonly sslSsf: number | null;
  readonly sasl: string | null;
  readonly user: string | null;
  readonly isAuthenticated: boolean;
  readonly tlsOrdinal: number | null;
}

/** A link of the core as `router.link` reports it (management clients' links, tcpConnectors' links). */
export interface CoreLink {
  readonly identity: number;
  readonly name: string;
  readonly dir: 'in' | 'out';
  /** The address key (`M$management`, `Ltemp.…`, `Msvc`), null for an anonymous link. */
  readonly owningAddr: string | null;
  readonly connectionId: number;
  readonly capacity: number;
  /** Deliveries over the link, those settled (accepted) and those the router sent pre-settled. */
  readonly deliveries: number;
  readonly accepted: number;
  readonly presettled: number;
  readonly creditAvailable: number;
}

/** An AMQP connection as the `connection` entity reports it. */
export interface ConnectionInfo {
  readonly identity: number;
  readonly host: string;
  readonly container: string | null;
  readonly openedAtMs: number;
  readonly close: () => void;
  /** For a listener with an sslProfile, or a plain connection that did SASL (else no security is reported). */
  readonly security?: ConnectionSecurity | undefined;
}

export interface StateOptions {
  readonly now: () => number;
  /** Read every listener's TLS files (not only those of the listeners served), and check connectors' CA files. */
  readonly checkTlsFiles: boolean;
  /** The opt-in TCP data plane that tcpListeners and tcpConnectors are handed to (default: none). */
  readonly tcpPlane?: TcpDataPlane | undefined;
  /** The AMQP listeners served besides the management endpoint (default: none). */
  readonly amqpListeners?: AmqpListeners | undefined;
}

export class RouterState {
  readonly entities: PyEntity[] = [];
  readonly addresses: CAddress[] = [];
  readonly autoLinks: CAutoLink[] = [];
  readonly connections: ConnectionInfo[] = [];
  /** Connections accepted since boot (policy's connectionsProcessed). */
  connectionsOpened = 0;
  /** The links of the management clients, as the AMQP server last reported them. */
  clientLinks: readonly CoreLink[] = [];
  /** Links the router's own adaptors hold (a tcpConnector's), by the entity that owns them. */
  readonly adaptorLinks = new Map<object, CoreLink>();
  /** Addresses made since boot beyond the router's own (`router.address`), in the order they were made. */
  addressOrder: string[] = [];
  /** Requests taken from their link and handled (the router accepts a request once its agent is done). */
  deliveriesAccepted = 0;
  /** PROFILE start/stop of the management node. */
  profiling = false;
  deliveriesIn = 0;
  deliveriesOut = 0;
  private nextCoreIdentity = 1;
  private nextConnectionId = 1;
  /** The vanflow source id of this run (`py6KV:0`): random per boot, it names some of the router's own addresses. */
  readonly vanflowId: string;
  private readonly typeCounters = new Map<string, number>();
  readonly bootedAtMs: number;

  constructor(readonly options: StateOptions) {
    this.bootedAtMs = options.now();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    this.vanflowId = `${Array.from({ length: 5 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('')}:0`;
  }

  /** qdr_identifier: the core's counter for links, addresses and autoLinks. */
  coreIdentity(): number {
    return this.nextCoreIdentity++;
  }

  /** The server's connection ids (`connection` identities): every connection, in or out, attempted or open. */
  connectionId(): number {
    return this.nextConnectionId++;
  }

  /** Every link of the core, clients' first. */
  links(): CoreLink[] {
    return [...this.clientLinks, ...this.adaptorLinks.values()];
  }

  /** The Python adapters' per-class counter (identities such as `network/0`). */
  typeCounter(type: TypeInfo): number {
    const n = this.typeCounters.get(type.longType) ?? 0;
    this.typeCounters.set(type.longType, n + 1);
    return n;
  }

  uptimeSeconds(): number {
    return Math.max(0, Math.floor((this.options.now() - this.bootedAtMs) / 1000));
  }

  ofType(type: TypeInfo): PyEntity[] {
    return this.entities.filter((e) => e.type === type);
  }

  byName(type: TypeInfo, name: string): PyEntity | undefined {
    return this.entities.find((e) => e.type === type && e.attributes['name'] === name);
  }

  remove(entity: PyEntity): void {
    const i = this.entities.indexOf(entity);
    if (i >= 0) this.entities.splice(i, 1);
  }

  /** The router's setting for one singleton attribute (router mode, id). */
  routerAttribute(name: string): unknown {
    return this.entities.find((e) => e.type.shortName === 'router')?.attributes[name];
  }

  routerId(): string {
    const id = this.routerAttribute('id');
    return typeof id === 'string' ? id : '';
  }

  /** Configuration entities the latency model counts (Python configuration types plus C tables). */
  configEntityCount(): number {
    const python = this.entities.filter((e) => e.type.configuration && e.type.agent === 'python').length;
    return python + this.addresses.length + this.autoLinks.length;
  }

  /** Configuration entities by long type, as plain copies (C tables as the C agent reads them). */
  snapshot(readCAgentRow: (longType: string, index: number) => Attributes): Record<string, Attributes[]> {
    const out: Record<string, Attributes[]> = {};
    for (const type of TYPES) if (type.kind) out[type.longType] = [];
    for (const e of this.entities) {
      if (!e.type.kind || e.type.agent === 'c') continue;
      out[e.type.longType]?.push(structuredClone(e.attributes));
    }
    for (const type of TYPES.filter((t) => t.kind && t.agent === 'c')) {
      const table = type.kind === 'address' ? this.addresses : this.autoLinks;
      out[type.longType] = table.map((_, i) => readCAgentRow(type.longType, i));
    }
    return out;
  }
}
