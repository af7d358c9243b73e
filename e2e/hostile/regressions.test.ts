/**
 * Product bugs the hardening suites found, kept as regression tests (each failed before its
 * fix). The clock-jump bug (K2) has its test in e2e/faults/file-and-clock.test.ts.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../controller/fs/atomic-write.js';
import { loadSettings, SettingsError } from '../../controller/settings.js';
import { FileSource, revisionOf } from '../../controller/sources/file-source.js';
import { EdgeletV1Client } from '../../controller/sources/edgelet/index.js';
import { FakeEdgelet } from '../fake-edgelet/fake-edgelet.js';
import { EXIT } from '../../controller/cli/io.js';
import { GOOD, goodText } from './catalogue-config.js';
import { writeBytes } from './support/file-states.js';
import { Rig, waitFor } from './support/rig.js';
import { runInProcess } from './support/run-cli.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('regressions found by the hardening suites', () => {
  it('K1 controller/sources/file-source.ts: a change written 20 ms after the previous one is reported (not lost to chokidar\'s 50 ms change throttle)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iofog-k1-'));
    const file = join(dir, 'skrouterd.json');
    await writeFileAtomic(file, 'v0');
    const source = new FileSource({ file, debounceMs: 10 });
    let seen = 0;
    await source.start(() => {
      seen++;
      void source.read();
    });
    await source.read();
    let lost = 0;
    try {
      // Writes 20 ms apart, each waited for: every other one lands inside the 50 ms throttle
      // window of the event that reported the previous one, and is never reported.
      for (let i = 0; i < 10; i++) {
        const before = seen;
        await writeFileAtomic(file, `v${i + 1}`); // v0 is already there: an identical write is no change
        await sleep(20);
        const reported = await waitFor(`write ${i} reported`, () => (seen > before ? true : undefined), 2_000).catch(() => false);
        if (!reported) lost++;
      }
    } finally {
      await source.close();
      await rm(dir, { recursive: true, force: true });
    }
    // Fix: after the debounced check, check again once chokidar's throttle window (50 ms) has passed.
    expect(lost).toBe(0);
  });

  it('K3 controller/settings.ts describe(): an integer out of range says so, not "expected a whole number"', () => {
    for (const [variable, value] of [['ROUTER_MGMT_PORT', '0'], ['HTTP_PORT', '70000'], ['MGMT_MAX_IN_FLIGHT', '0']] as const) {
      let message = '';
      try {
        loadSettings({ [variable]: value });
      } catch (error) {
        if (error instanceof SettingsError) message = error.message;
      }
      expect(message).toContain(`${variable}="${value}"`);
      expect(message).not.toContain('expected a whole number');
    }
  });

  it('K4 schemas/settings.ts routerUrl: ROUTER_URL=amqp:// (no host) is an invalid setting (exit 78), not an internal error (exit 70)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iofog-k4-'));
    try {
      const result = await runInProcess(
        { id: 'k4', area: 'settings', title: 'ROUTER_URL without a host', args: ['run'], env: { ROUTER_URL: 'amqp://' }, exit: EXIT.config, expect: 'ROUTER_URL' },
        { dir, router: 'amqp://127.0.0.1:1', good: join(dir, 'good.json') },
      ).catch((error: unknown) => ({ code: -1, stdout: '', stderr: `threw: ${String(error)}` }));
      expect(result.stderr).toContain('ROUTER_URL="amqp://"');
      expect(result.code).toBe(EXIT.config);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('K5 controller/sources/edgelet/node-fetch.ts readBody: a reply over the size limit is refused with a message naming the limit', async () => {
    const fake = await FakeEdgelet.start({ config: GOOD });
    try {
      fake.queueReply(200, `{"x": "${'x'.repeat(17 * 1024 * 1024)}"}`);
      const api = new EdgeletV1Client({ microserviceUid: fake.uuid, host: '127.0.0.1', port: fake.port, tokenDir: fake.tokenDir });
      await expect(api.fetchConfig()).rejects.toThrow(/more than the limit of 8454144 bytes \(2 × CONFIG_MAX_BYTES 4194304 \+ 64 KiB/);
    } finally {
      await fake.close();
    }
  });

  it('K6 controller/sources/file-source.ts read(): a config path that cannot be read is named in the error (a directory)', async () => {
    const r = (rig = await Rig.start({ config: goodText() }));
    await r.waitConverged(revisionOf(goodText()));
    const before = (await r.status()).lastPass?.id ?? 0;
    await rm(r.configFile);
    await mkdir(r.configFile);
    // A source that cannot be read is reported beside the last good state, which the router keeps.
    const s = await r.waitPassAfterChange('the pass that finds a directory', before, (doc) => doc.source.up === false && (doc.source.error ?? '').includes('not a regular file'));
    expect(s.source.error).toContain(r.configFile);
    expect(s.lastPass?.result).toBe('converged');
    expect(s.source.appliedRevision).toBe(revisionOf(goodText()));
  });

  it('K7 controller/sources/file-source.ts read(): a file that is not valid UTF-8 is rejected, not applied with U+FFFD in it', async () => {
    const r = (rig = await Rig.start({ config: goodText() }));
    await r.waitConverged(revisionOf(goodText()));
    const latin1 = Buffer.from(JSON.stringify([...GOOD, ['listener', { name: 'caf\u00e9', port: '30901' }]]), 'latin1');
    const before = (await r.status()).lastPass?.id ?? 0;
    await writeBytes(r.configFile, latin1);
    const s = await r.waitPassAfterChange('the pass that reads Latin-1', before, (doc) => doc.lastPass?.result !== undefined && doc.source.revision === revisionOf(latin1.toString('utf8')));
    expect(Object.keys(await r.snapshot()).filter((k) => k.includes('\ufffd'))).toEqual([]);
    expect(s.rejected?.errors.map((e) => e.message).join('; ') ?? '').toMatch(/UTF-8/);
  });
});
