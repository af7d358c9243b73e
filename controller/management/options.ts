/**
 * Options of the management client: documented with their defaults, defaulted once in
 * {@link resolveOptions}, and validated there so a bad value fails at construction with the
 * option's name instead of as a confusing connection error later.
 */
import { randomUUID } from 'node:crypto';
import { NOOP_LOGGER, type ManagementLogger } from './logger.js';

/** TLS material for the secured management channel (PEM buffers, never paths). */
export interface ManagementTlsOptions {
  /** CA certificate(s) that sign the router's certificate. Default: Node's built-in CAs. */
  readonly ca?: Buffer | readonly Buffer[];
  /** Client certificate; when given, SASL defaults to EXTERNAL. */
  readonly cert?: Buffer;
  /** Private key of `cert`. Required when `cert` is given. */
  readonly key?: Buffer;
  /** Server name for SNI and certificate verification. Default: the URL's host. */
  readonly servername?: string;
  /** Verify the router's certificate. Default: true. */
  readonly rejectUnauthorized?: boolean;
}

/** How the client authenticates: ANONYMOUS over plain TCP, EXTERNAL with a client certificate. */
export type SaslMechanism = 'ANONYMOUS' | 'EXTERNAL';

export interface ManagementClientOptions {
  /** `amqp://host[:port]` (port 5672) or `amqps://host[:port]` (port 5671). Required. */
  readonly url: string;
  /** Address of the management node. Default `$management`. */
  readonly address?: string;
  /** Requests sent and not yet answered, at most. Requests beyond it queue. Default 32. */
  readonly maxInFlight?: number;
  /** Per-request timeout in ms, counted from the call (waiting for a connection included). Default 10,000. */
  readonly timeoutMs?: number;
  /** A connection attempt that has not opened both links within this many ms is abandoned. Default 10,000. */
  readonly connectTimeoutMs?: number;
  /**
   * Ask the router to send a frame at least this often (AMQP idle timeout, ms), so a router
   * that vanished without closing the socket is noticed. 0 disables. Default 16,000 (the
   * router's own listener default).
   */
  readonly idleTimeoutMs?: number;
  /** On close, how long to wait for the router's close frame before destroying the socket. Default 2,000. */
  readonly closeTimeoutMs?: number;
  /** First reconnect delay in ms; doubles on every failed attempt. Default 250. */
  readonly reconnectInitialDelayMs?: number;
  /** Upper bound of the reconnect delay in ms. Default 10,000. */
  readonly reconnectMaxDelayMs?: number;
  /** Fraction (0..1) by which each reconnect delay is randomly shortened, so clients do not stampede. Default 0.2. */
  readonly reconnectJitter?: number;
  /** TLS settings; only with an `amqps://` URL. Default: none. */
  readonly tls?: ManagementTlsOptions;
  /** SASL mechanism. Default: EXTERNAL when `tls.cert` is given, ANONYMOUS otherwise. */
  readonly sasl?: SaslMechanism;
  /** AMQP container id the router sees. Default `iofog-router-mgmt-<random>`. */
  readonly containerId?: string;
  /** Where the client logs. Default: nothing is logged. */
  readonly logger?: ManagementLogger;
  /**
   * Start connecting in the constructor. Default true; false waits for `connect()` (a supervisor
   * first makes sure the router on the management port is its own).
   */
  readonly connectNow?: boolean;
}

/** Options after defaults were applied and validation passed. */
export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly address: string;
  readonly maxInFlight: number;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly reconnect: { readonly initialDelayMs: number; readonly maxDelayMs: number; readonly jitter: number };
  readonly tls: ManagementTlsOptions | undefined;
  readonly sasl: SaslMechanism;
  readonly containerId: string;
  readonly logger: ManagementLogger;
}

/** An option, or an argument of a call, has a value the client cannot work with; `option` names it. */
export class ManagementOptionError extends Error {
  readonly option: string;
  readonly value: unknown;

  constructor(option: string, value: unknown, problem: string, options?: ErrorOptions) {
    super(`management client: '${option}' ${problem} (got ${JSON.stringify(value) ?? String(value)})`, options);
    this.option = option;
    this.value = value;
  }

  override get name(): string {
    return 'ManagementOptionError';
  }
}

function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new ManagementOptionError(option, value, 'must be a positive integer');
  return v;
}

function parseUrl(url: string, hasTls: boolean): { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ManagementOptionError('url', url, 'is not a URL', { cause });
  }
  const secure = parsed.protocol === 'amqps:';
  if (!secure && parsed.protocol !== 'amqp:') {
    throw new ManagementOptionError('url', url, 'must use the amqp:// or amqps:// scheme');
  }
  if (parsed.hostname === '') throw new ManagementOptionError('url', url, 'has no host');
  if (hasTls && !secure) throw new ManagementOptionError('url', url, 'must be amqps:// when tls options are given');
  // URL keeps the brackets of an IPv6 literal; net.connect wants the bare address.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: parsed.port === '' ? (secure ? 5671 : 5672) : Number(parsed.port) };
}

/** Apply the defaults and validate; throws {@link ManagementOptionError} naming the bad option. */
export function resolveOptions(options: ManagementClientOptions): ResolvedOptions {
  if (typeof options.url !== 'string') throw new ManagementOptionError('url', options.url, 'is required');
  const { host, port } = parseUrl(options.url, options.tls !== undefined);
  const reconnect = {
    initialDelayMs: positiveInteger('reconnectInitialDelayMs', options.reconnectInitialDelayMs, 250),
    maxDelayMs: positiveInteger('reconnectMaxDelayMs', options.reconnectMaxDelayMs, 10_000),
    jitter: options.reconnectJitter ?? 0.2,
  };
  if (reconnect.maxDelayMs < reconnect.initialDelayMs) {
    throw new ManagementOptionError('reconnectMaxDelayMs', reconnect.maxDelayMs, 'must be ≥ reconnectInitialDelayMs');
  }
  if (!(reconnect.jitter >= 0 && reconnect.jitter <= 1)) {
    throw new ManagementOptionError('reconnectJitter', options.reconnectJitter, 'must be between 0 and 1');
  }
  const tls = options.tls;
  if (tls !== undefined && (tls.cert === undefined) !== (tls.key === undefined)) {
    throw new ManagementOptionError('tls', tls.cert === undefined ? 'key' : 'cert', 'needs both cert and key');
  }
  const sasl = options.sasl ?? (tls?.cert === undefined ? 'ANONYMOUS' : 'EXTERNAL');
  if (sasl !== 'ANONYMOUS' && sasl !== 'EXTERNAL') {
    throw new ManagementOptionError('sasl', sasl, 'must be ANONYMOUS or EXTERNAL');
  }
  if (sasl === 'EXTERNAL' && tls?.cert === undefined) {
    throw new ManagementOptionError('sasl', sasl, 'EXTERNAL needs a client certificate (tls.cert and tls.key)');
  }
  const idleTimeoutMs = options.idleTimeoutMs ?? 16_000;
  if (!Number.isInteger(idleTimeoutMs) || idleTimeoutMs < 0) {
    throw new ManagementOptionError('idleTimeoutMs', options.idleTimeoutMs, 'must be 0 or a positive integer');
  }
  const address = options.address ?? '$management';
  if (address === '') throw new ManagementOptionError('address', address, 'must not be empty');
  return {
    host,
    port,
    address,
    maxInFlight: positiveInteger('maxInFlight', options.maxInFlight, 32),
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, 10_000),
    connectTimeoutMs: positiveInteger('connectTimeoutMs', options.connectTimeoutMs, 10_000),
    closeTimeoutMs: positiveInteger('closeTimeoutMs', options.closeTimeoutMs, 2_000),
    idleTimeoutMs,
    reconnect,
    tls,
    sasl,
    containerId: options.containerId ?? `iofog-router-mgmt-${randomUUID()}`,
    logger: options.logger ?? NOOP_LOGGER,
  };
}
