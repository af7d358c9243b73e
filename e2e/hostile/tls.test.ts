/**
 * The hostile SSL profile directory catalogue through the running controller: for every entry the
 * profile `tls` and its users are held back with a reason naming the file (status), the router
 * keeps what it had (QUERY), the controller stays alive, and once the directory is repaired the
 * profile is in sync again with the router unchanged.
 */
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DesiredState } from '../../schemas/index.js';
import { revisionOf } from '../../controller/sources/file-source.js';
import { GOOD, goodText } from './catalogue-config.js';
import { TLS_CASES, TLS_PATH_CASES } from './catalogue-tls.js';
import { Rig, stateOf, waitFor, type RouterSnapshot } from './support/rig.js';
import { tally } from './support/tally.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/tls/', import.meta.url));

let rig: Rig;
let goodState: DesiredState;
let baseline: RouterSnapshot;

beforeAll(async () => {
  rig = await Rig.start({ config: goodText() });
  goodState = stateOf(goodText());
  await rig.waitConverged(revisionOf(goodText()));
  const snap = await rig.snapshot();
  baseline = Object.fromEntries(Object.entries(snap).map(([k, row]) => [k, k.startsWith('sslProfile/') ? { ...row, ordinal: null, oldestValidOrdinal: null } : row]));
});

afterAll(async () => {
  console.info(`hostile SSL profile directories: sslProfile ordinal raised after a repair: ${ordinalBumps} time(s)`);
  await rig.close();
});

/** Puts the good profile back in one step (built under a hidden name, then renamed), as a secret volume update would. */
async function repair(): Promise<void> {
  const staging = join(rig.certs, '.tls-staging');
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging);
  for (const file of ['ca.crt', 'tls.crt', 'tls.key']) await copyFile(join(FIXTURES, file), join(staging, file));
  await rm(join(rig.certs, '..tls'), { recursive: true, force: true });
  await rm(join(rig.certs, 'tls'), { recursive: true, force: true });
  await rename(staging, join(rig.certs, 'tls'));
}

/**
 * The router's configuration without sslProfile ordinals: a profile held back and repaired may
 * come back with its ordinal raised (the overlay saw other content in between), which is a
 * rotation, not a change of what the router serves. Counted in {@link ordinalBumps}.
 */
async function withoutOrdinals(): Promise<RouterSnapshot> {
  const snap = await rig.snapshot();
  for (const [key, row] of Object.entries(snap)) {
    if (!key.startsWith('sslProfile/')) continue;
    if ((row['ordinal'] ?? 0) !== 0) ordinalBumps++;
    snap[key] = { ...row, ordinal: null, oldestValidOrdinal: null };
  }
  return snap;
}
let ordinalBumps = 0;

async function usableAgain(): Promise<void> {
  await waitFor('the profile usable again', async () => {
    const r = await heldReason();
    if (r !== undefined) rig.controller.trigger('test: look again');
    const st = await rig.status();
    return r === undefined && st.lastPass?.result === 'converged' ? true : undefined;
  });
}

const heldReason = async (): Promise<string | undefined> => {
  const s = await rig.status();
  const profile = s.entities.find((e) => e.kind === 'sslProfile' && e.name === 'tls');
  return profile?.state === 'held' ? (profile.lastError ?? '') : undefined;
};

describe('hostile SSL profile directories against the running controller', () => {
  // Every entry starts from a repaired directory, so one failure cannot spill into the next.
  beforeEach(async () => {
    await repair();
    await usableAgain();
  });

  it.each(TLS_CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await c.damage(rig.certs);
    // 1. a clear error naming what is wrong: the profile held back, with the reason. Passes that
    //    ran while the damage was being made may report an intermediate state first.
    const reason = await waitFor(`${c.id}: the profile held back for "${c.expect}"`, async () => {
      const r = await heldReason();
      if (r === undefined || !r.includes(c.expect)) {
        rig.controller.trigger('test: look again');
        return undefined;
      }
      return r;
    });
    const s = await rig.status();
    for (const user of ['listener/amqps', 'connector/uplink']) {
      expect(s.entities.find((e) => `${e.kind}/${e.name}` === user)?.state, user).toBe('held');
    }
    expect((await rig.get('/readyz')).status).toBe(503);
    // 2. the router unchanged, by QUERY
    expect(await withoutOrdinals()).toEqual(baseline);
    // 3. the controller still running
    expect(await rig.healthy()).toBe(true);
    // 4. the last good state still applied, and taken up again once the directory is repaired
    expect((await rig.planAgainstRouter(goodState)).operations).toEqual([]);
    await repair();
    await usableAgain();
    expect(await withoutOrdinals()).toEqual(baseline);
    tally('hostile', c.area, c.id, reason);
  });
});

describe('config paths that climb out of the SSL profile directory', () => {
  it.each(TLS_PATH_CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const text = JSON.stringify([...GOOD, ['sslProfile', { name: 'escape', caCertFile: c.path }]]);
    const before = (await rig.status()).lastPass?.id ?? 0;
    await rig.write(text);
    const s = await rig.waitPassAfterChange(`${c.id}: the pass`, before, (doc) => doc.entities.some((e) => e.name === 'escape'));
    const escape = s.entities.find((e) => e.name === 'escape');
    expect(escape?.state).toBe('held');
    expect(escape?.lastError).toContain(c.expect);
    expect(await withoutOrdinals()).toEqual(baseline);
    expect(await rig.healthy()).toBe(true);
    expect((await rig.planAgainstRouter(goodState)).operations).toEqual([]);
    const good = await rig.write(goodText());
    await rig.waitPassAfterChange(`${c.id}: back to the good config`, s.lastPass?.id ?? 0, (doc) => doc.source.appliedRevision === good && doc.lastPass?.result === 'converged');
    tally('hostile', c.area, c.id, escape?.lastError ?? '');
  });
});
