/**
 * A vhost user group's `remoteHosts`, read as skrouterd 3.5.1's policy compiler reads it
 * (`HostAddr` in `policy_util.py`): a comma list (or a list), each item `*`, one host, or a range
 * `low-high` split on `-`. A range must have two hosts of one family, lowest first; a host that is
 * not a literal is resolved with getaddrinfo when the router starts, which this check cannot do.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { IssueCollector } from './collector.js';
import { describeValue, type JsonPath } from './issues.js';

const REFUSED = 'skrouterd 3.5.1 refuses to boot with it (PolicyError)';

/** The address as a number, for ordering a range; undefined for a name. */
function numeric(host: string): { family: 4 | 6; value: bigint } | undefined {
  if (isIPv4(host)) return { family: 4, value: host.split('.').reduce((n, part) => n * 256n + BigInt(part), 0n) };
  if (!isIPv6(host)) return undefined;
  let text = host;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted !== undefined) {
    const v4 = dotted.split('.').map(Number);
    text = `${text.slice(0, -dotted.length)}${(((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16)}:${(((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return { family: 6, value: groups.reduce((n, g) => n * 65536n + BigInt(`0x${g}`), 0n) };
}

export function checkRemoteHosts(value: unknown, at: JsonPath, issues: IssueCollector): void {
  const specs = typeof value === 'string' ? value.split(',').map((s) => s.replace(/^ +| +$/g, '')) : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (specs === undefined) {
    issues.error(at, `"remoteHosts" must be a comma-separated string or a list, not ${describeValue(value)}; ${REFUSED}`);
    return;
  }
  for (const spec of specs) {
    if (typeof spec !== 'string') {
      issues.error(at, `"remoteHosts" items must be strings, not ${describeValue(spec)}; ${REFUSED}`);
      continue;
    }
    if (spec === '*') continue;
    const hosts = spec.split('-').map((h) => h.trim());
    if (hosts.length > 2) {
      issues.error(at, `"remoteHosts" item "${spec}" is read as a range split on "-" and has ${hosts.length} parts (one host, or low-high); ${REFUSED}`);
      continue;
    }
    if (hosts.some((h) => h === '')) {
      issues.error(at, `"remoteHosts" item "${spec}" has an empty host; ${REFUSED}`);
      continue;
    }
    const [low, high] = hosts.map(numeric);
    if (hosts.length === 2 && (low === undefined || high === undefined)) {
      issues.warn(at, `"remoteHosts" item "${spec}" is read as a range from "${hosts[0] ?? ''}" to "${hosts[1] ?? ''}" (the router splits on "-"); unless both resolve to one address each, the router does not boot`);
    } else if (low !== undefined && high !== undefined) {
      if (low.family !== high.family) issues.error(at, `"remoteHosts" range "${spec}" mixes IPv4 and IPv6; ${REFUSED}`);
      else if (low.value > high.value) issues.error(at, `"remoteHosts" range "${spec}" must give the lower address first; ${REFUSED}`);
    }
  }
}
