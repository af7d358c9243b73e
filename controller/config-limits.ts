/**
 * The limits on a desired config (`CONFIG_MAX_BYTES`, `CONFIG_MAX_ENTITIES`), the same wherever
 * the controller or its CLI loads one: the file source's size check before reading, the Edgelet
 * reply limit, `loadConfig` in every pass, and `validate` / `plan`. Messages name the setting.
 */
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTITIES, type LoadOptions, type ReservedPort } from '../schemas/config/index.js';
import { loadSettings, type Settings } from './settings.js';

export interface ConfigLimits {
  /** Largest config in UTF-8 bytes (`CONFIG_MAX_BYTES`). */
  readonly maxBytes: number;
  /** Most entities in a config (`CONFIG_MAX_ENTITIES`). */
  readonly maxEntities: number;
  /** Ports a desired listener may not use (`checks/reserved-ports.ts`); none by default. */
  readonly reservedPorts?: readonly ReservedPort[];
}

export const DEFAULT_CONFIG_LIMITS: ConfigLimits = { maxBytes: DEFAULT_MAX_BYTES, maxEntities: DEFAULT_MAX_ENTITIES };

/** The settings behind the limits, as the messages name them. */
export const CONFIG_LIMIT_SETTINGS = { maxBytes: 'CONFIG_MAX_BYTES', maxEntities: 'CONFIG_MAX_ENTITIES' } as const;

export function configLimitsOf(settings: Pick<Settings, 'configMaxBytes' | 'configMaxEntities'>): ConfigLimits {
  return { maxBytes: settings.configMaxBytes, maxEntities: settings.configMaxEntities };
}

/**
 * The limits from an environment, parsed and checked exactly as the controller's settings are;
 * only these two variables are looked at. Throws {@link SettingsError} naming a bad one.
 */
export function configLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): ConfigLimits {
  const { maxBytes, maxEntities } = CONFIG_LIMIT_SETTINGS;
  return configLimitsOf(loadSettings({ [maxBytes]: env[maxBytes], [maxEntities]: env[maxEntities] }));
}

/** `loadConfig` options for `file` under `limits`, naming the settings in its messages. */
export function configLoadOptions(file: string, limits: ConfigLimits = DEFAULT_CONFIG_LIMITS): LoadOptions {
  return {
    file,
    maxBytes: limits.maxBytes,
    maxEntities: limits.maxEntities,
    limitNames: CONFIG_LIMIT_SETTINGS,
    ...(limits.reservedPorts ? { reservedPorts: limits.reservedPorts } : {}),
  };
}
