/**
 * The disk full (ENOSPC after a partial write) or read-only (EROFS) while the boot file is
 * written, with the controller supervising a router (the built simulator, run as skrouterd
 * would be: `-c BOOT_FILE`). The write is atomic, so the previous boot file must stay intact;
 * the live router must still converge over management; and once the disk recovers, a router
 * crash must boot the newest desired state. Nothing may be lost.
 */
import { existsSync } from 'node:fs';
import type * as fsPromises from 'node:fs/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Controller } from '../../controller/controller.js';
import { writeFileAtomic } from '../../controller/fs/atomic-write.js';
import { createLog } from '../../controller/log.js';
import type { StatusDocument } from '../../controller/loop/status.js';
import { ManagementClient } from '../../controller/management/index.js';
import { freePort } from '../../controller/net/free-port.js';
import { loadSettings } from '../../controller/settings.js';
import { revisionOf } from '../../controller/sources/file-source.js';
import { goodText } from '../hostile/catalogue-config.js';
import { makeCerts, planAgainst, stateOf, waitFor } from '../hostile/support/rig.js';
import { tally } from '../hostile/support/tally.js';
import { cycleConfig } from './support/cycles.js';

type FsPromises = typeof fsPromises;

const disk = vi.hoisted(() => ({ fault: undefined as 'ENOSPC' | 'EROFS' | undefined, bootFile: '', hits: 0 }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<FsPromises>();
  const failing = (code: string, path: string) => Object.assign(new Error(`${code}: injected, open '${path}'`), { code });
  const open = (async (path: Parameters<typeof fs.open>[0], ...rest: [string?, number?]) => {
    const name = String(path);
    const isBootTemp = disk.bootFile !== '' && name.startsWith(join(disk.bootFile, '..')) && name.includes('boot.json.') && name.endsWith('.tmp');
    if (!disk.fault || !isBootTemp) return fs.open(path, ...rest);
    disk.hits++;
    if (disk.fault === 'EROFS') throw failing('EROFS', name);
    const handle = await fs.open(path, ...rest);
    // A full disk: part of the data lands, then the write fails.
    return new Proxy(handle, {
      get(target, key) {
        if (key === 'writeFile') return async (data: string) => {
          await target.write(data.slice(0, 64));
          throw failing('ENOSPC', name);
        };
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }) as typeof fs.open;
  return { ...fs, open, default: { ...fs, open } };
});

const SIMULATOR = fileURLToPath(new URL('../../dist/e2e/simulator/main.js', import.meta.url));
/**
 * Each cycle crashes the router, and its restarts fail while the disk is full; the supervisor's
 * restart delay doubles per failure (from 50 ms here, capped at 30 s) and only resets after 60 s
 * up, so later cycles wait up to 30 s each for the restart.
 */
const CYCLES = process.env['FAULTS_LONG'] === '1' ? 5 : 2;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  disk.fault = undefined;
  await cleanup?.();
  cleanup = undefined;
});

async function supervised() {
  const dir = await mkdtemp(join(tmpdir(), 'iofog-faults-boot-'));
  const configFile = join(dir, 'skrouterd.json');
  const bootFile = join(dir, 'boot.json');
  disk.bootFile = bootFile;
  await writeFileAtomic(configFile, goodText());
  const certs = await makeCerts(dir);
  const port = await freePort();
  const settings = loadSettings({
    SKUPPER_PLATFORM: 'kubernetes', QDROUTERD_CONF: configFile, ROUTER_BOOT_FILE: bootFile, QDROUTERD_HOME: dir,
    ROUTER_MGMT_PORT: String(port), HTTP_PORT: '0', SSL_PROFILE_PATH: certs, DEBOUNCE_MS: '10', RESYNC_SECONDS: '3600', MGMT_TIMEOUT_MS: '2000',
  });
  const log = createLog({ level: 'error', json: true, write: () => undefined });
  const controller = await Controller.start({
    settings, log, httpHost: '127.0.0.1',
    router: { binary: process.execPath, args: [SIMULATOR, '--no-latency'] },
    supervisor: { restartBaseMs: 50, stopGraceMs: 2000 },
  });
  // The controller's own channel (mTLS by default): the router admits no other client.
  const management = new ManagementClient({ ...controller.managementConnection, timeoutMs: 5000, reconnectInitialDelayMs: 20 });
  cleanup = async () => {
    await management.close();
    await controller.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const status = (): StatusDocument => controller.status.document;
  const converged = (revision: string) =>
    waitFor(`convergence on ${revision}`, () => {
      const s = status();
      return s.source.appliedRevision === revision && s.lastPass?.result === 'converged' ? true : undefined;
    }, 30_000);
  const routerHolds = async (text: string) => (await planAgainst(management, stateOf(text), certs)).operations.length === 0;
  return { controller, configFile, bootFile, status, converged, routerHolds };
}

describe.runIf(existsSync(SIMULATOR))('the disk full or read-only while the boot file is written', () => {
  it.each([['ENOSPC'], ['EROFS']] as const)('%s: the previous boot file stays intact and nothing is lost', { timeout: Math.max(60_000, CYCLES * 45_000) }, async (fault) => {
    const rig = await supervised();
    await rig.converged(revisionOf(goodText()));
    let figures = { cycles: 0, bootFileIntact: 0, convergedWhileFull: 0, bootedNewestAfterRecovery: 0, lost: 0 };
    for (let i = 0; i < CYCLES; i++) {
      const previousBoot = await readFile(rig.bootFile, 'utf8');
      disk.fault = fault;
      const text = cycleConfig(200 + i, 4);
      const revision = revisionOf(text);
      await writeFileAtomic(rig.configFile, text);
      // The failed write is reported, the old boot file is untouched, and the live router still converges.
      await waitFor('the failed boot-file write in /status', () => {
        const s = rig.status();
        return s.lastPass?.result === 'failed' && s.lastPass.error?.includes(fault) ? true : undefined;
      });
      expect(await readFile(rig.bootFile, 'utf8')).toBe(previousBoot);
      figures.bootFileIntact++;
      await rig.converged(revision);
      expect(await rig.routerHolds(text)).toBe(true);
      figures.convergedWhileFull++;
      // The router crashes while the disk is still full: it cannot be given a new boot file.
      const pid = rig.controller.routerPid;
      process.kill(pid ?? 0, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await readFile(rig.bootFile, 'utf8')).toBe(previousBoot);
      // The disk recovers: the router boots from a boot file holding the newest desired state.
      disk.fault = undefined;
      await waitFor('the router restarted', () => (rig.controller.routerPid !== undefined && rig.controller.routerPid !== pid ? true : undefined), 30_000);
      await waitFor('the router holding the newest state', async () => ((await rig.routerHolds(text)) ? true : undefined), 30_000);
      expect(stateOf(await readFile(rig.bootFile, 'utf8')).entities.map((e) => e.name)).toEqual(
        expect.arrayContaining(stateOf(text).entities.map((e) => e.name)),
      );
      figures.bootedNewestAfterRecovery++;
      figures.cycles++;
    }
    figures = { ...figures, lost: figures.cycles - figures.bootedNewestAfterRecovery };
    console.info(`disk ${fault} while writing the boot file: ${JSON.stringify({ ...figures, injectedWriteFailures: disk.hits })}`);
    tally('faults', `boot file write ${fault}`, 'cycles', JSON.stringify(figures));
    expect(figures.lost).toBe(0);
    expect(disk.hits).toBeGreaterThan(0);
  });
});
