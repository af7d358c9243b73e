import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLog } from '../log.js';
import { findRouterBinary, IMAGE_ROUTER_PATH } from './find-binary.js';
import { RouterSupervisor } from './supervisor.js';
import { FAKE, rig, until } from './test-support/rig.js';

const setup = rig;

describe('RouterSupervisor', () => {
  let stop: (() => Promise<unknown>) | undefined;
  afterEach(async () => stop?.());

  it('boots from the file, logs router lines with their level, and stops with SIGTERM', async () => {
    const { supervisor, lines, events } = await setup('normal');
    stop = () => supervisor.stop();
    await supervisor.start();
    await until(() => lines.some((l) => l['module'] === 'SERVER'), 'router log line');
    expect(events.boots).toBe(1);
    const started = lines.find((l) => l['module'] === 'SERVER');
    expect(started).toMatchObject({ level: 'info', source: 'skrouterd', msg: expect.stringContaining('boot.json') });
    expect(lines.find((l) => l['stream'] === 'stderr')).toMatchObject({ msg: 'not a router line' });
    const exit = await supervisor.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines.some((l) => l['level'] === 'warn' && l['msg'] === 'Shutting down')).toBe(true);
    expect(events.crashes).toHaveLength(0);
  });

  it('restarts a crashed router with growing backoff, rewriting the boot file first', async () => {
    const { supervisor, events, setMode } = await setup('crash', { markBooted: true });
    stop = () => supervisor.stop();
    await supervisor.start();
    await until(() => events.crashes.length >= 3, 'three crashes');
    expect(events.crashes.map((c) => c.delay).slice(0, 3)).toEqual([50, 100, 200]);
    expect(events.crashes[0]?.exit.code).toBe(1);
    expect(events.crashes.every((c) => c.cause === 'crash')).toBe(true);
    setMode('normal');
    await until(() => events.started.length >= 4 && supervisor.pid !== undefined, 'restart');
    expect(events.started.slice(1).every((r) => r === 'crash')).toBe(true);
    expect(events.boots).toBe(events.started.length);
  });

  it('kills a router that ignores SIGTERM after the grace period', async () => {
    const { supervisor } = await setup('stubborn', { stopGraceMs: 300 });
    await supervisor.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(await supervisor.stop()).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('controlled restart: stop, new boot file, start — not counted as a crash', async () => {
    const { supervisor, events } = await setup('normal');
    stop = () => supervisor.stop();
    await supervisor.start();
    const first = supervisor.pid;
    await supervisor.restart('restart-only change');
    expect(supervisor.pid).not.toBe(first);
    expect(events.started).toEqual(['start', 'restart-only change']);
    expect(events.crashes).toHaveLength(0);
  });

  it('rejects start when the binary cannot run', async () => {
    const broken = new RouterSupervisor({ binary: '/nonexistent/skrouterd', bootFile: '/tmp/x', log: createLog({ write: () => undefined }), prepareBoot: async () => {} });
    await expect(broken.start()).rejects.toThrow(/ENOENT/);
  });
});

describe('findRouterBinary', () => {
  it('prefers the configured path, then PATH, and says undefined when nothing exists', () => {
    expect(findRouterBinary(FAKE, '')).toBe(FAKE);
    expect(findRouterBinary('/nonexistent/skrouterd', '')).toBeUndefined();
    const imageRouter = existsSync(IMAGE_ROUTER_PATH) ? IMAGE_ROUTER_PATH : undefined;
    expect(findRouterBinary(undefined, '/nonexistent-a:/nonexistent-b')).toBe(imageRouter);
    expect(findRouterBinary(undefined, `/nonexistent-a:${import.meta.dirname}/test-support`)).toBe(imageRouter);
  });
});
