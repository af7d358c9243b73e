/**
 * What the policy compiler of 3.5.1 (`policy_local.py`, `PolicyCompiler.compile_access_ruleset`
 * and `compile_app_settings`) refuses in a vhost, with its texts: a refusal is a
 * `PolicyError: Policy '<vhost>' is invalid: <first error>` (a 500 to a CREATE; at boot the
 * router exits). Options are checked in the order the vhost's attributes come, as the router
 * iterates them. Not modelled: `remoteHosts` address parsing, and alias clashes between vhosts.
 */
import { pyInt } from './coerce.js';
import { PythonException } from './errors.js';
import { isPlainObject, pyStr, pyTypeName, type Attributes } from './python-values.js';

const USER_TOKEN = '${user}';
const CONNECTION_LIMITS = ['maxConnections', 'maxConnectionsPerHost', 'maxConnectionsPerUser'];
const GROUP_CONNECTION_LIMITS = ['maxConnectionsPerHost', 'maxConnectionsPerUser'];
const GROUP_SIZES = ['maxFrameSize', 'maxMessageSize', 'maxReceivers', 'maxSenders', 'maxSessionWindow', 'maxSessions'];
const GROUP_BOOLEANS = ['allowAnonymousSender', 'allowDynamicSource', 'allowUserIdProxy', 'allowAdminStatusUpdate'];
const GROUP_LISTS = ['users', 'sources', 'targets', 'sourcePattern', 'targetPattern', 'aliases'];

/** The compiler's first complaint, thrown out of the loops. */
class Refusal extends Error {}

/** PolicyCompiler.validateNumber (max 0: no maximum); only a ValueError of int() is its own error. */
function validateNumber(value: unknown, min: number, max: number): string | undefined {
  let n: number;
  try {
    n = pyInt(value);
  } catch (e) {
    if (e instanceof PythonException && e.pythonType === 'ValueError') return `Value '${pyStr(value)}' does not resolve to an integer.`;
    throw e;
  }
  if (n < min) return `Value '${pyStr(value)}' is below minimum '${min}'.`;
  if (max > 0 && n > max) return `Value '${pyStr(value)}' is above maximum '${max}'.`;
  return undefined;
}

const pyType = (value: unknown): string => `<class '${pyTypeName(value)}'>`;

/** compile_app_settings: the options of one user group; returns its `users` as the router keeps them ('' when none). */
function compileGroup(vhost: string, group: string, settings: unknown): string {
  if (!isPlainObject(settings)) throw new PythonException('AttributeError', `'${pyTypeName(settings)}' object has no attribute 'items'`);
  const where = `Policy vhost '${vhost}' user group '${group}'`;
  const seen = new Set<string>();
  let users = '';
  for (const [key, value] of Object.entries(settings)) {
    if (GROUP_CONNECTION_LIMITS.includes(key) || GROUP_SIZES.includes(key)) {
      const error = validateNumber(value, 0, GROUP_CONNECTION_LIMITS.includes(key) ? 65535 : 0);
      if (error) throw new Refusal(`${where} option '${key}' has error '${error}'.`);
    } else if (GROUP_BOOLEANS.includes(key)) {
      const bool = typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase()) ? value === 'true' : value;
      if (typeof bool !== 'boolean') throw new Refusal(`${where} option '${key}' has illegal boolean value '${pyStr(value)}'.`);
    } else if (GROUP_LISTS.includes(key)) {
      // A value of another type is noted as an error but the compiler carries on with it.
      const items = Array.isArray(value) ? value.map(pyStr) : typeof value === 'string' ? value.split(',').map((x) => x.replace(/^ +| +$/g, '')) : [];
      const unique = [...new Set(items)];
      if (key === 'users') users = unique.join(',');
      else if (key !== 'aliases') {
        for (const item of unique) {
          const count = item.split(USER_TOKEN).length - 1;
          if (count > 1) throw new Refusal(`${where} policy key '${key}' item '${item}' contains multiple user substitution tokens`);
          const embedded = count === 1 && !item.startsWith(USER_TOKEN) && !item.endsWith(USER_TOKEN);
          if (embedded && (key === 'sourcePattern' || key === 'targetPattern')) {
            throw new Refusal(`${where} policy key '${key}' item '${item}' may contain match pattern '${USER_TOKEN}' as a prefix or a suffix only.`);
          }
        }
      }
      seen.add(key);
    }
  }
  if (seen.has('sources') && seen.has('sourcePattern')) {
    throw new Refusal(`${where} specifies conflicting 'sources' and 'sourcePattern' attributes. Use only one or the other.`);
  }
  if (seen.has('targets') && seen.has('targetPattern')) {
    throw new Refusal(`${where} specifies conflicting 'targets' and 'targetPattern' attributes. Use only one or the other.`);
  }
  return users;
}

function compile(name: string, vhost: Attributes): void {
  const groupUsers = new Map<string, string>();
  for (const [key, value] of Object.entries(vhost)) {
    if (CONNECTION_LIMITS.includes(key) || key === 'maxMessageSize') {
      const error = validateNumber(value, 0, key === 'maxMessageSize' ? 0 : 65535);
      if (error) throw new Refusal(`Policy vhost '${name}' option '${key}' has error '${error}'.`);
    } else if (key === 'allowUnknownUser' && typeof value !== 'boolean') {
      throw new Refusal(`Policy vhost '${name}' option '${key}' must be of type 'bool' but is '${pyType(value)}'`);
    } else if (key === 'aliases') {
      const seen: string[] = [];
      for (const alias of pyStr(value).split(',').map((x) => x.replace(/^ +| +$/g, ''))) {
        if (alias === name) throw new Refusal(`Policy vhost '${name}' option '${key}' value '${alias}' duplicates vhost name`);
        if (seen.includes(alias)) throw new Refusal(`Policy vhost '${name}' option '${key}' value '${alias}' is duplicated`);
        seen.push(alias);
      }
    } else if (key === 'groups') {
      if (!isPlainObject(value)) throw new Refusal(`Policy vhost '${name}' option '${key}' must be of type 'dict' but is '${pyType(value)}'`);
      for (const [group, settings] of Object.entries(value)) groupUsers.set(group, compileGroup(name, group, settings));
    }
  }
  const userGroup = new Map<string, string>();
  for (const [group, users] of groupUsers) {
    // A group without users still maps the user '' (two such groups clash, as they do in 3.5.1).
    for (const user of users.split(',').map((x) => x.replace(/^ +| +$/g, ''))) {
      const other = userGroup.get(user);
      if (other !== undefined) throw new Refusal(`Policy vhost '${name}' user '${user}' is in multiple user groups '${other}' and '${group}'`);
      userGroup.set(user, group);
    }
  }
  if (vhost['allowUnknownUser'] === true && !groupUsers.has('$default')) {
    throw new Refusal(`Policy vhost '${name}' allows connections by default but default settings are not defined`);
  }
}

/** PolicyLocal.create_ruleset's compile step: throws the PolicyError the router raises, if any. */
export function checkVhost(vhost: Attributes): void {
  const name = pyStr(vhost['hostname'] ?? null);
  try {
    compile(name, vhost);
  } catch (e) {
    if (e instanceof Refusal) throw new PythonException('PolicyError', `Policy '${name}' is invalid: ${e.message}`);
    throw e;
  }
}
