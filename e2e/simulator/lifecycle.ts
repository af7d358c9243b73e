/**
 * Adding an entity to the Python agent, shared by CREATE requests and the boot file:
 * build the adapter, check it against every existing entity (one name/identity namespace,
 * singletons, role/mode rules), let the C side configure it, then append it to the list.
 */
import { typeOf, type TypeInfo } from './catalog.js';
import { constructAttributes } from './construct.js';
import { configureEntity } from './dataplane.js';
import { PythonException, SchemaValidationError, StatusError } from './errors.js';
import { dictRepr, entityStr, pyEquals, pyStr, type Attributes } from './python-values.js';
import type { PyEntity, RouterState } from './state.js';

/** How messages print entities: adapters (`ListenerEntity(...)`) or, at boot, plain dicts. */
export type Display = 'entity' | 'dict';

interface Candidate {
  readonly type: TypeInfo;
  readonly attributes: Attributes;
}

const ILLEGAL_ID_CHARS = '|$';

function show(c: Candidate, display: Display): string {
  return display === 'entity' ? entityStr(c.type, c.attributes) : dictRepr(c.type, c.attributes);
}

/** The router's mode and role rules (QdSchema.validate_add), evaluated over the whole list like 3.5.1 does. */
function checkRoles(all: readonly Candidate[], display: Display): void {
  let mode: unknown;
  let routerId: unknown;
  let endpoint: Candidate | undefined;
  let listenerRole: unknown;
  for (const c of all) {
    const short = c.type.shortName;
    if (short === 'router') {
      mode = c.attributes['mode'];
      if ('id' in c.attributes) routerId = c.attributes['id'];
    }
    if (short === 'listener' || short === 'connector') {
      endpoint = c;
      if (short === 'listener') listenerRole = c.attributes['role'];
    }
  }
  if (typeof routerId === 'string' && [...routerId].some((ch) => ILLEGAL_ID_CHARS.includes(ch))) {
    throw new SchemaValidationError(`Router ID "${routerId}" containes at least one illegal character ("${ILLEGAL_ID_CHARS}").`);
  }
  const role = endpoint?.attributes['role'];
  if (mode !== undefined && endpoint && role !== undefined) {
    if (mode === 'standalone' && (role === 'inter-router' || role === 'edge')) {
      throw new SchemaValidationError("role='standalone' not allowed to connect to or accept connections from other routers.");
    }
    if (mode !== 'interior' && role === 'inter-router') {
      throw new SchemaValidationError(`role='inter-router' only allowed with router mode='interior' for ${show(endpoint, display)}`);
    }
  }
  if (mode === 'edge' && listenerRole === 'edge' && endpoint) {
    throw new SchemaValidationError(`role='edge' only allowed with router mode='interior' for ${show(endpoint, display)}`);
  }
}

/** Schema.validate_add + QdSchema.validate_add: uniqueness of name and identity across every type. */
export function validateAdd(candidate: Candidate, existing: readonly Candidate[], display: Display): void {
  const unique = ['name', 'identity'].filter((a) => a in candidate.attributes);
  if (unique.length > 0 || candidate.type.singleton) {
    for (const e of existing) {
      if (candidate.type.singleton && e.type === candidate.type) {
        throw new SchemaValidationError(
          `Adding ${candidate.type.longType} singleton ${show(candidate, display)} when ${show(e, display)} already exists`,
        );
      }
      for (const a of unique) {
        if (a in e.attributes && pyEquals(candidate.attributes[a], e.attributes[a])) {
          throw new SchemaValidationError(
            `adding ${show(candidate, display)} duplicates unique attribute '${a}' from existing ${show(e, display)}`,
          );
        }
      }
    }
  }
  checkRoles([...existing, candidate], display);
}

function addVhostStats(state: RouterState, vhost: Attributes): void {
  const type = typeOf('io.skupper.router.vhostStats');
  const raw: Attributes = {
    type: type.longType,
    hostname: vhost['hostname'],
    connectionsApproved: 0,
    connectionsDenied: 0,
    connectionsCurrent: 0,
    perUserState: {},
    perHostState: {},
    sessionDenied: 0,
    senderDenied: 0,
    receiverDenied: 0,
    maxMessageSizeDenied: 0,
  };
  state.entities.push({ type, attributes: constructAttributes(state, type, raw), refreshes: 0 });
}

/**
 * Agent._create: raw attributes (already carrying `type`) become a live entity, or the call
 * throws what the router would answer (400 validation, 500 CError / AttributeError).
 */
export function addEntity(state: RouterState, type: TypeInfo, raw: Attributes, display: Display): PyEntity {
  if (raw['identity'] !== null && raw['identity'] !== undefined) {
    throw new StatusError(400, `'identity' attribute cannot be specified ${dictRepr(undefined, raw)}`);
  }
  const attributes = constructAttributes(state, type, raw);
  validateAdd({ type, attributes }, state.entities, display);
  const entity: PyEntity = { type, attributes, refreshes: 0 };
  configureEntity(state, entity);
  // What C configured stays configured (a listener keeps listening), out of management's reach.
  checkPrintable(type, attributes);
  if (type.shortName === 'vhost') addVhostStats(state, attributes);
  state.entities.push(entity);
  return entity;
}

/**
 * EntityCache.add logs `Add entity: <entity>` before it keeps the adapter, and the router's log
 * call (`PyArg_ParseTuple` "s") refuses a text with a NUL: a string attribute holding one (a
 * hidden one prints as stars) fails the CREATE after the C side has configured the entity.
 */
function checkPrintable(type: TypeInfo, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'string' && value.includes('\0') && type.attributes.get(name)?.hidden !== true) {
      throw new PythonException('ValueError', 'embedded null character');
    }
  }
}

/** Removes an entity and what the router removes with it (a vhost's statistics). */
export function removeEntity(state: RouterState, entity: PyEntity): void {
  state.remove(entity);
  if (entity.type.shortName !== 'vhost') return;
  const stats = state.entities.find(
    (e) => e.type.shortName === 'vhostStats' && pyStr(e.attributes['hostname']) === pyStr(entity.attributes['hostname']),
  );
  if (stats) state.remove(stats);
}
