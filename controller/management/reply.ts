/**
 * Turning a reply message into a result: only 200, 201 and 204 are success, every other
 * status becomes a {@link ManagementError} carrying what the request was about. A reply the
 * client cannot understand (no status code, a QUERY body of the wrong shape) is also a
 * ManagementError, with status code 0, so callers handle one failure type for "the router
 * answered, but not with what we asked for".
 */
import {
  ManagementError,
  SUCCESS_CODES,
  type Attributes,
  type ManagementOperation,
} from '../../reconcilers/management.js';

/** What a request was about; carried into every error. */
export interface RequestSubject {
  readonly operation: ManagementOperation;
  readonly entityType?: string | undefined;
  readonly entityName?: string | undefined;
}

export interface ManagementReply {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly applicationProperties: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

/** Status code used for replies that carry no usable status or a body of the wrong shape. */
export const UNREADABLE_REPLY = 0;

function statusOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function unreadable(subject: RequestSubject, problem: string): ManagementError {
  return new ManagementError({ ...subject, statusCode: UNREADABLE_REPLY, statusDescription: problem });
}

/**
 * Check a raw reply (application properties and body as rhea decoded them). Resolves the
 * reply when its status is a success code; throws a ManagementError otherwise.
 */
export function checkReply(subject: RequestSubject, applicationProperties: unknown, body: unknown): ManagementReply {
  const props = isRecord(applicationProperties) ? applicationProperties : {};
  const statusCode = statusOf(props.statusCode);
  const description = typeof props.statusDescription === 'string' ? props.statusDescription : '';
  if (statusCode === undefined) {
    throw unreadable(subject, `reply carries no statusCode${description === '' ? '' : ` (${description})`}`);
  }
  if (!SUCCESS_CODES.has(statusCode)) {
    throw new ManagementError({ ...subject, statusCode, statusDescription: description });
  }
  return { statusCode, statusDescription: description, applicationProperties: props, body };
}

/** The attribute map of a CREATE/READ/UPDATE reply (an empty body reads as no attributes). */
export function attributesOf(reply: ManagementReply): Attributes {
  return isRecord(reply.body) ? reply.body : {};
}

/** A map-of-lists body (GET-TYPES, GET-OPERATIONS). */
export function stringListsOf(subject: RequestSubject, reply: ManagementReply): Record<string, string[]> {
  if (!isRecord(reply.body)) throw unreadable(subject, 'reply body is not a map');
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(reply.body)) {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw unreadable(subject, `reply entry '${key}' is not a list of strings`);
    }
    out[key] = value;
  }
  return out;
}

/**
 * Rows of a QUERY reply as attribute maps, zipped against the attribute names of the *reply*:
 * the router may return other columns, or another order, than the request asked for.
 * Missing cells read as null, like the router's own unset columns.
 */
export function queryRows(subject: RequestSubject, reply: ManagementReply): Attributes[] {
  const body = reply.body;
  if (!isRecord(body)) throw unreadable(subject, 'QUERY reply body is not a map');
  const names = body.attributeNames;
  const results = body.results;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    throw unreadable(subject, 'QUERY reply has no list of attributeNames');
  }
  if (!Array.isArray(results)) throw unreadable(subject, 'QUERY reply has no list of results');
  return results.map((row: unknown, index) => {
    if (!Array.isArray(row)) throw unreadable(subject, `QUERY reply row ${index} is not a list`);
    const entity: Attributes = {};
    names.forEach((name: string, column) => {
      entity[name] = column < row.length ? row[column] : null;
    });
    return entity;
  });
}

/** The GET-SCHEMA body, typed as far as the client relies on it. */
export interface ManagementSchema {
  readonly prefix: string;
  readonly entityTypes: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly [key: string]: unknown;
}

export function schemaOf(subject: RequestSubject, reply: ManagementReply): ManagementSchema {
  const body = reply.body;
  if (!isRecord(body) || typeof body.prefix !== 'string' || !isRecord(body.entityTypes)) {
    throw unreadable(subject, 'GET-SCHEMA reply has no prefix and entityTypes');
  }
  return body as ManagementSchema;
}
