/**
 * The hostile Edgelet catalogue through the running controller (pot source: the Edgelet API v1
 * client against the fake Edgelet, attached to the simulator). Each entry is read by the refetch
 * a `0x0C` signal makes (a manual trigger does not refetch while the control socket is up). For
 * every entry: a clear error (`/status` `source.error` while the source is down, or `rejected`);
 * the router unchanged (QUERY); the controller alive; the last good state still applied. Then the
 * fake is repaired and the controller must read the good config again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredState } from '../../schemas/index.js';
import { revisionOf } from '../../controller/sources/file-source.js';
import { FakeEdgelet } from '../fake-edgelet/fake-edgelet.js';
import { GOOD, goodText } from './catalogue-config.js';
import { EDGELET_CASES, type EdgeletCase } from './catalogue-edgelet.js';
import { edgeletSourceFor } from './support/edgelet-source.js';
import { Rig, stateOf, waitFor, type RouterSnapshot } from './support/rig.js';
import { tally } from './support/tally.js';

let fake: FakeEdgelet;
let rig: Rig;
let goodState: DesiredState;
let baseline: RouterSnapshot;
const goodRevision = revisionOf(goodText());

beforeAll(async () => {
  fake = await FakeEdgelet.start({ config: GOOD });
  // A failed refetch is not retried on its own within a test: the source stays down until a signal.
  const source = edgeletSourceFor(fake, { reconnectMaxMs: 200, readRetryInitialMs: 600_000 });
  rig = await Rig.start({ config: goodText(), source });
  goodState = stateOf(goodText());
  await rig.waitConverged(goodRevision);
  baseline = await rig.snapshot();
});

afterAll(async () => {
  await rig.close();
  await fake.close();
});

/** Sends `0x0C` on the open control socket (waiting for one to be open): the Edgelet's config changed. */
async function signal(): Promise<void> {
  await waitFor('a control socket to signal on', () => (fake.signal() > 0 ? true : undefined));
}

/** The source up again (a signal refetches at once), then a pass after `after` that read the good config again. */
async function recovered(after: number): Promise<void> {
  await signal();
  await waitFor('the Edgelet source up again', async () => ((await rig.status()).source.up === true ? true : undefined));
  // An unchanged config after an outage brings no pass of its own: the signal and the trigger ask for one.
  await signal();
  rig.controller.trigger('test: read again');
  const s = await rig.waitPass('the good config read again', after, (doc) => doc.source.up === true && doc.source.revision === goodRevision && doc.lastPass?.result === 'converged');
  expect(s.rejected).toBeUndefined();
  expect((await rig.get('/readyz')).status).toBe(200);
}

/** The error text of a case, once the controller reports it as its outcome says. */
async function reported(c: EdgeletCase, before: number): Promise<{ error: string; pass: number }> {
  if (c.outcome === 'failed') {
    // The source is down: reported beside the last good state, which the router keeps serving.
    const s = await waitFor(`the Edgelet source down with "${c.expect}"`, async () => {
      const doc = await rig.status();
      return doc.source.up === false && (doc.source.error ?? '').includes(c.expect) ? doc : undefined;
    });
    expect(s.source.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(typeof s.source.since).toBe('string');
    expect(typeof s.source.lastSuccessAt).toBe('string');
    expect(typeof s.source.lastSignalAt).toBe('string');
    expect(s.lastPass?.result).toBe('converged');
    expect(s.rejected).toBeUndefined();
    expect((await rig.get('/readyz')).status).toBe(200);
    return { error: s.source.error ?? '', pass: s.lastPass?.id ?? 0 };
  }
  // The Edgelet served a config that cannot be used: invalid input, rejected by a pass.
  const s = await rig.waitPass(`the pass that rejects ${c.id}`, before, (doc) => doc.lastPass?.result === 'rejected' && doc.rejected !== undefined);
  const errors = s.rejected?.errors.map((e) => `${e.path}: ${e.message}`).join('; ') ?? '';
  expect(s.rejected?.revision).toBe(s.source.revision);
  expect(s.source.up).toBe(true);
  expect((await rig.get('/readyz')).status).toBe(503);
  return { error: errors, pass: s.lastPass?.id ?? 0 };
}

async function checkUnchanged(): Promise<void> {
  expect(await rig.snapshot()).toEqual(baseline);
  expect(await rig.healthy()).toBe(true);
  expect((await rig.status()).source.appliedRevision).toBe(goodRevision);
  expect((await rig.planAgainstRouter(goodState)).operations).toEqual([]);
}

describe('hostile Edgelet replies and service-account files against the running controller', () => {
  it.each(EDGELET_CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const before = (await rig.status()).lastPass?.id ?? 0;
    await c.damage(fake);
    await signal();
    // 1. a clear error naming what is wrong
    const { error, pass } = await reported(c, before);
    expect(error).toContain(c.expect);
    // 2-4. router unchanged, controller alive, last good state applied
    await checkUnchanged();
    if (c.id.startsWith('edgelet-token') || c.id.startsWith('edgelet-ca-')) await fake.rotateToken();
    await recovered(pass);
    tally('hostile', c.area, c.id, error.slice(0, 200));
  });

  it('edgelet-down-drift: while the Edgelet refuses every read, a pass still repairs drift against the last good state', async () => {
    fake.revokeToken();
    await signal();
    await waitFor('the Edgelet source down (401)', async () => ((await rig.status()).source.error ?? '').includes('401') ? true : undefined);
    const before = (await rig.status()).lastPass?.id ?? 0;
    await rig.management.delete('io.skupper.router.tcpListener', 'web');
    rig.controller.trigger('test: drift while the source is down');
    const s = await rig.waitPass('the pass that repairs the drift', before, (doc) => doc.lastPass?.result === 'converged');
    expect(s.source.up).toBe(false);
    expect(s.lastPass?.operations).toBeGreaterThanOrEqual(1);
    expect((await rig.get('/readyz')).status).toBe(200);
    await checkUnchanged();
    await fake.rotateToken();
    await recovered(s.lastPass?.id ?? 0);
    tally('hostile', 'edgelet', 'edgelet-down-drift', 'drift repaired while the source was down (401)');
  });

  it('edgelet-ws-oversized: a 128 KiB control frame closes the socket (1009), which reconnects; signals work again', async () => {
    const opens = fake.stats.controlOpens;
    await waitFor('an open control socket', () => (fake.sockets.length > 0 ? true : undefined));
    for (const socket of fake.sockets) socket.send(Buffer.alloc(128 * 1024, 0x0c));
    await waitFor('the control socket reopened', () => (fake.stats.controlOpens > opens && fake.sockets.length > 0 ? true : undefined));
    await checkUnchanged();
    // A signal on the new socket still makes the controller read a new config.
    const next = JSON.stringify([...GOOD, ['listener', { name: 'after-frames', port: '30777' }]], null, 2);
    fake.setConfig(JSON.parse(next) as unknown);
    fake.signal();
    await rig.waitConverged(revisionOf(next));
    expect(Object.keys(await rig.snapshot())).toContain('listener/after-frames');
    tally('hostile', 'edgelet', 'edgelet-ws-oversized', 'socket closed with 1009 and reopened');
  });
});
