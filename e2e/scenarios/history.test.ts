/**
 * The revision history in `/status` (kubernetes mode, the CLI's `run` against the router target):
 * each converged desired revision with its masked RFC 6902 patch from the previous one. Reads only
 * the controller's `/status` and the router by QUERY, so it holds against a real router.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DesiredEntity } from '../../schemas/index.js';
import { MASK } from '../../reconcilers/format-plan.js';
import { waitFor } from '../harness/controller-process.js';
import { T, converged, disposeAll, entities, file, target } from './support/file-mode.js';

afterEach(disposeAll);

describe(`revision history against the ${target.kind}`, () => {
  it('keeps each converged revision in /status history, newest first, with its masked RFC 6902 patch', async () => {
    const { c, p } = await converged();
    const base = entities(p);
    const first = c.revisionOf(file(base));
    const secret = (n: number) => `uplink-secret-${n}-${p.amqp}`;
    const uplink = (n: number): DesiredEntity => ({
      kind: 'connector',
      name: 'uplink',
      attributes: { host: '127.0.0.1', port: '45999', role: 'edge', saslUsername: 'edge', saslPassword: secret(n) },
    });
    const withPort = (list: DesiredEntity[], port: string) =>
      list.map((e) => (e.name === 'web-backend' ? { ...e, attributes: { ...e.attributes, port } } : e));
    const withLog = (list: DesiredEntity[], enable: string) =>
      list.map((e) => (e.name === 'log/DEFAULT' ? { ...e, attributes: { ...e.attributes, enable } } : e));
    // Three edits, each converged before the next: a connector added (its password a secret);
    // the password and a tcpConnector port changed; a log level changed and the tcpConnector removed.
    const edits: { list: DesiredEntity[]; patch: (added: unknown) => unknown[] }[] = [
      {
        list: [...base, uplink(1)],
        patch: (added) => [{ op: 'add', path: '/connector/uplink', value: added }],
      },
      {
        list: [...withPort(base, '8081'), uplink(2)],
        patch: () => [
          { op: 'replace', path: '/connector/uplink/saslPassword', value: MASK },
          { op: 'replace', path: '/tcpConnector/web-backend/port', value: '8081' },
        ],
      },
      {
        list: [...withLog(base, 'debug+').filter((e) => e.name !== 'web-backend'), uplink(2)],
        patch: () => [
          { op: 'replace', path: '/log/log~1DEFAULT/enable', value: 'debug+' },
          { op: 'remove', path: '/tcpConnector/web-backend' },
        ],
      },
    ];
    const revisions: string[] = [];
    for (const edit of edits) {
      const revision = await c.writeConfig(file(edit.list));
      await c.waitConverged(revision);
      revisions.push(revision);
    }
    expect((await c.management.query(T('connector'), ['name'])).map((r) => r['name'])).toContain('uplink');

    const history = await waitFor('the newest revision settled in /status history', async () => {
      const h = (await c.status()).history ?? [];
      return h[0]?.revision === revisions[2] && h[0]?.outcome === 'converged' ? h : undefined;
    });
    // Newest first: the three edits, then the file the router booted from.
    expect(history.map((r) => r.revision)).toEqual([...revisions].reverse().concat(first));
    for (const r of history) {
      expect(r.outcome, r.revision).toBe('converged');
      expect(r.source).toBe(c.configFile);
      expect(r.omitted).toBe(0);
      expect(r.operations).toBe(r.patch.length);
      expect(typeof r.pass).toBe('number');
      // RFC 6902 operations on /<kind>/<name>[/<attribute>]
      for (const op of r.patch) {
        expect(['add', 'remove', 'replace']).toContain(op.op);
        expect(op.path).toMatch(/^\/[A-Za-z]+\/[^/]+(\/[A-Za-z]+)?$/);
      }
    }
    const [third, second, firstEdit, boot] = history;
    // The order of a patch's operations is the diff's; what they are is what the edit did.
    const byPath = (ops: readonly unknown[] = []) => [...ops].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(byPath(third?.patch)).toEqual(byPath(edits[2]?.patch(undefined)));
    expect(byPath(second?.patch)).toEqual(byPath(edits[1]?.patch(undefined)));
    // The added connector: its configuration with defaults filled in, the password masked.
    const added = firstEdit?.patch[0];
    expect(added).toMatchObject({ op: 'add', path: '/connector/uplink' });
    const value = added && 'value' in added ? (added.value as Record<string, unknown>) : {};
    expect(value).toMatchObject({ host: '127.0.0.1', port: '45999', role: 'edge', saslUsername: 'edge', saslPassword: MASK });
    expect(firstEdit?.patch).toEqual(edits[0]?.patch(value));
    // The boot revision: every entity added from nothing.
    expect(boot?.patch.map((op) => `${op.op} ${op.path}`).sort()).toEqual(
      ['add /listener/edge-amqp', 'add /log/log~1DEFAULT', 'add /router/router', 'add /tcpConnector/web-backend', 'add /tcpListener/web'],
    );
    // No secret in the history, only the mask; passes of later revisions come later.
    const text = JSON.stringify(history);
    for (const n of [1, 2]) expect(text).not.toContain(secret(n));
    expect(history.map((r) => r.pass ?? 0)).toEqual([...history.map((r) => r.pass ?? 0)].sort((a, b) => b - a));
  });

});
