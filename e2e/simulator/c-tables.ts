/**
 * CREATE of the C core's configuration tables (`agent_config_address.c`,
 * `agent_config_auto_link.c`), used by the C agent and by the boot file. Each table has its own
 * name namespace; a prefix is stored as the pattern `<prefix>/#`, so a prefix and the equivalent
 * pattern collide ("Already exists").
 */
import { cRow } from './c-rows.js';
import { isPlainObject, pyStr, type Attributes } from './python-values.js';
import { reply, type ManagementReply, type ManagementRequest } from './request.js';
import type { CAutoLink, RouterState } from './state.js';

const MAX_PRIORITY = 9;
const TREATMENTS: Record<string, string | null> = { multicast: 'multicast', closest: 'closest', balanced: 'balanced', unavailable: null };

function validatePattern(field: unknown, isPrefix: boolean): { pattern?: string; error?: string } {
  const what = isPrefix ? 'Prefix' : 'Pattern';
  if (typeof field !== 'string' || field.length === 0) return { error: `${what} must be a non-empty string type` };
  const trimmed = field.replace(/^[./]+/, '').replace(/[./]+$/, '');
  if (trimmed === '') return { error: `${what} invalid - no tokens` };
  return { pattern: isPrefix ? `${trimmed}/#` : trimmed };
}

function asLong(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** qdra_config_address_create_CT; returns the new row index or the error description. */
export function createAddress(state: RouterState, name: string | null, body: unknown): number | string {
  if (name !== null && state.addresses.some((a) => a.name === name)) return 'Name conflicts with an existing entity';
  if (!isPlainObject(body)) return 'Body of request must be a map';
  const hasPrefix = body['prefix'] !== undefined;
  const hasPattern = body['pattern'] !== undefined;
  if (!hasPrefix && !hasPattern) return "Either a 'prefix' or 'pattern' attribute must be provided";
  if (hasPrefix && hasPattern) return "Cannot specify both a 'prefix' and a 'pattern' attribute";
  const { pattern, error } = validatePattern(hasPrefix ? body['prefix'] : body['pattern'], hasPrefix);
  if (pattern === undefined) return error ?? 'invalid pattern';
  const priority = body['priority'] === undefined ? -1 : asLong(body['priority']);
  if (priority > MAX_PRIORITY) return 'Priority value, if present, must be between 0 and QDR_MAX_PRIORITY';
  if (state.addresses.some((a) => a.pattern === pattern)) return 'Already exists';
  const distribution = body['distribution'];
  state.addresses.push({
    name,
    identity: state.coreIdentity(),
    pattern,
    isPrefix: hasPrefix,
    distribution: typeof distribution === 'string' && distribution in TREATMENTS ? (TREATMENTS[distribution] ?? null) : 'balanced',
    priority,
  });
  return state.addresses.length - 1;
}

function field(body: Attributes, name: string, old?: string): unknown {
  return body[name] ?? (old === undefined ? undefined : body[old]);
}

/** qdra_config_auto_link_create_CT; returns the new row index or the error description. */
export function createAutoLink(state: RouterState, name: string | null, body: unknown): number | string {
  if (name !== null && state.autoLinks.some((l) => l.name === name)) return 'Name conflicts with an existing entity';
  if (!isPlainObject(body)) return 'Body of request must be a map';
  const address = field(body, 'address', 'addr');
  const direction = field(body, 'direction', 'dir');
  const connection = body['connection'];
  const containerId = body['containerId'];
  if (connection !== undefined && containerId !== undefined) {
    return 'Both connection and containerId cannot be specified. Specify only one';
  }
  if (address === undefined || direction === undefined) return 'address and direction fields are mandatory';
  if (direction !== 'in' && direction !== 'out') return "Invalid value for 'direction'";
  const phase = body['phase'] === undefined ? (direction === 'out' ? 0 : 1) : asLong(body['phase']);
  if (phase < 0 || phase > 9) return 'autoLink phase must be between 0 and 9';
  const external = field(body, 'externalAddress', 'externalAddr');
  const link: CAutoLink = {
    name,
    identity: state.coreIdentity(),
    address: pyStr(address),
    direction,
    containerId: containerId === undefined ? null : pyStr(containerId),
    connection: connection === undefined ? null : pyStr(connection),
    externalAddress: external === undefined ? null : pyStr(external),
  };
  state.autoLinks.push(link);
  return state.autoLinks.length - 1;
}

function requestName(request: ManagementRequest): string | null {
  const name = request.properties['name'];
  return name === undefined || name === null ? null : pyStr(name);
}

function answer(state: RouterState, longType: string, result: number | string): ManagementReply {
  return typeof result === 'string' ? reply(400, null, result) : reply(201, cRow(state, longType, result));
}

export function addAddress(state: RouterState, request: ManagementRequest): ManagementReply {
  return answer(state, 'io.skupper.router.router.config.address', createAddress(state, requestName(request), request.body));
}

export function addAutoLink(state: RouterState, request: ManagementRequest): ManagementReply {
  return answer(state, 'io.skupper.router.router.config.autoLink', createAutoLink(state, requestName(request), request.body));
}
