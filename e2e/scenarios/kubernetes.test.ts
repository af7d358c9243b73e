/**
 * The controller as shipped (the CLI's `run`, in kubernetes file mode) against a router: the
 * simulator by default, a real skrouterd with SKROUTERD_BIN, or the router image with a container
 * engine (see e2e/harness/router-target.ts). Each scenario observes the router through a
 * management client of its own, never through the controller's view of it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredEntity } from '../../schemas/index.js';
import { waitFor } from '../harness/controller-process.js';
import { recordTiming } from '../harness/timings.js';
import { T, converged, disposeAll, entities, file, names, ports, start, target } from './support/file-mode.js';

afterEach(disposeAll);

beforeAll(() => {
  console.info(`e2e router target: ${target.description}`);
});

afterAll(() => {
  console.info(`e2e scenarios ran against: ${target.description}`);
});

describe(`kubernetes mode against the ${target.kind}`, () => {
  it('boots the router from the desired file: the initial state converges with zero management writes', async () => {
    const p = await ports();
    const started = performance.now();
    const text = file(entities(p));
    const c = await start(text);
    await c.waitConverged(c.revisionOf(text));
    recordTiming('initial state (cold start from the boot file)', target.kind, performance.now() - started);
    expect(await names(c, 'tcpListener')).toEqual(['web']);
    expect(await names(c, 'tcpConnector')).toEqual(['web-backend']);
    expect(c.passes()[0]?.operations).toBe(0);
    const metrics = await (await c.get('/metrics')).text();
    expect(metrics).not.toMatch(/iofog_router_management_operations_total\{[^}]*op="(create|update|delete)"/);
    expect((await c.get('/readyz')).status).toBe(200);
  });

  it('boots from a PoT config object file as well as from a skrouterd array', async () => {
    const p = await ports();
    const pot = JSON.stringify({
      metadata: { id: 'e2e-pot', mode: 'edge' },
      listeners: { amqp: { name: 'edge-amqp', host: '127.0.0.1', port: p.amqp, role: 'normal' } },
      bridges: { tcpListeners: { web: { name: 'web', host: '127.0.0.1', port: String(p.web), address: 'web' } } },
    });
    const started = performance.now();
    const c = await start(pot);
    await c.waitConverged(c.revisionOf(pot));
    recordTiming('initial state from a PoT object file', target.kind, performance.now() - started);
    expect(await names(c, 'tcpListener')).toEqual(['web']);
    expect((await c.management.query(T('router'), ['id']))[0]?.['id']).toBe('e2e-pot');
    expect(c.passes()[0]?.operations).toBe(0);
  });

  it('adds, changes and removes an entity of each live-manageable type', async () => {
    const { c, p } = await converged();
    const base = entities(p);
    // Per type: the entity (with what it needs) and a change (updatable where the router allows it).
    const cases: { type: string; add: DesiredEntity[]; change: (e: DesiredEntity) => DesiredEntity }[] = [
      {
        type: 'sslProfile',
        // Outside SSL_PROFILE_PATH: a path the controller passes through as it is.
        add: [{ kind: 'sslProfile', name: 'tls-a', attributes: { caCertFile: '/etc/pki/tls/certs/ca-bundle.crt' } }],
        change: (e) => ({ ...e, attributes: { ...e.attributes, protocols: 'TLSv1.3' } }),
      },
      {
        type: 'proxyProfile',
        add: [{ kind: 'proxyProfile', name: 'proxy-a', attributes: { host: 'proxy.example', port: '3128' } }],
        change: (e) => ({ ...e, attributes: { ...e.attributes, port: '3129' } }),
      },
      {
        type: 'listener',
        add: [{ kind: 'listener', name: 'listener-a', attributes: { host: '127.0.0.1', port: String(p.extra), role: 'normal' } }],
        change: (e) => ({ ...e, attributes: { ...e.attributes, maxFrameSize: 32768 } }),
      },
      {
        type: 'connector',
        add: [{ kind: 'connector', name: 'connector-a', attributes: { host: '127.0.0.1', port: '45999', role: 'edge' } }],
        change: (e) => ({ ...e, attributes: { ...e.attributes, port: '45998' } }),
      },
      {
        type: 'tcpListener',
        add: [{ kind: 'tcpListener', name: 'tcp-a', attributes: { host: '127.0.0.1', port: String(p.api), address: 'a' } }],
        change: (e) => ({ ...e, attributes: { ...e.attributes, address: 'a2' } }),
      },
      {
        type: 'tcpConnector',
        add: [{ kind: 'tcpConnector', name: 'tcpc-a', attributes: { host: '127.0.0.1', port: '9000', address: 'a' } }],
        change: (e) => ({ ...e, attributes: { ...e.attributes, port: '9001' } }),
      },
      {
        type: 'listenerAddress',
        add: [
          { kind: 'tcpListener', name: 'multi', attributes: { host: '127.0.0.1', port: String(p.api), multiAddressStrategy: 'priority' } },
          { kind: 'listenerAddress', name: 'multi-a', attributes: { listener: 'multi', address: 'a', value: 1 } },
        ],
        change: (e) => (e.kind === 'listenerAddress' ? { ...e, attributes: { ...e.attributes, value: 2 } } : e),
      },
      {
        type: 'router.config.address',
        add: [{ kind: 'address', name: 'addr-a', attributes: { prefix: 'a', distribution: 'balanced' } }],
        change: (e) => ({ ...e, attributes: { ...e.attributes, distribution: 'multicast' } }),
      },
      {
        type: 'router.config.autoLink',
        add: [{ kind: 'autoLink', name: 'link-a', attributes: { address: 'a', direction: 'in', connection: 'edge-amqp' } }],
        change: (e) => ({ ...e, attributes: { ...e.attributes, direction: 'out' } }),
      },
      {
        type: 'vhost',
        add: [{ kind: 'vhost', name: 'vhost-a', attributes: { hostname: 'a.example', maxConnections: 10 } }],
        change: (e) => ({ ...e, attributes: { ...e.attributes, maxConnections: 20 } }),
      },
    ];
    for (const { type, add, change } of cases) {
      const entity = add[add.length - 1];
      if (!entity) continue;
      const changed = change(entity);
      const [attribute, value] = Object.entries(changed.attributes).find(([k, v]) => entity.attributes[k] !== v) ?? [];
      if (attribute === undefined) throw new Error(`${type}: the case changes no attribute`);
      const reported = async () => (await c.management.query(T(type), ['name', attribute])).find((r) => r['name'] === entity.name)?.[attribute];
      const steps: [string, DesiredEntity[], () => Promise<void>][] = [
        ['add', [...base, ...add], async () => expect(await names(c, type)).toContain(entity.name)],
        ['change', [...base, ...add.map(change)], async () => expect(JSON.stringify(await reported())).toBe(JSON.stringify(value))],
        ['remove', base, async () => expect(await names(c, type)).not.toContain(entity.name)],
      ];
      for (const [step, list, check] of steps) {
        const started = performance.now();
        const revision = await c.writeConfig(file(list));
        await c.waitConverged(revision);
        recordTiming(`${type}: ${step}`, target.kind, performance.now() - started);
        await check();
      }
    }
  });

  it('converges each kind of edit in one pass, and the pass after it plans nothing', async () => {
    const p = await ports();
    const base = entities(p);
    const c = await start(file(base), { RESYNC_SECONDS: '1' });
    let previous = await c.waitConverged(c.revisionOf(file(base)));

    const withApi: DesiredEntity[] = [
      ...base,
      { kind: 'tcpListener', name: 'api', attributes: { host: '127.0.0.1', port: String(p.api), address: 'api' } },
      { kind: 'tcpConnector', name: 'api-backend', attributes: { host: '127.0.0.1', port: '8081', address: 'api' } },
      { kind: 'address', name: 'queue', attributes: { prefix: 'queue', distribution: 'balanced' } },
      { kind: 'listener', name: 'extra', attributes: { host: '127.0.0.1', port: String(p.extra), role: 'normal' } },
    ];
    const edits: { what: string; list: DesiredEntity[]; check: () => Promise<void> }[] = [
      {
        what: 'create (tcpListener, tcpConnector, address, listener)',
        list: withApi,
        check: async () => {
          expect(await names(c, 'tcpListener')).toEqual(['api', 'web']);
          expect(await names(c, 'router.config.address')).toContain('queue');
        },
      },
      {
        what: 'live update (log level)',
        list: withApi.map((e) => (e.name === 'log/DEFAULT' ? { ...e, attributes: { ...e.attributes, enable: 'debug+' } } : e)),
        check: async () => {
          const log = (await c.management.query(T('log'), ['module', 'enable'])).find((r) => r['module'] === 'DEFAULT');
          expect(log?.['enable']).toBe('debug+');
        },
      },
      {
        what: 'replace (create-only tcpConnector port)',
        list: withApi.map((e) =>
          e.name === 'log/DEFAULT'
            ? { ...e, attributes: { ...e.attributes, enable: 'debug+' } }
            : e.name === 'api-backend'
              ? { ...e, attributes: { ...e.attributes, port: '9091' } }
              : e,
        ),
        check: async () => {
          const row = (await c.management.query(T('tcpConnector'), ['name', 'port'])).find((r) => r['name'] === 'api-backend');
          expect(row?.['port']).toBe('9091');
        },
      },
      {
        what: 'delete (the api pair, the address and the listener)',
        list: base,
        check: async () => {
          expect(await names(c, 'tcpListener')).toEqual(['web']);
          expect(await names(c, 'router.config.address')).not.toContain('queue');
          expect(await names(c, 'listener')).not.toContain('extra');
        },
      },
    ];
    for (const edit of edits) {
      const started = performance.now();
      const revision = await c.writeConfig(file(edit.list));
      const passId = await c.waitConverged(revision);
      recordTiming(`edit: ${edit.what}`, target.kind, performance.now() - started);
      await edit.check();
      // The first pass on the new file converged (a later one, e.g. the debounce's check of the
      // same file, may be the one /status showed first) and no pass failed before it.
      const first = c.passes().find((x) => x.id > previous && x.revision === revision);
      expect(first, `${edit.what}: a pass converged on the new file`).toBeDefined();
      if (!first) return;
      expect(passId, edit.what).toBeGreaterThanOrEqual(first.id);
      expect(first.operations, edit.what).toBeGreaterThan(0);
      const failedBefore = c.logs.filter((l) => l.msg === 'pass failed; retrying' && Number(l['reconcileId']) > previous && Number(l['reconcileId']) < first.id);
      expect(failedBefore, `${edit.what}: converged in one pass`).toEqual([]);
      const next = await waitFor('the next pass', () => c.passes().find((x) => x.id > first.id));
      expect(next.operations, `${edit.what}: the pass after convergence plans nothing`).toBe(0);
      previous = next.id;
    }
  });

  it('removes a foreign entity and recreates a deleted desired one at the next resync', async () => {
    const { c, p } = await converged({ RESYNC_SECONDS: '1' });
    await c.management.create(T('tcpListener'), 'intruder', { host: '127.0.0.1', port: String(p.extra), address: 'x' });
    await c.management.delete(T('tcpConnector'), 'web-backend');
    const started = performance.now();
    await waitFor('drift repaired', async () => {
      const [listeners, connectors] = [await names(c, 'tcpListener'), await names(c, 'tcpConnector')];
      return !listeners.includes('intruder') && connectors.includes('web-backend') ? true : undefined;
    });
    recordTiming('drift repaired at resync (RESYNC_SECONDS=1)', target.kind, performance.now() - started);
    const metrics = await (await c.get('/metrics')).text();
    expect(metrics).toMatch(/iofog_router_management_operations_total\{type="tcpListener",op="delete",result="success"\} 1/);
    // Both repairs restore what the router lost or gained behind the controller's back.
    expect(metrics).toMatch(/iofog_router_drift_corrections_total\{type="tcpListener"\} 1/);
    expect(metrics).toMatch(/iofog_router_drift_corrections_total\{type="tcpConnector"\} 1/);
  });

  it('restarts a crashed router and converges again', async () => {
    const { c, p } = await converged({ RESYNC_SECONDS: '1' });
    const pid = await c.routerPid();
    const started = performance.now();
    process.kill(pid, 'SIGKILL');
    await waitFor('a new router process', async () => {
      const s = await c.status();
      return s.router.pid !== undefined && s.router.pid !== pid && s.router.reachable ? true : undefined;
    });
    await waitFor('the desired entities back', async () => ((await names(c, 'tcpListener')).includes('web') ? true : undefined));
    await c.waitConverged(c.revisionOf(file(entities(p))));
    recordTiming('router SIGKILL → restarted and converged', target.kind, performance.now() - started);
    expect(await (await c.get('/metrics')).text()).toMatch(/iofog_router_router_restarts_total\{reason="crash"\} 1/);
  });

  it('rejects an invalid file, names what is wrong, and leaves the router as it was', async () => {
    const { c, p } = await converged();
    const before = await names(c, 'tcpListener');
    const started = performance.now();
    const invalid = file([...entities(p), { kind: 'tcpListener', name: 'bad', attributes: { host: '127.0.0.1', port: '70000', address: 'b' } }]);
    const revision = await c.writeConfig(invalid);
    const rejected = await waitFor('the rejection in /status', async () => {
      const s = await c.status();
      return s.rejected?.revision === revision ? s.rejected : undefined;
    });
    recordTiming('invalid file rejected', target.kind, performance.now() - started);
    expect(rejected.errors[0]?.file).toBe(c.configFile);
    expect(rejected.errors[0]?.path).toContain('port');
    expect(rejected.errors[0]?.message).toContain('70000');
    expect(await names(c, 'tcpListener')).toEqual(before);
    expect((await c.get('/healthz')).status).toBe(200);
    expect(c.logs.some((l) => l.msg?.startsWith('desired state rejected') === true)).toBe(true);
    // A valid file afterwards is applied as usual.
    const fixed = file(entities(p).filter((e) => e.name !== 'web-backend'));
    await c.waitConverged(await c.writeConfig(fixed));
    expect(await names(c, 'tcpConnector')).toEqual([]);
  });

  it('applies a restart-only change by a controlled restart under ROUTER_RESTART_POLICY=auto', async () => {
    const { c, p } = await converged();
    const pid = await c.routerPid();
    const started = performance.now();
    const renamed = file(entities(p, 'e2e-edge-2'));
    const revision = await c.writeConfig(renamed);
    await waitFor('the router restarted with the new id', async () => {
      const rows = await c.management.query(T('router'), ['id']);
      return rows[0]?.['id'] === 'e2e-edge-2' ? true : undefined;
    });
    await c.waitConverged(revision);
    recordTiming('restart-only change, policy auto', target.kind, performance.now() - started);
    const s = await c.status();
    expect(s.router.pid).not.toBe(pid);
    expect(s.restartPending).toBeUndefined();
    expect(await names(c, 'tcpListener')).toEqual(['web']);
  });

  it('reports a restart-only change as pending under ROUTER_RESTART_POLICY=never', async () => {
    const { c, p } = await converged({ ROUTER_RESTART_POLICY: 'never' });
    const pid = await c.routerPid();
    const started = performance.now();
    const revision = await c.writeConfig(file(entities(p, 'e2e-edge-2')));
    const pending = await waitFor('restart pending in /status', async () => {
      const s = await c.status();
      return s.source.appliedRevision === revision ? s.restartPending : undefined;
    });
    recordTiming('restart-only change, policy never (reported)', target.kind, performance.now() - started);
    expect(pending.policy).toBe('never');
    expect(pending.changes.map((x) => `${x.kind}.${x.attribute}`)).toContain('router.id');
    expect((await c.status()).router.pid).toBe(pid);
    expect((await c.management.query(T('router'), ['id']))[0]?.['id']).toBe('e2e-edge');
  });

  it('stops the router and exits 0 on SIGTERM', async () => {
    const { c } = await converged();
    const pid = await c.routerPid();
    const started = performance.now();
    const exit = await c.stop('SIGTERM');
    recordTiming('SIGTERM → router stopped and controller exited', target.kind, performance.now() - started);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(() => process.kill(pid, 0)).toThrow();
    expect(c.logs.some((l) => l.msg === 'router stopped')).toBe(true);
  });
});
