/**
 * The hostile config catalogue through the running controller (file mode, attached to the
 * simulator). For every entry, all four: a clear error naming what is wrong (in /status: the
 * rejection, or the source's error while the file cannot be read); the router unchanged (QUERY
 * snapshot); the controller alive (/healthz); the last good state still applied (a fresh plan of
 * it against the router plans nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BYTES } from '../../schemas/config/index.js';
import type { DesiredState } from '../../schemas/index.js';
import type { StatusDocument } from '../../controller/loop/status.js';
import { revisionOf } from '../../controller/sources/file-source.js';
import { CONFIG_CASES, GOOD, goodText, LIMIT_CASES, LIMIT_ENV, RESERVED_CASES, RESERVED_ENV, type ConfigCase } from './catalogue-config.js';
import { makeFileState, permissionsIgnored, writeBytes } from './support/file-states.js';
import { convergedRig, Rig, stateOf, type RouterSnapshot } from './support/rig.js';
import { tally } from './support/tally.js';

let rig: Rig;
let goodRevision: string;
let goodState: DesiredState;
let baseline: RouterSnapshot;

beforeAll(async () => {
  ({ rig, revision: goodRevision, state: goodState, baseline } = await convergedRig(goodText()));
});

afterAll(async () => {
  await rig.close();
});

/** Puts the input at the config path; the revision when it is text the controller reads (not over the size limit). */
async function put(input: ConfigCase['input'], on = rig, maxBytes = DEFAULT_MAX_BYTES): Promise<string | undefined> {
  if (typeof input === 'string') {
    const revision = await on.write(input);
    return Buffer.byteLength(input) > maxBytes ? undefined : revision;
  }
  if ('bytes' in input) return writeBytes(on.configFile, input.bytes);
  await makeFileState(on.configFile, input.fs);
  return undefined;
}

/** The error the controller reports for `c`: the rejection naming the file, or (a file it cannot read) the source's error. */
function errorOf(c: ConfigCase, s: StatusDocument, on = rig): string {
  if (c.outcome === 'unreadable') {
    expect(s.source.up).toBe(false);
    expect(s.source.error).toContain(c.expect);
    expect(s.source.error).toContain(on.configFile);
    return s.source.error ?? '';
  }
  expect(s.lastPass?.result).toBe('rejected');
  const match = s.rejected?.errors.find((e) => e.message.includes(c.expect) && (c.path === undefined || e.path === c.path));
  expect(match, `no error "${c.expect}" at ${c.path ?? '(any path)'} in ${JSON.stringify(s.rejected?.errors.slice(0, 5))}`).toBeDefined();
  expect(match?.file).toBe(on.configFile);
  return `${match?.path ?? ''}: ${match?.message ?? ''}`;
}

/**
 * The good file back and converged on, when the last case left a rejection: a file that cannot be
 * read is then checked from a clean state (no rejection still reported, so `/readyz` says 200).
 */
async function backToGood(): Promise<void> {
  const s = await rig.status();
  if (s.rejected === undefined && s.source.up === true && s.source.revision === goodRevision) return;
  await rig.write(goodText());
  await rig.waitPassAfterChange('the good file again', s.lastPass?.id ?? 0, (doc) =>
    doc.source.up === true && doc.source.revision === goodRevision && doc.rejected === undefined && doc.lastPass?.result === 'converged',
  );
}

const runnable = CONFIG_CASES.filter((c) => !(permissionsIgnored && typeof c.input === 'object' && 'fs' in c.input && c.input.fs === 'unreadable'));

describe('hostile configs against the running controller', () => {
  it('the catalogue has distinct ids and inputs, and covers every area it promises', () => {
    expect(new Set(CONFIG_CASES.map((c) => c.id)).size).toBe(CONFIG_CASES.length);
    const texts = CONFIG_CASES.map((c) => (typeof c.input === 'string' ? c.input : JSON.stringify(c.input)));
    expect(new Set(texts).size).toBe(CONFIG_CASES.length);
    expect(GOOD.length).toBeGreaterThan(5);
  });

  it.each(runnable.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    if (c.outcome === 'unreadable') await backToGood();
    const before = (await rig.status()).lastPass?.id ?? 0;
    const revision = await put(c.input);
    const s = await rig.waitPassAfterChange(`the pass that reads ${c.id}`, before, (doc) =>
      c.outcome === 'unreadable'
        ? doc.source.up === false && (doc.source.error ?? '').includes(c.expect)
        : revision !== undefined
          ? doc.rejected?.revision === revision && doc.lastPass?.result === 'rejected'
          : doc.lastPass?.result === 'rejected' && doc.rejected?.errors.some((e) => e.message.includes(c.expect)) === true,
    );
    if (c.outcome === 'unreadable') {
      // Not a failed pass: the router is read and held to the last good state, and stays ready.
      expect(s.lastPass?.result).toBe('converged');
      expect(s.rejected).toBeUndefined();
      expect(s.source.consecutiveFailures).toBeGreaterThanOrEqual(1);
      expect(typeof s.source.since).toBe('string');
      expect((await rig.get('/readyz')).status).toBe(200);
    }
    // 1. a clear error naming what is wrong (and the file)
    const error = errorOf(c, s);
    // 2. the router unchanged, by QUERY
    expect(await rig.snapshot()).toEqual(baseline);
    // 3. the controller still running
    expect(await rig.healthy()).toBe(true);
    // 4. the last good state still applied
    expect(s.source.appliedRevision).toBe(goodRevision);
    expect((await rig.planAgainstRouter(goodState)).operations).toEqual([]);
    tally('hostile', c.area, c.id, error);
  });

  it('after the whole catalogue the last good state is still enforced: drift is repaired, and a valid edit converges', async () => {
    const bad = await rig.write(`${goodText()}\n,`);
    await rig.waitPassAfterChange('the final bad file', (await rig.status()).lastPass?.id ?? 0, (s) => s.rejected?.revision === bad);
    await rig.management.delete('io.skupper.router.tcpListener', 'web');
    rig.controller.trigger('test: drift');
    await expect.poll(() => rig.snapshot(), { timeout: 20_000 }).toEqual(baseline);

    const edited = JSON.stringify([...GOOD, ['listener', { name: 'after-catalogue', port: '30999' }]]);
    const before = (await rig.status()).lastPass?.id ?? 0;
    const revision = await rig.write(edited);
    await rig.waitPassAfterChange('the valid edit', before, (s) => s.source.appliedRevision === revision && s.lastPass?.result === 'converged');
    const snap = await rig.snapshot();
    expect(Object.keys(snap)).toContain('listener/after-catalogue');
    expect((await rig.planAgainstRouter(stateOf(edited))).operations).toEqual([]);
  });
});

describe('hostile configs against a controller run with CONFIG_MAX_BYTES=4096 and CONFIG_MAX_ENTITIES=12 in its environment', () => {
  let limited: Rig;
  let limitedBaseline: RouterSnapshot;
  const revision = revisionOf(goodText());

  beforeAll(async () => {
    limited = await Rig.start({ config: goodText(), env: LIMIT_ENV });
    await limited.waitConverged(revision);
    limitedBaseline = await limited.snapshot();
  });

  afterAll(async () => {
    await limited.close();
  });

  it.each(LIMIT_CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const before = (await limited.status()).lastPass?.id ?? 0;
    const written = await put(c.input, limited, Number(LIMIT_ENV['CONFIG_MAX_BYTES']));
    const s = await limited.waitPassAfterChange(`the pass that reads ${c.id}`, before, (doc) =>
      doc.lastPass?.result === 'rejected' && (written === undefined || doc.rejected?.revision === written) && doc.rejected?.errors.some((e) => e.message.includes(c.expect)) === true,
    );
    // 1. a clear error naming the file and the setting
    const error = errorOf(c, s, limited);
    // 2. the router unchanged, 3. the controller running, 4. the last good state applied
    expect(await limited.snapshot()).toEqual(limitedBaseline);
    expect(await limited.healthy()).toBe(true);
    expect(s.source.appliedRevision).toBe(revision);
    expect((await limited.planAgainstRouter(goodState)).operations).toEqual([]);
    tally('hostile', c.area, c.id, error);
  });
});

describe(`hostile configs against a controller run with HTTP_PORT=${RESERVED_ENV['HTTP_PORT']}: listeners on the ports it holds`, () => {
  let reserved: Rig;
  let reservedBaseline: RouterSnapshot;
  const revision = revisionOf(goodText());

  beforeAll(async () => {
    reserved = await Rig.start({ config: goodText(), env: RESERVED_ENV });
    await reserved.waitConverged(revision);
    reservedBaseline = await reserved.snapshot();
  });

  afterAll(async () => {
    await reserved.close();
  });

  it('serves HTTP on the reserved port', () => {
    expect(reserved.controller.httpPort).toBe(Number(RESERVED_ENV['HTTP_PORT']));
  });

  it.each(RESERVED_CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const before = (await reserved.status()).lastPass?.id ?? 0;
    const written = await put(c.input, reserved);
    const s = await reserved.waitPassAfterChange(`the pass that reads ${c.id}`, before, (doc) =>
      doc.lastPass?.result === 'rejected' && doc.rejected?.revision === written,
    );
    // 1. a clear error naming the port's owner and the setting, at the listener's port
    const error = errorOf(c, s, reserved);
    expect((await reserved.get('/readyz')).status).toBe(503);
    // 2. the router unchanged, 3. the controller running (and its HTTP port still its own), 4. the last good state applied
    expect(await reserved.snapshot()).toEqual(reservedBaseline);
    expect(await reserved.healthy()).toBe(true);
    expect(s.source.appliedRevision).toBe(revision);
    expect((await reserved.planAgainstRouter(goodState)).operations).toEqual([]);
    tally('hostile', c.area, c.id, error);
  });
});
