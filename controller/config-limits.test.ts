import { describe, expect, it } from 'vitest';
import { loadConfig } from '../schemas/config/index.js';
import { configLimitsFromEnv, configLimitsOf, configLoadOptions, DEFAULT_CONFIG_LIMITS } from './config-limits.js';
import { loadSettings, SettingsError } from './settings.js';

describe('config limits', () => {
  it('come from CONFIG_MAX_BYTES / CONFIG_MAX_ENTITIES, defaulting to 4 MiB and 20,000', () => {
    expect(configLimitsOf(loadSettings({}))).toEqual({ maxBytes: 4_194_304, maxEntities: 20_000 });
    expect(DEFAULT_CONFIG_LIMITS).toEqual({ maxBytes: 4_194_304, maxEntities: 20_000 });
    expect(configLimitsOf(loadSettings({ CONFIG_MAX_BYTES: '1024', CONFIG_MAX_ENTITIES: '1' }))).toEqual({ maxBytes: 1024, maxEntities: 1 });
  });

  it('from an environment look only at their two variables, checked as the controller checks them', () => {
    expect(configLimitsFromEnv({ CONFIG_MAX_BYTES: '268435456', CONFIG_MAX_ENTITIES: '1000000', ROUTER_URL: 'not a url' })).toEqual({ maxBytes: 268_435_456, maxEntities: 1_000_000 });
    expect(() => configLimitsFromEnv({ CONFIG_MAX_BYTES: '268435457' })).toThrow(SettingsError);
    expect(() => configLimitsFromEnv({ CONFIG_MAX_BYTES: '1023' })).toThrow('CONFIG_MAX_BYTES="1023"');
    expect(() => configLimitsFromEnv({ CONFIG_MAX_ENTITIES: '1000001' })).toThrow('CONFIG_MAX_ENTITIES="1000001"');
  });

  it('make loadConfig name the settings', () => {
    const text = JSON.stringify([['router', { id: 'r', mode: 'edge' }], ['address', { name: 'a', prefix: 'a' }]]);
    const over = loadConfig(text, configLoadOptions('c.json', { maxBytes: 1024, maxEntities: 1 }));
    expect(over.ok ? [] : over.errors.map((e) => e.message)).toEqual(['2 entities is more than the limit of 1 (CONFIG_MAX_ENTITIES)']);
    const big = loadConfig(text + ' '.repeat(2000), configLoadOptions('c.json', { maxBytes: 1024, maxEntities: 5 }));
    expect(big.ok ? [] : big.errors.map((e) => `${e.file}: ${e.message}`)).toEqual([`c.json: the file is ${text.length + 2000} bytes, more than the limit of 1024 (CONFIG_MAX_BYTES)`]);
  });
});
