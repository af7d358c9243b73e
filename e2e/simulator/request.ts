/** A management request as the agents see it, and the reply they produce. */

export interface ManagementRequest {
  /** Application properties (operation, type, entityType, name, identity, count, offset, ...). */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

export interface ManagementReply {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly body: unknown;
}

/** The HTTP reason texts the router uses as the description of a success (and of bare errors). */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export function reply(statusCode: number, body: unknown, statusDescription?: string): ManagementReply {
  return { statusCode, statusDescription: statusDescription ?? STATUS_TEXT[statusCode] ?? String(statusCode), body };
}
