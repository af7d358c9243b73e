/**
 * The hostile Edgelet catalogue through the running controller (pot source: the Edgelet API v1
 * client against the fake Edgelet, attached to the simulator). For every entry: a clear error;
 * the router unchanged (QUERY); the controller alive; the last good state still applied. Then
 * the fake is repaired and the controller must read the good config again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredState } from '../../schemas/index.js';
import { revisionOf } from '../../controller/sources/file-source.js';
import { FakeEdgelet } from '../fake-edgelet/fake-edgelet.js';
import { GOOD, goodText } from './catalogue-config.js';
import { EDGELET_CASES } from './catalogue-edgelet.js';
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
  const source = edgeletSourceFor(fake, { reconnectMaxMs: 200 });
  rig = await Rig.start({ config: goodText(), source });
  goodState = stateOf(goodText());
  await rig.waitConverged(goodRevision);
  baseline = await rig.snapshot();
});

afterAll(async () => {
  await rig.close();
  await fake.close();
});

/** A pass after `after` that read the good config again. */
async function recovered(after: number): Promise<void> {
  rig.controller.trigger('test: read again');
  await rig.waitPass('the good config read again', after, (s) => s.source.revision === goodRevision && s.lastPass?.result === 'converged');
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
    rig.controller.trigger(`test: ${c.id}`);
    const s = await rig.waitPass(`the pass that reads ${c.id}`, before, (doc) => doc.lastPass?.result === c.outcome);
    // 1. a clear error naming what is wrong
    const error = c.outcome === 'failed' ? (s.lastPass?.error ?? '') : (s.rejected?.errors.map((e) => `${e.path}: ${e.message}`).join('; ') ?? '');
    expect(error).toContain(c.expect);
    // 2-4. router unchanged, controller alive, last good state applied
    await checkUnchanged();
    if (c.id.startsWith('edgelet-token') || c.id.startsWith('edgelet-ca-')) await fake.rotateToken();
    await recovered(s.lastPass?.id ?? 0);
    tally('hostile', c.area, c.id, error.slice(0, 200));
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
