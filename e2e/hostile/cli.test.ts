/**
 * The hostile command lines and settings, run while a controller keeps a router: each must end
 * with its documented exit code and a message naming what is wrong, and afterwards the router is
 * unchanged (QUERY), the controller alive and the last good state still applied.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredState } from '../../schemas/index.js';
import { CLI_CASES, type CliCase } from './catalogue-cli.js';
import { goodText } from './catalogue-config.js';
import { builtCliExists, runInProcess, runProcess, type CliPlaces, type CliResult } from './support/run-cli.js';
import { convergedRig, type Rig, type RouterSnapshot } from './support/rig.js';
import { tally } from './support/tally.js';

let rig: Rig;
let places: CliPlaces;
let goodRevision: string;
let goodState: DesiredState;
let baseline: RouterSnapshot;

beforeAll(async () => {
  ({ rig, revision: goodRevision, state: goodState, baseline } = await convergedRig(goodText()));
  const dir = await mkdtemp(join(tmpdir(), 'iofog-hostile-cli-'));
  places = { dir, router: rig.sim.url, good: join(dir, 'good.json') };
  await writeFile(places.good, goodText());
});

afterAll(async () => {
  await rig.close();
  await rm(places.dir, { recursive: true, force: true });
});

async function checkAll(c: CliCase, result: CliResult): Promise<void> {
  // 1. the documented exit code and a clear message
  expect(result.code, `${c.id}: stdout ${result.stdout}\nstderr ${result.stderr}`).toBe(c.exit);
  expect(`${result.stderr}${result.stdout}`).toContain(c.expect);
  expect(result.stderr).not.toContain('iofog-router: internal error');
  // 2. the router unchanged, by QUERY
  expect(await rig.snapshot()).toEqual(baseline);
  // 3. the controller still running
  expect(await rig.healthy()).toBe(true);
  // 4. the last good state still applied
  expect((await rig.status()).source.appliedRevision).toBe(goodRevision);
  expect((await rig.planAgainstRouter(goodState)).operations).toEqual([]);
}

describe('hostile command lines and settings (in process)', () => {
  it('has distinct ids', () => {
    expect(new Set(CLI_CASES.map((c) => c.id)).size).toBe(CLI_CASES.length);
  });

  it.each(CLI_CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const result = await runInProcess(c, places);
    await checkAll(c, result);
    expect(existsSync(join(places.dir, 'pwned'))).toBe(false);
    if (c.id === 'setting-several') {
      for (const variable of ['HTTP_PORT', 'SSL', 'LOG_LEVEL']) expect(result.stderr).toContain(variable);
    }
    tally('hostile', c.area, c.id, `${result.code}: ${result.stderr.split('\n')[0] ?? ''}`);
  });
});

/** A process start costs seconds on a busy machine: CI runs one entry per exit code, HOSTILE_LONG=1 all of them. */
const PROCESS_CASES = process.env['HOSTILE_LONG'] === '1'
  ? CLI_CASES
  : CLI_CASES.filter((c) => ['cli-unknown-command', 'cli-validate-shell-name', 'cli-plan-unreachable', 'cli-run-platform', 'setting-several'].includes(c.id));

describe.runIf(builtCliExists)('hostile command lines and settings (the built iofog-router process)', () => {
  it(`${PROCESS_CASES.length} entries give the same exit code and message from the real process`, async () => {
    const batch = 4;
    for (let i = 0; i < PROCESS_CASES.length; i += batch) {
      const slice = PROCESS_CASES.slice(i, i + batch);
      const results = await Promise.all(slice.map((c) => runProcess(c, places)));
      for (const [j, c] of slice.entries()) {
        await checkAll(c, results[j] ?? { code: null, stdout: '', stderr: '' });
        tally('hostile', `${c.area} (process)`, c.id, results[j]?.code ?? 'none');
      }
    }
    expect(existsSync(join(places.dir, 'pwned'))).toBe(false);
  });
});
