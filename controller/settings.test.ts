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
    });
    expect(s.routerUrl).toBeUndefined();
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
