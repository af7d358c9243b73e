/**
 * The C core's management agent (`agent.c`, `management_agent.c`): it takes only exact uppercase
 * CREATE/READ/UPDATE/DELETE/QUERY on six long type names and answers from the core's own tables.
 * Names are unique per table only; identities are core counters; QUERY honours count/offset and
 * turns an unknown column into column 0; some operations are never answered at all.
 */
import { addAddress, addAutoLink } from './c-tables.js';
import { ADDRESS, AUTO_LINK, COLUMNS, CONNECTION, LINK, METRICS, ROUTER_ADDRESS, cRow, rowCount } from './c-rows.js';
import { isPlainObject, pyStr } from './python-values.js';
import { reply, type ManagementReply, type ManagementRequest } from './request.js';
import type { RouterState } from './state.js';

const OPERATIONS = ['QUERY', 'CREATE', 'READ', 'UPDATE', 'DELETE'] as const;
type COperation = (typeof OPERATIONS)[number];
const MAX_COLUMNS = 64;

export interface CTarget {
  readonly longType: string;
  readonly operation: COperation;
}

/** qd_can_handle_request: entityType (else type) must be one of the C long names, operation exact. */
export function cAgentTarget(properties: Readonly<Record<string, unknown>>): CTarget | undefined {
  const typeName = 'entityType' in properties ? properties['entityType'] : properties['type'];
  const operation = properties['operation'];
  if (typeof typeName !== 'string' || typeof operation !== 'string') return undefined;
  if (![ADDRESS, AUTO_LINK, METRICS, CONNECTION, LINK, ROUTER_ADDRESS].includes(typeName)) return undefined;
  if (!(OPERATIONS as readonly string[]).includes(operation)) return undefined;
  return { longType: typeName, operation: operation as COperation };
}

/** qdr_agent_set_columns: an unknown name stays at the zero-initialised column 0. */
function selectColumns(all: readonly string[], body: unknown): number[] {
  const names = isPlainObject(body) ? body['attributeNames'] : undefined;
  if (!Array.isArray(names) || names.length === 0 || names.length >= MAX_COLUMNS) return all.map((_, i) => i);
  return names.map((n) => (typeof n === 'string' ? Math.max(0, all.indexOf(n)) : -1));
}

function query(state: RouterState, target: CTarget, request: ManagementRequest): ManagementReply {
  const all = COLUMNS[target.longType] ?? [];
  const columns = selectColumns(all, request.body);
  const count = Number(request.properties['count'] ?? -1);
  const offset = Math.max(0, Number(request.properties['offset'] ?? 0) || 0);
  const results: unknown[][] = [];
  for (let i = offset; i < rowCount(state, target.longType); i++) {
    if (count > 0 && results.length >= count) break;
    const row = cRow(state, target.longType, i);
    results.push(columns.map((c) => (c < 0 ? null : (row[all[c] ?? ''] ?? null))));
  }
  return reply(200, { attributeNames: columns.filter((c) => c >= 0).map((c) => all[c]), results });
}

function findIndex(state: RouterState, longType: string, properties: Readonly<Record<string, unknown>>): number {
  const identity = properties['identity'];
  const name = properties['name'];
  for (let i = 0; i < rowCount(state, longType); i++) {
    const row = cRow(state, longType, i);
    if (identity !== undefined && identity !== null ? row['identity'] === pyStr(identity) : row['name'] === pyStr(name)) return i;
  }
  return -1;
}

function hasId(properties: Readonly<Record<string, unknown>>): boolean {
  return ['name', 'identity'].some((k) => properties[k] !== undefined && properties[k] !== null);
}

function read(state: RouterState, target: CTarget, request: ManagementRequest): ManagementReply {
  if (!hasId(request.properties)) return reply(400, {}, 'No name or identity provided');
  const index = findIndex(state, target.longType, request.properties);
  return index < 0 ? reply(404, {}) : reply(200, cRow(state, target.longType, index));
}

function remove(state: RouterState, target: CTarget, request: ManagementRequest): ManagementReply {
  if (!hasId(request.properties)) return reply(400, {}, 'No name or identity provided');
  const index = findIndex(state, target.longType, request.properties);
  if (index < 0) return reply(404, {});
  (target.longType === ADDRESS ? state.addresses : state.autoLinks).splice(index, 1);
  return reply(204, {});
}

function updateConnection(state: RouterState, request: ManagementRequest): ManagementReply {
  const index = findIndex(state, CONNECTION, request.properties);
  const connection = state.connections[index];
  if (!connection) return reply(404, null);
  const row = cRow(state, CONNECTION, index);
  if (isPlainObject(request.body) && request.body['adminStatus'] === 'deleted') setImmediate(connection.close);
  return reply(200, row);
}

/** Answers a C-agent request; undefined for the requests 3.5.1 never answers. */
export function handleCRequest(state: RouterState, target: CTarget, request: ManagementRequest): ManagementReply | undefined {
  const { longType, operation } = target;
  const table = longType === ADDRESS || longType === AUTO_LINK;
  const forbidden = reply(403, operation === 'DELETE' ? {} : null);
  switch (operation) {
    case 'QUERY':
      return query(state, target, request);
    case 'READ':
      if (longType === LINK) return undefined;
      if (longType === METRICS) return forbidden;
      return read(state, target, request);
    case 'CREATE':
      if (longType === ADDRESS) return addAddress(state, request);
      if (longType === AUTO_LINK) return addAutoLink(state, request);
      return longType === CONNECTION || longType === ROUTER_ADDRESS ? undefined : forbidden;
    case 'UPDATE':
      if (table || longType === ROUTER_ADDRESS) return undefined;
      return longType === CONNECTION ? updateConnection(state, request) : forbidden;
    case 'DELETE':
      if (table) return remove(state, target, request);
      return longType === ROUTER_ADDRESS ? undefined : forbidden;
  }
}
