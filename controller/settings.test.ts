import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../schemas/settings.js';
import { loadSettings, SettingsError } from './settings.js';

describe('loadSettings', () => {
  it('gives the documented defaults for an empty environment', () => {
    const s = loadSettings({});
    expect(s).toMatchObject({
      platform: 'pot',
      configFile: '/tmp/skrouterd.json',
      bootFile: '/tmp/skrouterd.json',
      sslProfilePath: '/etc/skupper-router-certs',
      managementPort: 55672,
      httpPort: 9191,
      resyncSeconds: 60,
      debounceMs: 100,
      restartPolicy: 'auto',
      ignoreNames: ['auto-mesh*'],
      logLevel: 'info',
      managementAuth: 'mtls',
      configMaxBytes: 4 * 1024 * 1024,
      configMaxEntities: 20_000,
      livenessTimeoutSeconds: 180,
    });
    expect(s.routerUrl).toBeUndefined();
  });

  it('takes LIVENESS_TIMEOUT_SECONDS as a whole number of seconds, at least 1', () => {
    expect(loadSettings({ LIVENESS_TIMEOUT_SECONDS: '30' }).livenessTimeoutSeconds).toBe(30);
    expect(() => loadSettings({ LIVENESS_TIMEOUT_SECONDS: '0' })).toThrow(/LIVENESS_TIMEOUT_SECONDS="0": must be greater or equal to 1/);
    expect(() => loadSettings({ LIVENESS_TIMEOUT_SECONDS: '1.5' })).toThrow(/LIVENESS_TIMEOUT_SECONDS="1.5": expected a whole number/);
  });

  it('takes the attach-mode TLS files only with an amqps:// ROUTER_URL, and a certificate only with its key', () => {
    const files = { ROUTER_TLS_CA: '/c/ca.pem', ROUTER_TLS_CERT: '/c/cert.pem', ROUTER_TLS_KEY: '/c/key.pem' };
    expect(loadSettings({ ROUTER_URL: 'amqps://router:5671', ...files })).toMatchObject({ routerTlsCa: '/c/ca.pem', routerTlsCert: '/c/cert.pem', routerTlsKey: '/c/key.pem' });
    const problems = (env: Record<string, string>) => {
      try {
        loadSettings(env);
        return [];
      } catch (error) {
        return (error as SettingsError).problems.map((p) => `${p.variable}: ${p.message}`);
      }
    };
    expect(problems({ ROUTER_URL: 'amqp://router:5672', ROUTER_TLS_CA: '/c/ca.pem' })).toEqual(['ROUTER_TLS_CA: needs an amqps:// ROUTER_URL (attach mode over TLS)']);
    expect(problems({ ROUTER_TLS_CERT: '/c/cert.pem', ROUTER_TLS_KEY: '/c/key.pem' })).toHaveLength(2);
    expect(problems({ ROUTER_URL: 'amqps://router:5671', ROUTER_TLS_CERT: '/c/cert.pem' })).toEqual(['ROUTER_TLS_KEY: is required with ROUTER_TLS_CERT']);
    expect(problems({ ROUTER_URL: 'amqps://router:5671', ROUTER_TLS_KEY: '/c/key.pem' })).toEqual(['ROUTER_TLS_CERT: is required with ROUTER_TLS_KEY']);
    expect(problems({ MGMT_AUTH: 'password' })).toEqual(['MGMT_AUTH: expected one of mtls, none']);
  });

  it('reads and coerces variables; iofog is an alias of pot; kubernetes boots from its own file', () => {
    expect(loadSettings({ SKUPPER_PLATFORM: 'iofog', SSL: 'false' })).toMatchObject({ platform: 'pot', ssl: false });
    const k = loadSettings({ SKUPPER_PLATFORM: 'Kubernetes', QDROUTERD_CONF: '/etc/cfg/skrouterd.json', IGNORE_NAMES: 'a*, b ,' });
    expect(k).toMatchObject({ platform: 'kubernetes', configFile: '/etc/cfg/skrouterd.json', bootFile: '/tmp/skrouterd-boot.json', ignoreNames: ['a*', 'b'] });
  });

  it('lets overrides from flags win over the environment', () => {
    expect(loadSettings({ HTTP_PORT: '1' }, { httpPort: 2 }).httpPort).toBe(2);
  });

  it('reports every bad variable at once, naming the variable and the problem', () => {
    let error: unknown;
    try {
      loadSettings({ HTTP_PORT: '99999', SSL: 'maybe', ROUTER_RESTART_POLICY: 'sometimes', RESYNC_SECONDS: 'soon' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const problems = (error as SettingsError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual(['HTTP_PORT', 'RESYNC_SECONDS', 'ROUTER_RESTART_POLICY', 'SSL']);
    expect((error as Error).message).toContain('ROUTER_RESTART_POLICY="sometimes": expected one of auto, never');
    expect((error as Error).message).toContain('SSL="maybe": expected true or false');
    expect((error as Error).message).toContain('RESYNC_SECONDS="soon": expected a whole number');
  });

  it('every setting has a unique variable and key', () => {
    expect(new Set(SETTINGS.map((s) => s.env)).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((s) => s.key)).size).toBe(SETTINGS.length);
  });
});
