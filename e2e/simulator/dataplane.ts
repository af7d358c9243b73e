/**
 * The C side of the Python-managed types: what `qd_dispatch_configure_*` refuses (CError; the
 * listener/connector limits of server-config.ts, the vhost rules of policy-rules.ts, a log file
 * that cannot be opened), the status attributes its refresh functions write back, what the core
 * opens for an entity (a tcpConnector's connection and link), and what DELETE/UPDATE may refuse.
 * Nothing here opens sockets (a log file is opened, as the router opens it): connectors never
 * connect (they stay CONNECTING with a "connection refused" message from the first request on). AMQP listeners are handed to the listener plane (amqp-listeners.ts) when the simulator
 * serves them (`serveListeners`), and tcpListeners and tcpConnectors to the TCP data plane
 * (tcp-plane.ts) when it runs one (`tcpDataPlane`); without those they bind and connect nothing.
 *
 * TLS files are read where the simulator needs them or is asked to: a listener's creation sets up
 * its TLS as skrouterd's does (listener-security.ts: files read and parsed, a CA when EXTERNAL is
 * offered) for every listener the simulator serves, and for every other one with `checkTlsFiles`;
 * a connector's files are only checked for existence, and only with `checkTlsFiles`.
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { CError, PythonException } from './errors.js';
import { checkListenerProfile, listenerSecurity, type ListenerSecurity } from './listener-security.js';
import { checkVhost } from './policy-rules.js';
import { pyStr, type Attributes } from './python-values.js';
import { checkServerConfig } from './server-config.js';
import type { PyEntity, RouterState } from './state.js';

const LEVELS = ['default', 'none', 'debug', 'info', 'warning', 'error', 'critical'] as const;
const LEVEL_BIT: Record<string, number> = { default: -1, none: 0, debug: 1, info: 2, warning: 4, error: 8, critical: 16 };
const INVALID_LEVEL = -2;

/** log.c `enable_mask`: names match by prefix, case-insensitively; unknown ones poison the mask. */
function enableMask(enable: string): number {
  let mask = 0;
  for (const token of enable.split(/[, ;:]/).filter(Boolean)) {
    const plus = token.endsWith('+');
    const word = (plus ? token.slice(0, -1) : token).toLowerCase();
    const level = LEVELS.find((l) => l.slice(0, word.length) === word);
    const bit = level === undefined ? INVALID_LEVEL : (LEVEL_BIT[level] ?? INVALID_LEVEL);
    mask |= plus && bit > 0 ? 31 & ~(bit - 1) : bit;
  }
  return mask;
}

const LOG_SINKS = ['stdout', 'stderr', 'syslog'];

/** log.c `log_sink_lh`: a file sink is opened (created) for appending; one that cannot be is refused. */
function checkOutputFile(path: unknown): void {
  if (typeof path !== 'string' || LOG_SINKS.includes(path)) return;
  try {
    closeSync(openSync(path, 'a'));
  } catch {
    throw new CError('Configuration', `Failed to open log file '${path}'`);
  }
}

/** qd_log_entity: the output file first (a failure stops there), then the enable mask. */
function checkLog(entity: PyEntity): void {
  checkOutputFile(entity.attributes['outputFile']);
  const enable = entity.attributes['enable'];
  if (typeof enable === 'string' && enableMask(enable) < -1) {
    throw new CError('Configuration', `'${enable}' is not a valid log level. Should be one of {none, debug, info, warning, error, critical}.`);
  }
}

function profile(state: RouterState, kind: 'sslProfile' | 'proxyProfile', name: unknown): PyEntity | undefined {
  if (name === undefined) return undefined;
  const found = state.entities.find((e) => e.type.shortName === kind && e.attributes['name'] === name);
  if (!found) throw new CError('Not found', `${kind} '${pyStr(name)}' not found`);
  return found;
}

/** Only with `checkTlsFiles`: the CA file a connector would load must exist. */
function checkConnectorTlsFiles(state: RouterState, ssl: PyEntity | undefined): void {
  if (!ssl || !state.options.checkTlsFiles) return;
  const path = ssl.attributes['caCertFile'];
  if (typeof path === 'string' && !existsSync(path)) {
    throw new CError('Configuration', `sslProfile '${pyStr(ssl.attributes['name'])}': cannot read caCertFile '${path}'`);
  }
}

/**
 * The TLS set-up of listener creation (`qd_tls_config`), for the listeners whose files the
 * simulator reads (see the top of this file). Throws the router's CError; undefined when the
 * listener has no sslProfile or its files are not read.
 */
function listenerTls(state: RouterState, entity: PyEntity): ListenerSecurity | undefined {
  const ssl = profile(state, 'sslProfile', entity.attributes['sslProfile']);
  if (!ssl) return undefined;
  if (!(state.options.checkTlsFiles || state.options.amqpListeners?.serves(entity))) {
    checkListenerProfile(entity.attributes, ssl.attributes);
    return undefined;
  }
  const profiles = state.entities.filter((e) => e.type.shortName === 'sslProfile').map((e) => e.attributes);
  return listenerSecurity(entity.attributes, profiles);
}

function checkOrdinals(entity: PyEntity): void {
  const ordinal = entity.attributes['ordinal'];
  const oldest = entity.attributes['oldestValidOrdinal'];
  const name = pyStr(entity.attributes['name']);
  if ((typeof ordinal === 'number' && ordinal < 0) || (typeof oldest === 'number' && oldest < 0)) {
    throw new CError('Configuration', `sslProfile '${name}': ordinal values must not be negative`);
  }
  if (typeof oldest === 'number' && oldest > (typeof ordinal === 'number' ? ordinal : 0)) {
    throw new CError('Configuration', `sslProfile '${name}': oldestValidOrdinal must not exceed ordinal`);
  }
}

function checkRouterId(entity: PyEntity): void {
  const id = entity.attributes['id'];
  if (typeof id !== 'string') return;
  for (const ch of id) {
    if (/[\p{C}\p{Z}]/u.test(ch)) {
      throw new PythonException('AttributeError', `Router id attribute containing character '${ch}' in id '${id}' is disallowed.`);
    }
  }
}

function requireAttribute(entity: PyEntity, name: string): void {
  if (!(name in entity.attributes)) {
    throw new CError('Configuration', `${entity.type.shortName} '${pyStr(entity.attributes['name'])}' has no '${name}'`);
  }
}

/** Status attributes a C refresh appends right after creation, in the router's order. */
function initialStatus(entity: PyEntity): Attributes {
  const a = entity.attributes;
  switch (entity.type.shortName) {
    case 'connector': {
      const scheme = a['sslProfile'] === undefined ? 'amqp' : 'amqps';
      return { failoverUrls: `${scheme}://${pyStr(a['host'])}:${pyStr(a['port'])}`, connectionStatus: 'CONNECTING', connectionMsg: '' };
    }
    case 'tcpListener':
      return { bytesIn: 0, bytesOut: 0, connectionsOpened: 0, connectionsClosed: 0, operStatus: 'down', connectionMsg: '' };
    case 'tcpConnector':
      // 3.5.1 counts the connector's own dispatcher connection.
      return { bytesIn: 0, bytesOut: 0, connectionsOpened: 1, connectionsClosed: 0 };
    case 'listenerAddress':
      return { connectionsOpened: 0 };
    case 'router':
      return { hostName: hostname(), area: '0' };
    default:
      return {};
  }
}

/** What the core opens for a new entity: a connector's first connection attempt, a tcpConnector's connection and link. */
function openCoreResources(state: RouterState, entity: PyEntity): void {
  const short = entity.type.shortName;
  if (short === 'connector') state.connectionId();
  if (short !== 'tcpConnector') return;
  state.adaptorLinks.set(entity, {
    identity: state.coreIdentity(), name: 'tcp.connector.out', dir: 'out', owningAddr: `M${pyStr(entity.attributes['address'])}`,
    connectionId: state.connectionId(), capacity: 5, deliveries: 0, accepted: 0, presettled: 0, creditAvailable: 1,
  });
}

/** `qd_dispatch_configure_*`: refuse what the C code refuses, then add the status attributes. */
export function configureEntity(state: RouterState, entity: PyEntity): void {
  const a = entity.attributes;
  let security: ListenerSecurity | undefined;
  switch (entity.type.shortName) {
    case 'router':
      checkRouterId(entity);
      break;
    case 'log':
      checkLog(entity);
      break;
    case 'sslProfile':
      checkOrdinals(entity);
      break;
    case 'listener':
      checkServerConfig(a);
      security = listenerTls(state, entity);
      break;
    case 'vhost':
      checkVhost(a);
      break;
    case 'connector': {
      checkServerConfig(a);
      const ssl = profile(state, 'sslProfile', a['sslProfile']);
      profile(state, 'proxyProfile', a['proxyProfile']);
      checkConnectorTlsFiles(state, ssl);
      break;
    }
    case 'tcpListener': {
      const strategy = a['multiAddressStrategy'] ?? 'none';
      if ((a['address'] === undefined) === (strategy === 'none')) {
        throw new CError('Configuration', "Exactly one of the 'address' or 'multiAddressStrategy' field must be set");
      }
      requireAttribute(entity, 'port');
      profile(state, 'sslProfile', a['sslProfile']);
      break;
    }
    case 'tcpConnector':
      requireAttribute(entity, 'address');
      requireAttribute(entity, 'port');
      profile(state, 'sslProfile', a['sslProfile']);
      break;
    case 'listenerAddress': {
      const listener = state.entities.find((e) => e.type.shortName === 'tcpListener' && e.attributes['name'] === a['listener']);
      if (!listener) throw new CError('Not found', `tcpListener '${pyStr(a['listener'])}' not found`);
      if ((listener.attributes['multiAddressStrategy'] ?? 'none') === 'none') {
        throw new CError('Configuration', `tcpListener '${pyStr(a['listener'])}' has no multiAddressStrategy`);
      }
      break;
    }
  }
  Object.assign(a, initialStatus(entity));
  openCoreResources(state, entity);
  state.options.tcpPlane?.configured(entity);
  state.options.amqpListeners?.configured(entity, security);
}

/** What `_update` hands to C after the merged attributes are already in place. */
export function reconfigureEntity(entity: PyEntity): void {
  if (entity.type.shortName === 'log') checkLog(entity);
  if (entity.type.shortName === 'vhost') checkVhost(entity.attributes);
  if (entity.type.shortName === 'sslProfile') checkOrdinals(entity);
}

/** What `_delete` may refuse before the entity leaves the agent. */
export function unconfigureEntity(state: RouterState, entity: PyEntity): void {
  if (entity.type.shortName === 'tcpListener' && (entity.attributes['multiAddressStrategy'] ?? 'none') !== 'none') {
    const name = entity.attributes['name'];
    if (state.entities.some((e) => e.type.shortName === 'listenerAddress' && e.attributes['listener'] === name)) {
      throw new CError('Bad value', `listenerAddress entities exist for  multi-address listener ${pyStr(name)}`);
    }
  }
  state.adaptorLinks.delete(entity);
  state.options.tcpPlane?.unconfigured(entity);
  state.options.amqpListeners?.unconfigured(entity);
}

function servedAddresses(state: RouterState): Set<unknown> {
  return new Set(state.entities.filter((e) => e.type.shortName === 'tcpConnector').map((e) => e.attributes['address']));
}

/** refresh_from_c before every request: the status attributes that move on their own. */
export function refreshEntities(state: RouterState): void {
  const served = servedAddresses(state);
  for (const entity of state.entities) {
    const a = entity.attributes;
    switch (entity.type.shortName) {
      case 'tcpListener': {
        const addresses = (a['multiAddressStrategy'] ?? 'none') === 'none'
          ? [a['address']]
          : state.entities.filter((e) => e.type.shortName === 'listenerAddress' && e.attributes['listener'] === a['name']).map((e) => e.attributes['address']);
        a['operStatus'] = addresses.some((x) => served.has(x)) ? 'up' : 'down';
        const bindError = state.options.tcpPlane?.bindError(entity);
        if (bindError !== undefined) Object.assign(a, { operStatus: 'down', connectionMsg: bindError });
        break;
      }
      case 'connector': {
        // The first attempt has failed by the first request after the CREATE.
        const target = `${pyStr(a['host'])}:${pyStr(a['port'])}`;
        a['connectionMsg'] = `Connection to ${target} failed: proton:io Connection refused - disconnected ${target}`;
        break;
      }
      case 'policy':
        Object.assign(a, {
          connectionsProcessed: state.connectionsOpened,
          connectionsDenied: 0,
          connectionsCurrent: state.connections.length,
          linksDenied: 0,
          maxMessageSizeDenied: 0,
          totalDenials: 0,
        });
        break;
    }
    entity.refreshes++;
  }
}
