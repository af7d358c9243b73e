/**
 * The Python management agent of skrouterd 3.5.1 (`agent.py`): every request that the C agent
 * does not take. It refreshes status attributes, then dispatches CREATE to the agent itself and
 * everything else to the entity the request names (the management node when it names none).
 * Error texts and the order of the checks are the router's, because clients branch on them.
 */
import { findType, isA, longName, type TypeInfo } from './catalog.js';
import { attributeOf, validateAttributes } from './coerce.js';
import { reconfigureEntity, refreshEntities, unconfigureEntity } from './dataplane.js';
import { PythonException, SchemaValidationError, StatusError } from './errors.js';
import { addEntity, removeEntity } from './lifecycle.js';
import { managementOperation } from './management-node.js';
import { dictRepr, isPlainObject, pyEquals, pyEqualsStored, pyRepr, pyStr, pyTruthy, pyTypeName, type Attributes } from './python-values.js';
import { reply, type ManagementReply, type ManagementRequest } from './request.js';
import type { PyEntity, RouterState } from './state.js';

/** EntityType.allowed: 501 naming the operations the type has. */
function allowed(type: TypeInfo, operation: string): void {
  const op = operation.toUpperCase();
  if (!type.operations.includes(op)) {
    throw new StatusError(501, `Operation '${op}' not implemented for '${type.longType}' ${pyRepr([...type.operations])}`);
  }
}

function lookupType(name: unknown): TypeInfo {
  const type = findType(pyStr(name));
  if (!type) throw new SchemaValidationError(`No such entity type '${pyStr(name)}'`);
  return type;
}

function create(state: RouterState, request: ManagementRequest): ManagementReply {
  const { properties, body } = request;
  if (!isPlainObject(body)) throw new PythonException('AttributeError', `'${pyTypeName(body)}' object has no attribute 'setdefault'`);
  const attributes: Attributes = { ...body };
  for (const key of ['type', 'name']) {
    const prop = properties[key];
    if (pyTruthy(prop)) {
      if (!(key in attributes)) attributes[key] = prop;
      const old = attributes[key];
      if (old !== null && old !== undefined && !pyEquals(old, prop)) {
        throw new StatusError(400, `Conflicting values for '${key}'`);
      }
    }
    attributes[key] = prop ?? null;
  }
  if (attributes['type'] === null) throw new StatusError(400, `No 'type' attribute in ${dictRepr(undefined, attributes)}`);
  const type = lookupType(attributes['type']);
  allowed(type, 'CREATE');
  for (const key of Object.keys(attributes)) {
    if (!attributeOf(type, key).create) throw new SchemaValidationError(`Cannot set attribute '${key}' in CREATE`);
  }
  const entity = addEntity(state, type, attributes, 'entity');
  return reply(201, structuredClone(entity.attributes));
}

/** Agent.find_entity: by the first of name/identity, across every type; the other must agree. */
function findEntity(state: RouterState, request: ManagementRequest): PyEntity {
  const { properties } = request;
  const requested = pyTruthy(properties['type']) ? lookupType(properties['type']) : undefined;
  const ids = ['name', 'identity'].filter((k) => k in properties);
  const management = state.entities[0];
  if (!management) throw new Error('the management entity is missing');
  if (ids.length === 0) {
    if (!requested || isA(management.type, requested)) return management;
    throw new SchemaValidationError(`${requested.longType}: No name or identity provided`);
  }
  const shown = ids.map((k) => `${k}=${pyStr(properties[k])}`).join(' ');
  const first = ids[0] ?? 'name';
  const found = state.entities.filter((e) => pyEquals(e.attributes[first] ?? null, properties[first]));
  const entity = found[0];
  if (found.length > 1) throw new StatusError(500, `Duplicate (${found.length}) entities with ${first}=${pyStr(properties[first])}`);
  if (!entity) throw new StatusError(404, `No entity with ${shown}`);
  if (ids.some((k) => !pyEquals(entity.attributes[k], properties[k]))) throw new StatusError(400, `Conflicting ${shown}`);
  if (requested && !isA(entity.type, requested)) {
    throw new StatusError(400, `Entity type '${entity.type.longType}' does not extend requested type '${requested.longType}'`);
  }
  return entity;
}

function read(entity: PyEntity, request: ManagementRequest): ManagementReply {
  const typeProp = request.properties['type'];
  const requested = pyTruthy(typeProp) ? longName(pyStr(typeProp)) : undefined;
  if (requested && entity.type.longType !== requested) {
    throw new StatusError(404, `Entity type '${entity.type.longType}' does match requested type '${requested}'`);
  }
  return reply(200, structuredClone(entity.attributes));
}

/**
 * EntityAdapter.update: unchanged values of non-updatable attributes pass; the merge (`null`
 * removes) is validated, assigned, and only then handed to C — so a C refusal leaves the merged
 * values visible to READ while the data plane keeps the old ones.
 */
function update(entity: PyEntity, request: ManagementRequest): ManagementReply {
  const body = request.body;
  if (!isPlainObject(body)) throw new PythonException('AttributeError', `'${pyTypeName(body)}' object has no attribute 'items'`);
  for (const [name, value] of Object.entries(body)) {
    const attr = attributeOf(entity.type, name);
    if (!attr.update && !(name in entity.attributes && pyEqualsStored(entity.attributes[name], value, attr))) {
      throw new SchemaValidationError(`Cannot update attribute '${name}' in UPDATE`);
    }
  }
  const merged = validateAttributes(entity.type, { ...entity.attributes, ...body });
  entity.attributes = merged;
  reconfigureEntity(entity);
  return reply(200, structuredClone(merged));
}

function remove(state: RouterState, entity: PyEntity): ManagementReply {
  unconfigureEntity(state, entity);
  removeEntity(state, entity);
  return reply(204, {});
}

function dispatch(state: RouterState, request: ManagementRequest): ManagementReply {
  const operation = request.properties['operation'];
  if (operation === undefined) {
    throw new StatusError(400, `No 'operation' property: Message(properties=${dictRepr(undefined, request.properties)}, body=${pyRepr(request.body)})`);
  }
  const op = pyStr(operation);
  if (op.toLowerCase() === 'create') return create(state, request);
  const target = findEntity(state, request);
  allowed(target.type, op);
  const method = op.toLowerCase().replaceAll('-', '_');
  switch (method) {
    case 'read':
      return read(target, request);
    case 'update':
      return update(target, request);
    case 'delete':
      return remove(state, target);
    default: {
      const result = target === state.entities[0] ? managementOperation(state, method, request) : undefined;
      if (!result) throw new StatusError(501, `Operation '${op}' not implemented on ${target.type.longType}`);
      return result;
    }
  }
}

/** Agent.receive without the transport: refresh, handle, map exceptions to statuses. */
export function handlePythonRequest(state: RouterState, request: ManagementRequest): ManagementReply {
  refreshEntities(state);
  try {
    return dispatch(state, request);
  } catch (e) {
    if (e instanceof StatusError) return reply(e.statusCode, {}, e.description);
    if (e instanceof SchemaValidationError) return reply(400, {}, e.message);
    if (e instanceof PythonException) return reply(500, {}, e.text);
    const error = e instanceof Error ? e : new Error(String(e));
    return reply(500, {}, `${error.name}: ${error.message}`);
  }
}
