/**
 * Replies of the agent APIs → the config text handed to `loadConfig`.
 *
 * v1: `{success, data: {microserviceUuid, config}}` or `{success: false, error: {code, message,
 * details}}`; a 2xx body that is not an envelope is the payload itself (as the Go SDK reads it).
 * v2: `{status: "okay", config: "<JSON string>"}`.
 * `config` may be an object or a JSON string. A string is passed on as-is, so error positions
 * point into the text the Controller stored; an object is pretty-printed for the same reason.
 */
import { EdgeletError, type EdgeletErrorKind } from './errors.js';
import type { HttpReply } from './endpoint.js';

export interface FetchedConfig {
  /** The config as JSON text. */
  readonly text: string;
  /** Where it came from. */
  readonly url: string;
  /** v1: the identity the Edgelet saw in the token. */
  readonly microserviceUuid?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

function kindOf(status: number): EdgeletErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  return 'http';
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** An error reply (non-2xx, or `success: false`) as an {@link EdgeletError}. */
export function replyError(what: string, reply: HttpReply, body: unknown): EdgeletError {
  const envelope = isObject(body) && isObject(body['error']) ? body['error'] : undefined;
  const code = typeof envelope?.['code'] === 'string' ? envelope['code'] : undefined;
  const message =
    typeof envelope?.['message'] === 'string'
      ? envelope['message']
      : isObject(body) && typeof body['message'] === 'string'
        ? body['message']
        : excerpt(reply.text) || 'no message';
  const status = reply.status >= 200 && reply.status < 300 ? undefined : reply.status;
  const head = [status, code].filter((p) => p !== undefined).join(' ');
  return new EdgeletError(`${what}: ${head ? `${head}: ` : ''}${message} (${reply.url})`, {
    kind: status === undefined ? 'envelope' : kindOf(status),
    url: reply.url,
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(envelope?.['details'] !== undefined ? { details: envelope['details'] } : {}),
  });
}

/** The `config` field → JSON text, or an error naming what is wrong with it. */
export function configText(value: unknown, url: string): string {
  const fail = (message: string, kind: EdgeletErrorKind = 'envelope') =>
    new EdgeletError(`edgelet config: ${message} (${url})`, { kind, url });
  if (value === undefined) throw fail('the reply has no field "config"');
  // From here on the Edgelet served a config: one that cannot be used is invalid input, whatever its type.
  if (value === null) throw fail('field "config" is null, not an object', 'invalid-config');
  if (typeof value === 'string') {
    if (value.trim().length === 0) throw fail('field "config" is empty', 'not-found');
    const parsed = parseJson(value);
    if (!parsed.ok) throw fail(`field "config" is not JSON: ${parsed.message}`, 'invalid-config');
    if (typeof parsed.value !== 'object' || parsed.value === null) {
      throw fail(`field "config" is a JSON string holding ${typeName(parsed.value)}, not an object`, 'invalid-config');
    }
    return value;
  }
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  throw fail(`field "config" must be an object or a JSON string, not ${typeName(value)}`, 'invalid-config');
}

function parseBody(what: string, reply: HttpReply): unknown {
  const parsed = parseJson(reply.text);
  const ok = reply.status >= 200 && reply.status < 300;
  if (!ok) return parsed.ok ? parsed.value : undefined;
  if (!parsed.ok) {
    throw new EdgeletError(`${what}: the reply is not JSON: ${parsed.message} (${reply.url})`, { kind: 'envelope', url: reply.url, status: reply.status });
  }
  return parsed.value;
}

export function parseV1Reply(reply: HttpReply): FetchedConfig {
  const what = 'edgelet config';
  const body = parseBody(what, reply);
  const envelope = isObject(body) && typeof body['success'] === 'boolean';
  if (reply.status < 200 || reply.status >= 300 || (envelope && body['success'] === false)) throw replyError(what, reply, body);
  const data = envelope ? body['data'] : body;
  if (!isObject(data)) {
    throw new EdgeletError(`${what}: field "data" must be an object, not ${typeName(data)} (${reply.url})`, { kind: 'envelope', url: reply.url });
  }
  const uuid = data['microserviceUuid'];
  return { text: configText(data['config'], reply.url), url: reply.url, ...(typeof uuid === 'string' ? { microserviceUuid: uuid } : {}) };
}

export function parseV2Reply(reply: HttpReply): FetchedConfig {
  const what = 'ioFog agent config';
  const body = parseBody(what, reply);
  if (reply.status < 200 || reply.status >= 300) throw replyError(what, reply, body);
  if (!isObject(body)) {
    throw new EdgeletError(`${what}: the reply must be an object, not ${typeName(body)} (${reply.url})`, { kind: 'envelope', url: reply.url });
  }
  return { text: configText(body['config'], reply.url), url: reply.url };
}
