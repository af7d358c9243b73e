/**
 * The links the AMQP server's clients have attached, as the core counts them for `router.link`:
 * attach order, the core identity each got, the address that owns it, and the deliveries over it
 * (requests in and accepted once handled; replies out, sent pre-settled).
 */
import type { Connection, Receiver, Sender } from 'rhea';
import type { CoreLink } from './state.js';

export type Link = Sender | Receiver;

/** The credit the router gives a client's sending link (linkCapacity's default). */
export const ROUTER_LINK_CAPACITY = 250;

/** A link as the server saw it: what `router.link` reports of it. */
export interface LinkSnapshot {
  readonly identity: number;
  readonly connection: Connection;
  readonly name: string;
  readonly dir: 'in' | 'out';
  readonly owningAddr: string | null;
  readonly deliveries: number;
  readonly accepted: number;
  readonly presettled: number;
  readonly creditAvailable: number;
}

interface LinkState {
  readonly identity: number;
  readonly link: Link;
  readonly dir: 'in' | 'out';
  readonly owningAddr: string | null;
  deliveries: number;
  accepted: number;
  presettled: number;
}

/** The core's key of an address (`M` mobile, `L` local to this router), as `owningAddr` shows it. */
export function addressKey(address: string | undefined, routerId: string): string | null {
  if (address === undefined || address === '') return null;
  const local = `amqp:/_topo/0/${routerId}/`;
  if (address.startsWith(local)) return `L${address.slice(local.length)}`;
  return `M${address.replace(/^amqp:\/(?!\/)/, '').replace(/^\//, '')}`;
}

export class LinkTable {
  /** Attached links, in the order they were attached. */
  private readonly links = new Map<Link, LinkState>();

  opened(link: Link, identity: number, dir: 'in' | 'out', owningAddr: string | null): void {
    this.links.set(link, { identity, link, dir, owningAddr, deliveries: 0, accepted: 0, presettled: 0 });
  }

  closed(link: Link | undefined): void {
    if (link) this.links.delete(link);
  }

  connectionGone(connection: Connection): void {
    for (const link of this.links.keys()) if (link.connection === connection) this.links.delete(link);
  }

  clear(): void {
    this.links.clear();
  }

  /** A request arrived on `link`; the function returned counts it accepted. */
  received(link: Link | undefined): () => void {
    const state = link ? this.links.get(link) : undefined;
    if (state) state.deliveries++;
    return () => {
      if (state) state.accepted++;
    };
  }

  /** A reply went out on `link`, pre-settled. */
  sent(link: Link): void {
    const state = this.links.get(link);
    if (!state) return;
    state.deliveries++;
    state.presettled++;
  }

  snapshot(): LinkSnapshot[] {
    return [...this.links.values()].map((l) => ({
      identity: l.identity,
      connection: l.link.connection,
      name: l.link.name,
      dir: l.dir,
      owningAddr: l.owningAddr,
      deliveries: l.deliveries,
      accepted: l.accepted,
      presettled: l.presettled,
      // rhea keeps a sender's credit in an untyped field.
      creditAvailable: l.dir === 'in' ? ROUTER_LINK_CAPACITY : Number((l.link as unknown as { credit?: number }).credit ?? 0),
    }));
  }
}

/** The clients' links as the core's `router.link` rows see them (`connectionId` names each link's connection). */
export function coreLinks(links: readonly LinkSnapshot[], connectionId: (connection: Connection) => number): CoreLink[] {
  return links.map((l) => ({
    identity: l.identity,
    name: l.name,
    dir: l.dir,
    owningAddr: l.owningAddr,
    connectionId: connectionId(l.connection),
    capacity: ROUTER_LINK_CAPACITY,
    deliveries: l.deliveries,
    accepted: l.accepted,
    presettled: l.presettled,
    creditAvailable: l.creditAvailable,
  }));
}
