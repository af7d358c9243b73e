import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { controlledRestartAt, crashDelayMs, nextConsecutive, shortenedDueAt } from './restart-policy.js';
import { routerNotReadyReason } from './router-health.js';
import type { RouterSupervisor } from './supervisor.js';
import { rig, until } from './test-support/rig.js';

let current: RouterSupervisor | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

describe('boot file fallback', () => {
  it('a new boot file that exits during boot: restarted at once from the last boot file that booted, with the router\'s own words', async () => {
    const r = await rig('normal');
    current = r.supervisor;
    await r.supervisor.start();
    await r.supervisor.booted();
    expect(await readFile(`${r.bootFile}.last-good`, 'utf8')).toBe('normal');
    r.setMode('bootfail');
    await r.supervisor.restart('restart-only change');
    await until(() => r.events.started.length === 3 && r.supervisor.pid !== undefined, 'the fallback start');
    expect(r.events.crashes).toMatchObject([{ cause: 'bootFailure', delay: 0, exit: { code: 1 } }]);
    expect(r.events.started).toEqual(['start', 'restart-only change', 'boot failure']);
    const health = r.supervisor.health();
    expect(health).toMatchObject({ running: true, bootSource: 'last-bootable', restarts: { crash: 0, restartOnly: 1, bootFailure: 1 }, crashLooping: false });
    expect(health.lastExit).toMatchObject({ code: 1, duringBoot: true });
    expect(health.lastExit?.stderr.at(-1)).toMatch(/Listener requires a self-identifying certificate/);
    expect(routerNotReadyReason(health)).toBeUndefined();
    const failure = r.lines.find((l) => String(l['msg']).startsWith('router exited during boot'));
    expect(failure?.['stderr']).toEqual(expect.arrayContaining([expect.stringContaining('self-identifying')]));
    // The desired boot file still holds what the controller wrote; the router never boots it again unchanged.
    expect(await readFile(r.bootFile, 'utf8')).toBe('bootfail');
  });

  it('a fixed boot file is tried again at the next restart', async () => {
    const r = await rig('normal');
    current = r.supervisor;
    await r.supervisor.start();
    await r.supervisor.booted();
    r.setMode('bootfail');
    await r.supervisor.restart('restart-only change');
    await until(() => r.supervisor.health().bootSource === 'last-bootable' && r.supervisor.pid !== undefined, 'the fallback');
    r.setMode('normal, fixed');
    r.supervisor.bootFileChanged();
    await r.supervisor.restart('restart-only change');
    expect(r.supervisor.health().bootSource).toBe('desired');
    await r.supervisor.booted();
    expect(await readFile(`${r.bootFile}.last-good`, 'utf8')).toBe('normal, fixed');
  });

  it('nothing booted yet: falls back to the minimal boot file instead of crash-looping', async () => {
    const r = await rig('bootfail', { prepareMinimalBoot: (file) => writeFile(file, 'minimal') });
    current = r.supervisor;
    await r.supervisor.start();
    await until(() => r.supervisor.health().bootSource === 'minimal' && r.supervisor.pid !== undefined, 'the minimal start');
    expect(r.events.crashes.map((c) => c.cause)).toEqual(['bootFailure']);
    await r.supervisor.booted();
    expect(await readFile(`${r.bootFile}.last-good`, 'utf8')).toBe('minimal');
  });

  it('without any fallback, boot failures back off and are reported as a crash loop', async () => {
    const r = await rig('bootfail');
    current = r.supervisor;
    await r.supervisor.start();
    await until(() => r.events.crashes.length >= 3, 'three boot failures');
    expect(r.events.crashes.slice(0, 3).map((c) => [c.cause, c.delay])).toEqual([
      ['bootFailure', 50],
      ['bootFailure', 100],
      ['bootFailure', 200],
    ]);
    const health = r.supervisor.health();
    expect(health.crashLooping).toBe(true);
    expect(routerNotReadyReason(health)).toMatch(/^router crash-looping: \d+ exits in a row, the last with code 1: .*self-identifying/);
    await r.supervisor.stop();
    expect(routerNotReadyReason(r.supervisor.health())).toMatch(/^router crash-looping/);
  });

  it('a changed boot file cuts a long crash backoff short', async () => {
    const r = await rig('bootfail', { restartBaseMs: 50, restartMaxMs: 60_000 });
    current = r.supervisor;
    await r.supervisor.start();
    await until(() => r.events.crashes.length >= 4, 'four boot failures');
    r.setMode('normal');
    const before = r.supervisor.health().nextRestart;
    expect(before?.cause).toBe('bootFailure');
    r.supervisor.bootFileChanged();
    const after = r.supervisor.health().nextRestart;
    // The fourth failure waits 400 ms; after the change, at most the base (50 ms).
    expect(Date.parse(after?.at ?? '')).toBeLessThan(Date.parse(before?.at ?? ''));
    await until(() => r.supervisor.pid !== undefined && r.events.started.length === 5, 'the restart from the fixed file');
  });
});

describe('restart-only changes', () => {
  it('twenty requests with the input changing between them make one restart, after the input is still', async () => {
    const r = await rig('normal', { restartQuietMs: 150, restartMinIntervalMs: 100 });
    current = r.supervisor;
    await r.supervisor.start();
    for (let i = 0; i < 20; i++) {
      r.setMode(`normal ${i % 2}`);
      r.supervisor.bootFileChanged();
      r.supervisor.requestRestart('restart-only change: router/router.id');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await until(() => r.events.started.length === 2 && !r.supervisor.restartPending && r.supervisor.pid !== undefined, 'the restart');
    expect(r.events.started).toEqual(['start', 'restart-only change: router/router.id']);
    expect(r.supervisor.health().restarts).toEqual({ crash: 0, restartOnly: 1, bootFailure: 0 });
  });

  it('a cancelled request does not restart; a request during a crash backoff leaves it to the crash restart', async () => {
    const r = await rig('normal', { restartQuietMs: 10_000 });
    current = r.supervisor;
    await r.supervisor.start();
    r.supervisor.requestRestart('restart-only change');
    expect(r.supervisor.health().nextRestart?.cause).toBe('restartOnly');
    r.supervisor.cancelRestart();
    expect(r.supervisor.restartPending).toBe(false);
    await r.supervisor.stop();
    const failing = await rig('bootfail', { restartBaseMs: 10_000, restartMaxMs: 10_000 });
    current = failing.supervisor;
    await failing.supervisor.start();
    await until(() => failing.supervisor.restartPending, 'the crash backoff');
    failing.supervisor.requestRestart('restart-only change');
    expect(failing.supervisor.health().nextRestart?.cause).toBe('bootFailure');
  });
});

describe('restart policy', () => {
  const t = { restartBaseMs: 1000, restartMaxMs: 30_000, stableAfterMs: 60_000, restartQuietMs: 2000, restartMinIntervalMs: 10_000 };

  it.each([
    [1, 1000],
    [2, 2000],
    [5, 16_000],
    [6, 30_000],
    [40, 30_000],
  ])('crash %i waits %i ms', (n, ms) => expect(crashDelayMs(n, t)).toBe(ms));

  it('a stable run resets the count', () => {
    expect(nextConsecutive(4, 59_999, t)).toBe(5);
    expect(nextConsecutive(4, 60_000, t)).toBe(1);
  });

  it('a new boot file brings a pending crash restart to the base delay, never later', () => {
    expect(shortenedDueAt(100_000 + 30_000, 100_000, t)).toBe(101_000);
    expect(shortenedDueAt(100_500, 100_000, t)).toBe(100_500);
  });

  it('a restart-only change waits for a quiet input and the minimum interval since the last start', () => {
    expect(controlledRestartAt(50_000, 0, t)).toBe(52_000);
    expect(controlledRestartAt(50_000, 45_000, t)).toBe(55_000);
    expect(controlledRestartAt(-Infinity, 45_000, t)).toBe(55_000);
  });
});

describe('routerNotReadyReason', () => {
  const base = { running: true, pid: 7, booted: true, crashLooping: false, consecutiveExits: 0, stderrTail: [], bootSource: 'desired', restarts: { crash: 0, restartOnly: 0, bootFailure: 0 } } as const;
  const exit = { code: null, signal: 'SIGKILL', at: '2026-12-06T00:00:00.000Z', duringBoot: false, stderr: ['ROUTER (critical) gone'] } as const;

  it.each([
    ['running and booted', base, undefined],
    ['running from a fallback boot file', { ...base, bootSource: 'last-bootable' as const }, undefined],
    ['waiting to restart', { ...base, running: false, booted: false, lastExit: exit }, 'router not running (exited with signal SIGKILL: ROUTER (critical) gone)'],
    ['crash-looping', { ...base, running: false, booted: false, crashLooping: true, consecutiveExits: 4, lastExit: { ...exit, signal: null, code: 1 } }, 'router crash-looping: 4 exits in a row, the last with code 1: ROUTER (critical) gone'],
  ])('%s', (_what, health, reason) => expect(routerNotReadyReason(health)).toBe(reason));
});
