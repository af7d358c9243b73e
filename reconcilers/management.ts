/**
 * The management contract between the pure reconciler and the AMQP client that implements it
 * (`controller/management/`). The apply step only ever talks to this interface, so it can be
 * tested against an in-memory router and run against skrouterd unchanged.
 */

export type ManagementOperation =
  | 'CREATE'
  | 'READ'
  | 'UPDATE'
  | 'DELETE'
  | 'QUERY'
  | 'GET-SCHEMA'
  | 'GET-TYPES'
  | 'GET-OPERATIONS';

/** Attribute map as the router sends it. */
export type Attributes = Record<string, unknown>;

export interface Management {
  /** CREATE; resolves with the router's full attribute map (defaults filled in). */
  create(longType: string, name: string, attributes: Attributes): Promise<Attributes>;
  read(longType: string, name: string): Promise<Attributes>;
  /** UPDATE merges: omitted attributes keep their value, `null` clears one. */
  update(longType: string, name: string, attributes: Attributes): Promise<Attributes>;
  /** DELETE; a 404 is reported as a ManagementError like any other failure. */
  delete(longType: string, name: string): Promise<void>;
  /** QUERY one type; rows are zipped against the attribute names of the reply. */
  query(longType: string, attributeNames?: readonly string[]): Promise<Attributes[]>;
}

/** Status codes that mean success; everything else is a ManagementError. */
export const SUCCESS_CODES: ReadonlySet<number> = new Set([200, 201, 204]);

export interface ManagementErrorData {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly operation: ManagementOperation;
  /** Long type name the request was about. */
  readonly entityType?: string | undefined;
  /** Entity name the request was about. */
  readonly entityName?: string | undefined;
}

/** A reply from the router with a non-2xx status. */
export class ManagementError extends Error implements ManagementErrorData {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly operation: ManagementOperation;
  readonly entityType: string | undefined;
  readonly entityName: string | undefined;

  constructor(data: ManagementErrorData, options?: ErrorOptions) {
    const named = data.entityName === undefined ? '' : ` '${data.entityName}'`;
    const target = data.entityType === undefined ? '' : ` ${data.entityType}${named}`;
    super(`${data.operation}${target} failed: ${data.statusCode} ${data.statusDescription}`, options);
    this.statusCode = data.statusCode;
    this.statusDescription = data.statusDescription;
    this.operation = data.operation;
    this.entityType = data.entityType;
    this.entityName = data.entityName;
  }

  override get name(): string {
    return 'ManagementError';
  }

  /** 404: no entity with that name (a DELETE answered 404 means "already gone"). */
  get notFound(): boolean {
    return this.statusCode === 404;
  }

  /** 400 on CREATE whose description says the name is taken. */
  get duplicate(): boolean {
    return (
      this.statusCode === 400 &&
      this.operation === 'CREATE' &&
      /duplicates unique attribute|conflicts with an existing entity|already exists/i.test(this.statusDescription)
    );
  }

  /** 501: the type does not support the operation; retrying cannot help. */
  get notImplemented(): boolean {
    return this.statusCode === 501;
  }

  /** 500 CError: the data plane refused the configuration (missing profile, bad TCP settings, ...). */
  get dataPlaneRejection(): boolean {
    return this.statusCode === 500 && this.statusDescription.startsWith('CError');
  }
}

/** The request could not complete: no reply in time, or the connection went away. Safe to retry. */
export class ManagementUnavailableError extends Error {
  readonly operation: ManagementOperation;
  readonly reason: 'timeout' | 'disconnected' | 'closed';

  constructor(operation: ManagementOperation, reason: 'timeout' | 'disconnected' | 'closed', options?: ErrorOptions) {
    super(`${operation} did not complete: ${reason}`, options);
    this.operation = operation;
    this.reason = reason;
  }

  override get name(): string {
    return 'ManagementUnavailableError';
  }
}
