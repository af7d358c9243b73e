/**
 * The one place that reads the environment. Every value is parsed, defaulted and validated here,
 * then passed down as plain values; a bad value stops start-up with a message naming the variable.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { SETTINGS, SettingsSchema, type SettingDefinition, type Settings } from '../schemas/settings.js';

export type { Settings } from '../schemas/settings.js';

/** A setting that cannot be used; names the variable, the value and what is wrong. */
export class SettingsError extends Error {
  readonly problems: readonly { variable: string; value: string | undefined; message: string }[];

  constructor(problems: SettingsError['problems']) {
    super(
      `invalid settings:\n${problems.map((p) => `  ${p.variable}=${JSON.stringify(p.value ?? '')}: ${p.message}`).join('\n')}`,
    );
    this.problems = problems;
  }

  override get name(): string {
    return 'SettingsError';
  }
}

function parse(def: SettingDefinition, text: string): unknown {
  switch (def.type) {
    case 'integer':
      return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'boolean': {
      const word = text.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(word)) return true;
      if (['false', '0', 'no', 'off'].includes(word)) return false;
      return text;
    }
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    case 'enum':
      return text.trim().toLowerCase();
    case 'string':
      return text;
  }
}

function describe(def: SettingDefinition, message: string): string {
  switch (def.type) {
    case 'boolean':
      return 'expected true or false';
    case 'enum': {
      const schema = SettingsSchema.properties[def.key] as { anyOf?: { const: string }[] };
      return `expected one of ${(schema.anyOf ?? []).map((s) => s.const).join(', ')}`;
    }
    case 'integer':
      // TypeBox says 'Expected integer' for a non-number and 'Expected integer to be …' for a range.
      return message === 'Expected integer' ? 'expected a whole number' : message.replace(/^Expected integer to be/, 'must be');
    default:
      return message.toLowerCase();
  }
}

/**
 * Reads settings from an environment (default `process.env`), with `overrides` (from CLI flags) taking
 * precedence. Throws {@link SettingsError} listing every bad variable at once.
 */

/**
 * The compiled check of {@link SettingsSchema}, made on first use. The compiler, not `Value`: the
 * config loader already loads it, and `Value`'s namespace would bring every value function along
 * (24 KB of bundle, about 0.15 MB of RSS, for one call at start-up).
 */
let compiledSettings: TypeCheck<typeof SettingsSchema> | undefined;
function settingsCheck(): TypeCheck<typeof SettingsSchema> {
  return (compiledSettings ??= TypeCompiler.Compile(SettingsSchema));
}

export function loadSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<Settings> = {},
): Settings {
  const raw: Record<string, unknown> = {};
  for (const def of SETTINGS) {
    const text = env[def.env] !== undefined && env[def.env] !== '' ? env[def.env] : def.default;
    if (text !== undefined) raw[def.key] = parse(def, text);
  }
  Object.assign(raw, overrides);
  if (raw['platform'] === 'iofog') raw['platform'] = 'pot';
  if (raw['bootFile'] === undefined) {
    raw['bootFile'] = raw['platform'] === 'kubernetes' ? '/tmp/skrouterd-boot.json' : raw['configFile'];
  }
  const problems = [...settingsCheck().Errors(raw)].map((e) => {
    const key = e.path.replace(/^\//, '').split('/')[0];
    const def = SETTINGS.find((d) => d.key === key);
    return {
      variable: def?.env ?? key ?? e.path,
      value: def ? env[def.env] ?? def.default : undefined,
      message: def ? describe(def, e.message) : e.message,
    };
  });
  const url = raw['routerUrl'];
  if (typeof url === 'string' && problems.every((p) => p.variable !== 'ROUTER_URL') && !hasHost(url)) {
    problems.push({ variable: 'ROUTER_URL', value: url, message: 'expected amqp://host:port or amqps://host:port' });
  }
  problems.push(...routerTlsProblems(raw, env));
  if (problems.length > 0) throw new SettingsError(problems);
  return raw as Settings;
}

/** The attach-mode TLS files only make sense together (cert with key) and with an amqps:// ROUTER_URL. */
function routerTlsProblems(raw: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): SettingsError['problems'] {
  const problems: SettingsError['problems'][number][] = [];
  const given = (['ROUTER_TLS_CA', 'ROUTER_TLS_CERT', 'ROUTER_TLS_KEY'] as const).filter((v) => env[v] !== undefined && env[v] !== '');
  if (given.length === 0) return problems;
  const url = raw['routerUrl'];
  if (typeof url !== 'string' || !url.startsWith('amqps://')) {
    for (const v of given) problems.push({ variable: v, value: env[v], message: 'needs an amqps:// ROUTER_URL (attach mode over TLS)' });
  }
  if (given.includes('ROUTER_TLS_CERT') !== given.includes('ROUTER_TLS_KEY')) {
    const [missing, with_] = given.includes('ROUTER_TLS_CERT') ? ['ROUTER_TLS_KEY', 'ROUTER_TLS_CERT'] : ['ROUTER_TLS_CERT', 'ROUTER_TLS_KEY'];
    problems.push({ variable: missing, value: undefined, message: `is required with ${with_}` });
  }
  return problems;
}

function hasHost(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.hostname !== '' && (parsed.port === '' || Number(parsed.port) > 0);
  } catch {
    return false;
  }
}
