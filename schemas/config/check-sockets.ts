/**
 * Listening sockets that would clash: two desired listeners on one port with overlapping hosts
 * (the second bind fails: an AMQP listener stops the router's boot, a tcpListener never opens),
 * and a desired listener on a port the controller itself holds. Overlap rules: `bind-address.ts`.
 *
 * Only `listener` and `tcpListener` bind in 3.5.1 (a listener with `http: true` serves HTTP on
 * its own socket; connectors bind nothing).
 */
import type { AddressFamily, BindTarget } from './bind-address.js';
import { bindTarget, explainHost, portNumber } from './bind-address.js';
import type { IssueCollector } from './collector.js';
import type { LocatedEntity } from './entity-input.js';
import { formatPath } from './issues.js';
import { ENTITY_FACTS } from '../registry.js';

/** A port the desired config may not listen on, passed in by whoever loads the config. */
export interface ReservedPort {
  /** 1–65535. */
  readonly port: number;
  /** The address it is bound to, as a listener's `host` says it: `''` for every address of both families. */
  readonly host: string;
  /** Who holds it and the setting that moves it, e.g. `the controller's management listener (ROUTER_MGMT_PORT)`. */
  readonly owner: string;
}

interface Holder {
  readonly host: string;
  readonly family: AddressFamily | undefined;
  readonly target: BindTarget;
  readonly entity?: LocatedEntity;
  readonly reserved?: ReservedPort;
}

/** Who holds one port: exact lookups for certain clashes, so a large config costs linear time. */
class PortHolders {
  private readonly wildcard = new Map<AddressFamily, Holder>();
  private readonly specific = new Map<string, Holder>();
  private readonly firstSpecific = new Map<AddressFamily, Holder>();
  private readonly names = new Map<string, Holder>();
  private anyHolder: Holder | undefined;

  /** The holder this target certainly clashes with, else one it may clash with. */
  clash(target: BindTarget): { holder: Holder; certain: boolean } | undefined {
    for (const a of target.addresses) {
      const holder = this.wildcard.get(a.family) ?? (a.address === '*' ? this.firstSpecific.get(a.family) : this.specific.get(`${a.family}\0${a.address}`));
      if (holder) return { holder, certain: true };
    }
    if (target.name !== undefined) {
      const same = this.names.get(target.name);
      if (same) return { holder: same, certain: true };
      return this.anyHolder ? { holder: this.anyHolder, certain: false } : undefined;
    }
    const named = this.names.values().next();
    return named.done || target.addresses.length === 0 ? undefined : { holder: named.value, certain: false };
  }

  add(holder: Holder): void {
    this.anyHolder ??= holder;
    const { target } = holder;
    if (target.name !== undefined && !this.names.has(target.name)) this.names.set(target.name, holder);
    for (const a of target.addresses) {
      if (a.address === '*') {
        if (!this.wildcard.has(a.family)) this.wildcard.set(a.family, holder);
      } else {
        const key = `${a.family}\0${a.address}`;
        if (!this.specific.has(key)) this.specific.set(key, holder);
        if (!this.firstSpecific.has(a.family)) this.firstSpecific.set(a.family, holder);
      }
    }
  }
}

function attribute(entity: LocatedEntity, name: string): unknown {
  return entity.attributes[name] ?? ENTITY_FACTS[entity.kind].attributes[name]?.default;
}

function where(holder: Holder): string {
  const explained = explainHost(holder.host, holder.family);
  return `host "${holder.host}"${explained === undefined ? '' : ` (${explained})`}`;
}

export function checkSockets(entities: readonly LocatedEntity[], reserved: readonly ReservedPort[], issues: IssueCollector): void {
  const ports = new Map<number, PortHolders>();
  const holdersOf = (port: number): PortHolders => {
    let holders = ports.get(port);
    if (!holders) ports.set(port, (holders = new PortHolders()));
    return holders;
  };
  for (const r of reserved) holdersOf(r.port).add({ host: r.host, family: undefined, target: bindTarget(r.host), reserved: r });
  for (const entity of entities) {
    if (entity.kind !== 'listener' && entity.kind !== 'tcpListener') continue;
    if (entity.rejected.has('host') || entity.rejected.has('port') || entity.rejected.has('socketAddressFamily')) continue;
    const host = attribute(entity, 'host');
    const portText = attribute(entity, 'port');
    const family = attribute(entity, 'socketAddressFamily');
    const port = typeof portText === 'string' ? portNumber(portText) : undefined;
    if (typeof host !== 'string' || port === undefined) continue;
    const holder: Holder = { host, family: family === 'IPv4' || family === 'IPv6' ? family : undefined, target: bindTarget(host, family === 'IPv4' || family === 'IPv6' ? family : undefined), entity };
    const holders = holdersOf(port);
    const clash = holders.clash(holder.target);
    if (clash) report(entity, port, holder, clash.holder, clash.certain, issues);
    if (!clash?.certain) holders.add(holder);
  }
}

function report(entity: LocatedEntity, port: number, holder: Holder, first: Holder, certain: boolean, issues: IssueCollector): void {
  const path = entity.attributePath('port');
  const here = `port ${port} on ${where(holder)}`;
  if (first.reserved) {
    const message = `${here} clashes with ${first.reserved.owner}, which holds port ${port} on ${where(first)}: use another port`;
    if (certain) issues.error(path, message);
    else issues.warn(path, `${message} (if "${holder.host || first.host}" resolves to the same address)`);
    return;
  }
  const other = first.entity;
  if (!other) return;
  const at = `the ${other.kind} at ${formatPath(other.path)}`;
  const sameHost = first.host === holder.host && first.family === holder.family;
  if (certain) {
    issues.error(path, `${here} is already used by ${at}${sameHost ? '' : `, on ${where(first)}`}; a second listening socket on it fails to bind`);
  } else {
    issues.warn(path, `${here} may clash with ${at}, on ${where(first)}: host names are resolved only when the router binds; if both are the same address, the second bind fails`);
  }
}
