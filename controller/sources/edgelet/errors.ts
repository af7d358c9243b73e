/** The one error class of the Edgelet client: what went wrong, where, and whether retrying can help. */

/**
 * - `identity`: no microservice identity configured (EDGELET_MICROSERVICE_UID / SELFNAME);
 * - `auth-material`: the service-account token or CA file cannot be used;
 * - `unreachable`: no host answered (DNS, refused, timeout, reset);
 * - `tls`: a host answered but its certificate was refused;
 * - `unauthorized` (401), `forbidden` (403), `not-found` (404: no config stored yet);
 * - `http`: any other non-success status;
 * - `envelope`: the reply is not what the API promises;
 * - `invalid-config`: the reply is fine but the config it carries is not JSON;
 * - `too-large`: the reply is bigger than any config within `CONFIG_MAX_BYTES` needs.
 */
export type EdgeletErrorKind =
  | 'identity'
  | 'auth-material'
  | 'unreachable'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'http'
  | 'envelope'
  | 'invalid-config'
  | 'too-large';

export interface EdgeletErrorData {
  readonly kind: EdgeletErrorKind;
  /** The URL (or file) concerned. */
  readonly url?: string;
  readonly status?: number;
  /** `error.code` of the Edgelet envelope (`UNAUTHORIZED`, `NOT_FOUND`, ...). */
  readonly code?: string;
  readonly details?: unknown;
}

/** Kinds that waiting may fix (the agent starting up, a config not synced yet, a flapping network). */
const TRANSIENT: ReadonlySet<EdgeletErrorKind> = new Set(['unreachable', 'not-found', 'http']);

export class EdgeletError extends Error {
  readonly kind: EdgeletErrorKind;
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly details: unknown;

  constructor(message: string, data: EdgeletErrorData, options?: ErrorOptions) {
    super(message, options);
    this.kind = data.kind;
    this.url = data.url;
    this.status = data.status;
    this.code = data.code;
    this.details = data.details;
  }

  override get name(): string {
    return 'EdgeletError';
  }

  /** Worth retrying soon: unreachable, 404, 5xx. */
  get transient(): boolean {
    return TRANSIENT.has(this.kind) && (this.kind !== 'http' || (this.status ?? 0) >= 500);
  }

  /** Retrying cannot help until the input changes (bad identity, a config that is not JSON or too big). */
  get terminal(): boolean {
    return this.kind === 'identity' || this.kind === 'invalid-config' || this.kind === 'too-large';
  }
}

/** Short description of any thrown value, for messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
