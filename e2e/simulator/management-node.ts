/**
 * The operations of the management node itself (`ManagementEntity` in agent.py): QUERY over the
 * Python agent's entities, GET-TYPES, GET-OPERATIONS, GET-ATTRIBUTES, GET-ANNOTATIONS,
 * GET-MGMT-NODES, GET-SCHEMA, GET-JSON-SCHEMA, GET-LOG and PROFILE.
 */
import { ALL_ATTRIBUTE_NAMES, TYPES, findType, isA, type TypeInfo } from './catalog.js';
import { pyInt } from './coerce.js';
import { PythonException, SchemaValidationError, StatusError } from './errors.js';
import { isPlainObject, pyRepr, pyStr, pyTruthy, pyTypeName } from './python-values.js';
import { reply, type ManagementReply, type ManagementRequest } from './request.js';
import { pythonJson, schemaDump } from './schema-dump.js';
import type { RouterState } from './state.js';

function requestedType(request: ManagementRequest): TypeInfo | undefined {
  const name = request.properties['entityType'];
  if (!pyTruthy(name)) return undefined;
  const type = findType(pyStr(name));
  if (!type) throw new SchemaValidationError(`No such entity type '${pyStr(name)}'`);
  return type;
}

function requestedNames(body: unknown): unknown {
  if (!isPlainObject(body)) throw new PythonException('AttributeError', `'${pyTypeName(body)}' object has no attribute 'get'`);
  return body['attributeNames'];
}

/**
 * ManagementEntity.query: every entity of the type (subtypes included), columns in the order
 * asked (or the type's own order), rows whose columns are all null left out. `count`/`offset`
 * are ignored, as the Python agent ignores them.
 */
function query(state: RouterState, request: ManagementRequest): ManagementReply {
  const type = requestedType(request);
  const all = type ? [...type.attributes.keys()] : ALL_ATTRIBUTE_NAMES;
  const asked = requestedNames(request.body);
  let names: string[];
  if (pyTruthy(asked)) {
    names = (Array.isArray(asked) ? asked : typeof asked === 'string' ? [...asked] : Object.keys(asked as object)).map((n) => pyStr(n));
    const unknown = [...new Set(names.filter((n) => !all.includes(n)))];
    if (unknown.length > 0) {
      throw new StatusError(404, `Unknown attributes ${pyRepr(unknown)}${type ? ` for type ${type.longType}` : ''}.`);
    }
  } else {
    names = [...all];
  }
  const results: unknown[][] = [];
  for (const entity of state.entities) {
    if (type && !isA(entity.type, type)) continue;
    const row = names.map((n) => entity.attributes[n] ?? null);
    if (row.some((v) => v !== null)) results.push(structuredClone(row));
  }
  return reply(200, { attributeNames: names, results });
}

function byType<T>(request: ManagementRequest, select: (t: TypeInfo, requested: TypeInfo | undefined) => boolean, value: (t: TypeInfo) => T): ManagementReply {
  const requested = requestedType(request);
  return reply(200, Object.fromEntries(TYPES.filter((t) => select(t, requested)).map((t) => [t.longType, value(t)])));
}

function intProperty(request: ManagementRequest, name: string): number | undefined {
  const value = request.properties[name];
  return value === undefined || value === null ? undefined : pyInt(value);
}

function profile(state: RouterState, request: ManagementRequest): ManagementReply {
  if ('start' in request.properties) {
    state.profiling = true;
    return reply(200, {});
  }
  if (!state.profiling) throw new StatusError(400, 'Profiler not started');
  if ('stop' in request.properties) {
    state.profiling = false;
    return reply(200, '');
  }
  throw new StatusError(400, 'Bad profile request');
}

/** Runs one management-node method (`get_types`, `query`, ...); undefined when there is none. */
export function managementOperation(state: RouterState, method: string, request: ManagementRequest): ManagementReply | undefined {
  switch (method) {
    case 'query':
      return query(state, request);
    case 'get_types':
      return byType(request, (t, r) => !r || isA(t, r), (t) => [...t.bases]);
    case 'get_operations':
      return byType(request, (t, r) => !r || t === r, (t) => [...t.operations]);
    case 'get_attributes':
      return byType(request, (t, r) => !r || t === r, (t) => [...t.attributes.keys()]);
    case 'get_annotations':
      return reply(200, {});
    case 'get_mgmt_nodes':
      return reply(
        200,
        state.entities.filter((e) => e.type.shortName === 'router.node').map((e) => `amqp:/_topo/0/${pyStr(e.attributes['id'])}/$management`),
      );
    case 'get_schema':
      return reply(200, schemaDump());
    case 'get_json_schema':
      return reply(200, pythonJson(schemaDump(), intProperty(request, 'indent')));
    case 'get_log':
      return reply(200, []);
    case 'profile':
      return profile(state, request);
    default:
      return undefined;
  }
}
