/**
 * What a listening socket binds, the way skrouterd 3.5.1 binds it, so that two listeners (or a
 * listener and a port the controller holds) can be told to overlap.
 *
 * Facts this rests on:
 * - skrouterd listens through Proton's proactor, which binds every address `getaddrinfo` gives
 *   for the host and sets `IPV6_V6ONLY` on each IPv6 socket ("we listen to v4/v6 on separate
 *   sockets"). So an empty host binds `0.0.0.0` and `::`; `localhost` binds 127.0.0.1 and ::1;
 *   `::` binds IPv6 only and does not overlap an IPv4 bind of the same port.
 * - Linux (with `SO_REUSEADDR`, as Proton and Node set it) refuses a second listening socket on
 *   a port when the addresses are equal or either is the wildcard of the same family:
 *   `0.0.0.0:p` and `127.0.0.1:p` clash, `127.0.0.1:p` and `127.0.0.2:p` do not.
 * - A dual-stack IPv6 wildcard (Node's default `::`, without `IPV6_V6ONLY`) overlaps every IPv4
 *   bind too; such a holder is described with the empty host (every address of both families).
 * - A host name other than `localhost` is resolved only when the router binds: it may or may not
 *   be the same address as another bind, so overlaps with it can only be possible ones.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type AddressFamily = 'IPv4' | 'IPv6';

/** One bound address: a literal, or `*` for the family's wildcard. */
export interface BoundAddress {
  readonly family: AddressFamily;
  readonly address: string;
}

/** What one `host` (and optional `socketAddressFamily`) binds. */
export interface BindTarget {
  readonly addresses: readonly BoundAddress[];
  /** A host name resolved only at bind time (lower case), when the host is not a literal. */
  readonly name?: string;
}

export const WILDCARD = '*';

/** Canonical text of an IPv6 literal (`0:0::1` → `::1`). */
function canonicalIPv6(address: string): string {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address.toLowerCase();
  }
}

/** The addresses `host` binds, limited to `family` when the listener forces one. */
export function bindTarget(host: string, family?: AddressFamily): BindTarget {
  const keep = (addresses: BoundAddress[]): BoundAddress[] => addresses.filter((a) => family === undefined || a.family === family);
  const lower = host.toLowerCase();
  if (host === '') return { addresses: keep([{ family: 'IPv4', address: WILDCARD }, { family: 'IPv6', address: WILDCARD }]) };
  if (lower === 'localhost') return { addresses: keep([{ family: 'IPv4', address: '127.0.0.1' }, { family: 'IPv6', address: '::1' }]) };
  if (isIPv4(host)) return { addresses: keep([{ family: 'IPv4', address: host === '0.0.0.0' ? WILDCARD : host }]) };
  if (isIPv6(host)) {
    const address = canonicalIPv6(host);
    return { addresses: keep([{ family: 'IPv6', address: address === '::' ? WILDCARD : address }]) };
  }
  return { addresses: [], name: lower };
}

/** `every IPv4 address` and the like, for messages; undefined when the host says it all. */
export function explainHost(host: string, family?: AddressFamily): string | undefined {
  const target = bindTarget(host, family);
  if (target.name !== undefined) return undefined;
  const wildcards = target.addresses.filter((a) => a.address === WILDCARD).map((a) => a.family);
  if (wildcards.length === 2) return 'every address, IPv4 and IPv6';
  if (wildcards.length === 1) return `every ${wildcards[0] ?? ''} address`;
  if (host.toLowerCase() === 'localhost') return target.addresses.map((a) => a.address).join(' and ');
  return undefined;
}

/** The port number of a listener's `port` (the router's default `amqp` is 5672). */
export function portNumber(port: string): number | undefined {
  if (port === 'amqp') return 5672;
  if (port === 'amqps') return 5671;
  return /^[0-9]+$/.test(port) ? Number(port) : undefined;
}
