/**
 * SIGTERM in the middle of a large apply: the built CLI supervising the router target (the
 * simulator, with its latency model: a 5,000-entity apply takes tens of seconds, as on a real
 * 3.5.1), SIGTERM once the apply is under way. The pass must stop at its next operation boundary
 * (requests in flight finish or time out), the router must be stopped, and the process must exit
 * within 5 s plus the router's own stop time, whatever the size of the plan. Needs the build
 * (`npx tsc -p tsconfig.build.json`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ControllerProcess, waitFor, type LogLine } from '../harness/controller-process.js';
import { routerTarget } from '../harness/router-target.js';
import { recordTiming } from '../harness/timings.js';
import { tally } from '../hostile/support/tally.js';

const target = routerTarget();
const ENTITIES = 5_000;
/** The bound of the issue: exit within this much plus the router's own stop time. */
const EXIT_BOUND_MS = 5_000;

let c: ControllerProcess | undefined;
afterEach(async () => {
  await c?.dispose();
  c = undefined;
});

function bigConfig(size: number): string {
  const entities: [string, Record<string, unknown>][] = [['router', { id: 'sigterm', mode: 'interior' }]];
  for (let i = 0; i < size; i++) entities.push(['tcpListener', { name: `t${i}`, host: '127.0.0.1', port: String(10_000 + i), address: `a${i}` }]);
  return JSON.stringify(entities);
}

const at = (logs: readonly LogLine[], msg: string): number | undefined => {
  const line = logs.find((l) => l.msg === msg);
  return typeof line?.['time'] === 'string' ? Date.parse(line['time']) : undefined;
};

describe(`SIGTERM during a ${ENTITIES}-entity apply, against the ${target.kind}`, () => {
  it('stops the pass at an operation boundary and exits within 5 s plus the router stop time', { timeout: 120_000 }, async () => {
    const proc = (c = await ControllerProcess.start({ target, config: JSON.stringify([['router', { id: 'sigterm', mode: 'interior' }]]), env: { LOG_LEVEL: 'info' } }));
    await waitFor('the first converged pass', async () => ((await proc.status()).lastPass?.result === 'converged' ? true : undefined));
    const pid = await proc.routerPid();
    await proc.writeConfig(bigConfig(ENTITIES));
    // Under way: some of the plan applied, most of it not.
    const applied = await waitFor(
      'the apply to be under way',
      async () => {
        const n = (await proc.management.query('io.skupper.router.tcpListener', ['name'])).length;
        return n >= 100 ? n : undefined;
      },
      60_000,
    );
    const started = performance.now();
    const exit = await proc.stop('SIGTERM');
    const exitMs = performance.now() - started;
    const routerStopMs = Math.max(0, (at(proc.logs, 'router stopped') ?? 0) - (at(proc.logs, 'loop stopped; stopping the router') ?? 0));
    const stopped = proc.logs.find((l) => l.msg === 'pass stopped: the controller is stopping');
    const figures = { entities: ENTITIES, appliedAtSigterm: applied, exitMs: Math.round(exitMs), routerStopMs, pass: stopped?.['error'] };
    console.info(`SIGTERM mid-apply: ${JSON.stringify(figures)}`);
    tally('faults', 'SIGTERM mid-apply', `${ENTITIES} entities`, JSON.stringify(figures));
    recordTiming(`SIGTERM during a ${ENTITIES}-entity apply → exited`, target.kind, exitMs);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(stopped, 'the running pass was stopped, not waited for').toBeDefined();
    expect(String(stopped?.['error'])).toMatch(/stopped after \d+ of \d+ operation/);
    expect(() => process.kill(pid, 0), 'the router is stopped').toThrow();
    expect(exitMs - routerStopMs).toBeLessThan(EXIT_BOUND_MS);
  });
});
