/**
 * Every setting of the controller: its environment variable, its default and what it means.
 * `controller/settings.ts` is the only reader of the environment; the README table is checked
 * against this list by a test, so the two cannot drift apart.
 */
import { Type, type Static } from '@sinclair/typebox';

export const PLATFORMS = ['pot', 'iofog', 'kubernetes'] as const;
export const RESTART_POLICIES = ['auto', 'never'] as const;
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const EDGELET_APIS = ['auto', 'v1', 'v2'] as const;
/** How the management listener of a supervised router is protected (see controller/tls/management-credentials.ts). */
export const MANAGEMENT_AUTHS = ['mtls', 'none'] as const;
/** How far `oldestValidOrdinal` follows a certificate rotation (see reconcilers/ssl-profiles.ts). */
export const OLDEST_VALID_ORDINALS = ['keep', 'previous', 'current'] as const;

export interface SettingDefinition {
  /** Environment variable. */
  readonly env: string;
  /** Key in the settings object. */
  readonly key: keyof Settings;
  /** How the text of the variable is parsed; ranges and enums are checked by {@link SettingsSchema}. */
  readonly type: 'string' | 'integer' | 'boolean' | 'list' | 'enum';
  /** Default as written in the README; `undefined` means unset. */
  readonly default?: string;
  readonly description: string;
}

export const SETTINGS: readonly SettingDefinition[] = [
  {
    env: 'SKUPPER_PLATFORM',
    key: 'platform',
    type: 'enum',
    default: 'pot',
    description: 'Where the desired state comes from: `pot` (Edgelet LocalAPI; `iofog` is an alias) or `kubernetes` (the file at `QDROUTERD_CONF`).',
  },
  {
    env: 'QDROUTERD_CONF',
    key: 'configFile',
    type: 'string',
    default: '/tmp/skrouterd.json',
    description: 'kubernetes: the desired skrouterd config file (watched). pot: where the desired config is written for the router to boot from.',
  },
  {
    env: 'QDROUTERD_HOME',
    key: 'routerHome',
    type: 'string',
    default: '/home/skrouterd',
    description: 'Working directory of the router process.',
  },
  {
    env: 'ROUTER_BOOT_FILE',
    key: 'bootFile',
    type: 'string',
    description: 'File the router boots from (desired state plus the management listener). Default: `QDROUTERD_CONF` in pot mode, `/tmp/skrouterd-boot.json` in kubernetes mode. Keep it out of the directory of `QDROUTERD_CONF` in kubernetes mode (a warning says so): each rewrite would wake the watcher of that directory.',
  },
  {
    env: 'SSL_PROFILE_PATH',
    key: 'sslProfilePath',
    type: 'string',
    default: '/etc/skupper-router-certs',
    description: 'Directory of TLS material: one sub-directory per sslProfile.',
  },
  {
    env: 'EDGELET_MICROSERVICE_UID',
    key: 'microserviceUid',
    type: 'string',
    description: 'Identity of this workload on the Edgelet (required in pot mode).',
  },
  {
    env: 'SSL',
    key: 'ssl',
    type: 'boolean',
    description: 'Use TLS towards the Edgelet LocalAPI. Default: true for the v1 API, false for the legacy v2 agent API.',
  },
  {
    env: 'EDGELET_API',
    key: 'edgeletApi',
    type: 'enum',
    default: 'auto',
    description: 'pot: `v1` (Edgelet LocalAPI), `v2` (legacy ioFog agent) or `auto` (v2 when there is no service-account token and `SELFNAME` is set).',
  },
  {
    env: 'EDGELET_HOST',
    key: 'edgeletHost',
    type: 'string',
    description: 'pot: host of the LocalAPI. Default: `edgelet.default.svc.bridge.local` (v1), `iofog` (v2).',
  },
  {
    env: 'EDGELET_FALLBACK_HOSTS',
    key: 'edgeletFallbackHosts',
    type: 'list',
    default: '127.0.0.1',
    description: 'pot: comma-separated hosts tried when `EDGELET_HOST` cannot be reached.',
  },
  {
    env: 'EDGELET_PORT',
    key: 'edgeletPort',
    type: 'integer',
    default: '54321',
    description: 'pot: port of the LocalAPI.',
  },
  {
    env: 'EDGELET_TOKEN_DIR',
    key: 'edgeletTokenDir',
    type: 'string',
    default: '/var/run/secrets/edgelet.iofog.org/serviceaccount',
    description: 'pot v1: directory of the service-account `token` (read fresh for every request) and `ca.crt`.',
  },
  {
    env: 'EDGELET_TLS_SERVER_NAME',
    key: 'edgeletServerName',
    type: 'string',
    description: 'pot v1: certificate name to expect whatever host is dialled (e.g. when falling back to 127.0.0.1).',
  },
  {
    env: 'SELFNAME',
    key: 'selfName',
    type: 'string',
    description: 'pot v2: identity of this workload on the legacy ioFog agent.',
  },
  {
    env: 'EDGELET_POLL_SECONDS',
    key: 'edgeletPollSeconds',
    type: 'integer',
    default: '60',
    description: 'pot: safety-net refetch period, for control signals lost while the websocket was down (0 = off).',
  },
  {
    env: 'SSL_OLDEST_VALID_ORDINAL',
    key: 'oldestValidOrdinal',
    type: 'enum',
    default: 'keep',
    description: 'On certificate rotation: `keep` leaves connections made with older certificates up; `previous` closes those two rotations old; `current` closes every older one.',
  },
  {
    env: 'SKROUTERD_BIN',
    key: 'routerBinary',
    type: 'string',
    description: 'Path of the skrouterd binary. Default: `skrouterd` on `PATH`, else `/usr/sbin/skrouterd`.',
  },
  {
    env: 'ROUTER_URL',
    key: 'routerUrl',
    type: 'string',
    description: 'Attach mode: manage the router already running at this `amqp://host:port` (or `amqps://host:port`, see `ROUTER_TLS_*`) instead of starting one (same as `run --router`).',
  },
  {
    env: 'ROUTER_MGMT_PORT',
    key: 'managementPort',
    type: 'integer',
    default: '55672',
    description: 'Port of the management listener the controller adds to the boot file (bound to 127.0.0.1 only).',
  },
  {
    env: 'MGMT_AUTH',
    key: 'managementAuth',
    type: 'enum',
    default: 'mtls',
    description: 'Supervised: `mtls` makes the controller\'s management listener require TLS and a client certificate (SASL EXTERNAL) from a CA generated at every start, so only this controller can use that listener; `none` makes it anonymous (still loopback only). Listeners of the desired config stay as open as they are configured. Attach mode: not used.',
  },
  {
    env: 'ROUTER_TLS_CA',
    key: 'routerTlsCa',
    type: 'string',
    description: 'Attach mode with an `amqps://` `ROUTER_URL`: PEM file of the CA that signed the router\'s certificate. Default: Node\'s built-in CAs.',
  },
  {
    env: 'ROUTER_TLS_CERT',
    key: 'routerTlsCert',
    type: 'string',
    description: 'Attach mode: PEM client certificate presented to the router (SASL EXTERNAL). Needs `ROUTER_TLS_KEY`.',
  },
  {
    env: 'ROUTER_TLS_KEY',
    key: 'routerTlsKey',
    type: 'string',
    description: 'Attach mode: PEM private key of `ROUTER_TLS_CERT`.',
  },
  {
    env: 'HTTP_PORT',
    key: 'httpPort',
    type: 'integer',
    default: '9191',
    description: 'Port of `/healthz`, `/readyz`, `/metrics` and `/status` (0 = any free port).',
  },
  {
    env: 'RESYNC_SECONDS',
    key: 'resyncSeconds',
    type: 'integer',
    default: '60',
    description: 'Period of the full resync pass (with ±10 % jitter).',
  },
  {
    env: 'FULL_READ_SECONDS',
    key: 'fullReadSeconds',
    type: 'integer',
    default: '600',
    description: 'Every pass QUERYs only the entity types in use (desired, or seen on the router); all 15 are read at least this often, to find foreign entities of types nobody uses. 0 = every pass reads every type.',
  },
  {
    env: 'DEBOUNCE_MS',
    key: 'debounceMs',
    type: 'integer',
    default: '100',
    description:
      'Quiet time that coalesces a burst of file changes: the first change after a quiet spell starts a pass at once; while changes keep arriving (events less than this apart) the next pass waits for this much quiet.',
  },
  {
    env: 'CONFIG_MAX_BYTES',
    key: 'configMaxBytes',
    type: 'integer',
    default: '4194304',
    description: 'Largest desired config accepted (UTF-8 bytes, 1 KiB – 256 MiB); a bigger one is rejected and the last good state stays applied.',
  },
  {
    env: 'CONFIG_MAX_ENTITIES',
    key: 'configMaxEntities',
    type: 'integer',
    default: '20000',
    description: 'Most entities a desired config may hold (1 – 1,000,000); more is rejected like a too-big file.',
  },
  {
    env: 'ROUTER_RESTART_POLICY',
    key: 'restartPolicy',
    type: 'enum',
    default: 'auto',
    description: 'Restart-only changes (router, site, policy, network.tenantId): `auto` restarts the router from a new boot file; `never` reports "restart pending".',
  },
  {
    env: 'IGNORE_NAMES',
    key: 'ignoreNames',
    type: 'list',
    default: 'auto-mesh*',
    description: 'Comma-separated name globs the controller never touches.',
  },
  {
    env: 'MGMT_TIMEOUT_MS',
    key: 'managementTimeoutMs',
    type: 'integer',
    default: '10000',
    description: 'Timeout of one management request.',
  },
  {
    env: 'MGMT_MAX_IN_FLIGHT',
    key: 'managementMaxInFlight',
    type: 'integer',
    default: '32',
    description: 'Most management requests in flight at once.',
  },
  {
    env: 'LIVENESS_TIMEOUT_SECONDS',
    key: 'livenessTimeoutSeconds',
    type: 'integer',
    default: '180',
    description: '`/healthz` fails when a pass is running and none of its steps (source read, router read, management operation) completed for this long. A long pass that keeps completing operations stays healthy.',
  },
  {
    env: 'LOG_LEVEL',
    key: 'logLevel',
    type: 'enum',
    default: 'info',
    description: 'Least severe level logged. JSON lines when stdout is not a terminal.',
  },
];

export const SettingsSchema = Type.Object({
  platform: Type.Union(PLATFORMS.map((p) => Type.Literal(p))),
  configFile: Type.String({ minLength: 1 }),
  routerHome: Type.String({ minLength: 1 }),
  bootFile: Type.Optional(Type.String({ minLength: 1 })),
  sslProfilePath: Type.String({ minLength: 1 }),
  microserviceUid: Type.Optional(Type.String({ minLength: 1 })),
  ssl: Type.Optional(Type.Boolean()),
  edgeletApi: Type.Union(EDGELET_APIS.map((p) => Type.Literal(p))),
  edgeletHost: Type.Optional(Type.String({ minLength: 1 })),
  edgeletFallbackHosts: Type.Array(Type.String({ minLength: 1 })),
  edgeletPort: Type.Integer({ minimum: 1, maximum: 65535 }),
  edgeletTokenDir: Type.String({ minLength: 1 }),
  edgeletServerName: Type.Optional(Type.String({ minLength: 1 })),
  selfName: Type.Optional(Type.String({ minLength: 1 })),
  edgeletPollSeconds: Type.Integer({ minimum: 0, maximum: 86400 }),
  oldestValidOrdinal: Type.Union(OLDEST_VALID_ORDINALS.map((p) => Type.Literal(p))),
  routerBinary: Type.Optional(Type.String({ minLength: 1 })),
  routerUrl: Type.Optional(Type.String({ pattern: '^amqps?://' })),
  managementPort: Type.Integer({ minimum: 1, maximum: 65535 }),
  managementAuth: Type.Union(MANAGEMENT_AUTHS.map((p) => Type.Literal(p))),
  routerTlsCa: Type.Optional(Type.String({ minLength: 1 })),
  routerTlsCert: Type.Optional(Type.String({ minLength: 1 })),
  routerTlsKey: Type.Optional(Type.String({ minLength: 1 })),
  httpPort: Type.Integer({ minimum: 0, maximum: 65535 }),
  resyncSeconds: Type.Integer({ minimum: 1, maximum: 86400 }),
  fullReadSeconds: Type.Integer({ minimum: 0, maximum: 604800 }),
  debounceMs: Type.Integer({ minimum: 0, maximum: 60000 }),
  configMaxBytes: Type.Integer({ minimum: 1024, maximum: 268435456 }),
  configMaxEntities: Type.Integer({ minimum: 1, maximum: 1000000 }),
  restartPolicy: Type.Union(RESTART_POLICIES.map((p) => Type.Literal(p))),
  ignoreNames: Type.Array(Type.String()),
  managementTimeoutMs: Type.Integer({ minimum: 100, maximum: 600000 }),
  managementMaxInFlight: Type.Integer({ minimum: 1, maximum: 1024 }),
  livenessTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 86400 }),
  logLevel: Type.Union(LOG_LEVELS.map((p) => Type.Literal(p))),
});
export type Settings = Static<typeof SettingsSchema>;

/** The README's settings table (markdown rows), generated from {@link SETTINGS}; a test keeps them equal. */
export function settingsTable(): string {
  const rows = SETTINGS.map((s) => `| \`${s.env}\` | ${s.default === undefined ? '(unset)' : `\`${s.default}\``} | ${s.description} |`);
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
