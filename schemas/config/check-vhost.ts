/**
 * vhost rules of skrouterd 3.5.1's policy compiler (`policy_local.py`, `policy_util.py`): a vhost
 * that breaks one raises `PolicyError: Policy '<hostname>' is invalid: …`, and the router does
 * not boot from a file that holds it. The vhost's own integer limits are in `check-limits.ts`.
 */
import type { IssueCollector } from './collector.js';
import type { LocatedEntity } from './entity-input.js';
import { formatPath, describeValue, type JsonPath } from './issues.js';
import { checkRemoteHosts } from './check-remote-hosts.js';

const REFUSED = 'skrouterd 3.5.1 refuses to boot with it (PolicyError)';
const CONNECTION_LIMITS = new Set(['maxConnectionsPerHost', 'maxConnectionsPerUser']);
const SIZES = new Set(['maxFrameSize', 'maxMessageSize', 'maxReceivers', 'maxSenders', 'maxSessionWindow', 'maxSessions']);
const FLAGS = new Set(['allowAnonymousSender', 'allowDynamicSource', 'allowUserIdProxy', 'allowAdminStatusUpdate']);
const LISTS = new Set(['users', 'sources', 'targets', 'sourcePattern', 'targetPattern', 'aliases']);
const KNOWN = new Set([...CONNECTION_LIMITS, ...SIZES, ...FLAGS, ...LISTS, 'remoteHosts']);
/** What Python's int() reads from a string. */
const PYTHON_INT = /^\s*[+-]?[0-9]+(?:_[0-9]+)*\s*$/;
const USER_TOKEN = '${user}';

/** Python's `strip(' ')`: spaces only, as the compiler strips list items. */
const strip = (item: string): string => item.replace(/^ +| +$/g, '');

/** A list option as the compiler reads it: a comma list (items stripped of spaces) or a list. */
function items(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(',').map(strip);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return undefined;
}

export function checkVhosts(entities: readonly LocatedEntity[], issues: IssueCollector): void {
  const vhosts = entities.filter((e) => e.kind === 'vhost');
  const hostnames = new Map<string, LocatedEntity>();
  for (const vhost of vhosts) {
    const hostname = vhost.attributes['hostname'];
    if (typeof hostname === 'string' && !hostnames.has(hostname)) hostnames.set(hostname, vhost);
  }
  const aliases = new Map<string, LocatedEntity>();
  for (const vhost of vhosts) {
    const hostname = vhost.attributes['hostname'];
    if (typeof hostname !== 'string') continue;
    checkAliases(vhost, hostname, hostnames, aliases, issues);
    checkGroups(vhost, issues);
  }
}

function checkAliases(
  vhost: LocatedEntity,
  hostname: string,
  hostnames: ReadonlyMap<string, LocatedEntity>,
  aliases: Map<string, LocatedEntity>,
  issues: IssueCollector,
): void {
  const value = vhost.attributes['aliases'];
  if (typeof value !== 'string') return;
  const path = vhost.attributePath('aliases');
  const seen = new Set<string>();
  for (const alias of value.split(',').map(strip)) {
    const owner = hostnames.get(alias);
    const shared = aliases.get(alias);
    if (alias === hostname) issues.error(path, `alias "${alias}" repeats the vhost's own hostname; ${REFUSED}`);
    else if (seen.has(alias)) issues.error(path, `alias "${alias}" is given twice; ${REFUSED}`);
    else if (owner) issues.error(path, `alias "${alias}" is the hostname of the vhost at ${formatPath(owner.path)}; ${REFUSED}`);
    else if (shared && shared !== vhost) issues.error(path, `alias "${alias}" is also an alias of the vhost at ${formatPath(shared.path)}; ${REFUSED}`);
    seen.add(alias);
    if (!shared) aliases.set(alias, vhost);
  }
}

function checkGroups(vhost: LocatedEntity, issues: IssueCollector): void {
  const groups = vhost.attributes['groups'];
  const groupsPath = vhost.attributePath('groups');
  const userGroup = new Map<string, string>();
  if (typeof groups === 'object' && groups !== null) {
    for (const [group, settings] of Object.entries(groups)) {
      const path: JsonPath = [...groupsPath, { entry: group }];
      if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
        issues.error(path, `user group "${group}" must be an object of settings, not ${describeValue(settings)}; ${REFUSED}`);
        continue;
      }
      checkGroupSettings(group, settings as Record<string, unknown>, path, issues);
      // The compiler gives a group without users the user "" (its default), so two such groups clash.
      const listed = items((settings as Record<string, unknown>)['users'] ?? '') ?? [];
      const users = new Set(listed.join(',').split(',').map(strip));
      for (const user of users) {
        const other = userGroup.get(user);
        if (other === undefined) {
          userGroup.set(user, group);
        } else {
          const who = user === '' ? 'has no "users" (the router files it under the user "")' : `lists user "${user}"`;
          issues.error([...path, 'users'], `user group "${group}" ${who}, as does group "${other}": a user may be in one group only; ${REFUSED}`);
        }
      }
    }
  }
  if (vhost.attributes['allowUnknownUser'] === true && (typeof groups !== 'object' || groups === null || !Object.hasOwn(groups, '$default'))) {
    issues.error(vhost.attributePath('allowUnknownUser'), `"allowUnknownUser" needs a "$default" user group for the unknown users; ${REFUSED}`);
  }
}

function checkGroupSettings(group: string, settings: Record<string, unknown>, path: JsonPath, issues: IssueCollector): void {
  for (const [key, value] of Object.entries(settings)) {
    const at: JsonPath = [...path, key];
    if (!KNOWN.has(key)) {
      issues.warn(at, `unknown user group option "${key}" is ignored by the router`);
    } else if (CONNECTION_LIMITS.has(key) || SIZES.has(key)) {
      checkInteger(key, value, CONNECTION_LIMITS.has(key) ? 65535 : undefined, at, issues);
    } else if (FLAGS.has(key)) {
      const ok = typeof value === 'boolean' || (typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase()));
      if (!ok) issues.error(at, `"${key}" must be true or false, not ${describeValue(value)}; ${REFUSED}`);
    } else if (key === 'remoteHosts') {
      checkRemoteHosts(value, at, issues);
    } else {
      checkList(key, value, at, issues);
    }
  }
  for (const [names, pattern] of [['sources', 'sourcePattern'], ['targets', 'targetPattern']] as const) {
    if (Object.hasOwn(settings, names) && Object.hasOwn(settings, pattern)) {
      issues.error([...path, pattern], `user group "${group}" gives both "${names}" and "${pattern}"; use only one; ${REFUSED}`);
    }
  }
}

function checkInteger(key: string, value: unknown, max: number | undefined, at: JsonPath, issues: IssueCollector): void {
  const n = typeof value === 'number' && Number.isInteger(value) ? value : typeof value === 'string' && PYTHON_INT.test(value) ? Number(value.replaceAll('_', '')) : undefined;
  const range = max === undefined ? '0 or more' : `0…${max}`;
  if (n === undefined) issues.error(at, `"${key}" must be an integer ${range}, not ${describeValue(value)}; ${REFUSED}`);
  else if (n < 0 || (max !== undefined && n > max)) issues.error(at, `"${key}" must be ${range}; ${REFUSED} ${n}`);
}

function checkList(key: string, value: unknown, at: JsonPath, issues: IssueCollector): void {
  const list = items(value);
  if (list === undefined) {
    issues.error(at, `"${key}" must be a comma-separated string or a list of strings, not ${describeValue(value)}; ${REFUSED}`);
    return;
  }
  if (key === 'users' || key === 'aliases') return;
  for (const item of list) {
    const tokens = item.split(USER_TOKEN).length - 1;
    if (tokens > 1) {
      issues.error(at, `"${key}" item "${item}" has ${USER_TOKEN} more than once; ${REFUSED}`);
    } else if (tokens === 1 && key.endsWith('Pattern') && !item.startsWith(USER_TOKEN) && !item.endsWith(USER_TOKEN)) {
      issues.error(at, `"${key}" item "${item}" may have ${USER_TOKEN} only at its start or end; ${REFUSED}`);
    }
  }
}
