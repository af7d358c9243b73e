/**
 * Operator visibility (issue 17), with the real CLI against the chosen router target: a running
 * controller whose uplink connector's peer is closed. `iofog-router status` shows the link down
 * with the router's message and exits 1; with the connector gone it exits 0. `/metrics` has
 * `iofog_router_link_up 0` for it. Written to pass unchanged against a real skrouterd 3.5.1,
 * which reports such a connector as `CONNECTING` with "Connection refused" in `connectionMsg`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeSkrouterdConfig } from '../../schemas/config/index.js';
import type { DesiredEntity } from '../../schemas/index.js';
import { ControllerProcess, freePort, waitFor } from '../harness/controller-process.js';
import { routerTarget } from '../harness/router-target.js';

const target = routerTarget();
const CLI = fileURLToPath(new URL('../../dist/controller/cli/main.js', import.meta.url));

let running: ControllerProcess[] = [];
afterEach(async () => {
  await Promise.all(running.map((c) => c.dispose()));
  running = [];
});
beforeAll(() => console.info(`e2e router target: ${target.description}`));
afterAll(() => console.info(`e2e scenarios ran against: ${target.description}`));

/** `iofog-router status ARGS` as an operator runs it; resolves with its exit code and output. */
function status(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'status', ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe(`operator visibility against the ${target.kind}`, () => {
  it('iofog-router status exits 1 and shows an uplink whose peer is closed as down, with the router\'s message', async () => {
    const closedPort = await freePort();
    const router: DesiredEntity = { kind: 'router', name: 'router', attributes: { id: 'e2e-operator', mode: 'edge' } };
    const uplink: DesiredEntity = { kind: 'connector', name: 'uplink', attributes: { host: '127.0.0.1', port: String(closedPort), role: 'edge' } };
    const config = writeSkrouterdConfig({ entities: [router, uplink] });
    const controller = await ControllerProcess.start({ target, config });
    running.push(controller);
    await controller.waitConverged(controller.revisionOf(config));
    const url = `http://127.0.0.1:${controller.httpPort}`;

    // The first look starts the health poller; the link shows up within a reading.
    const down = await waitFor('status to show the uplink down', async () => {
      const r = await status(['--url', url]);
      return /^uplink +edge +127\.0\.0\.1:\d+ +DOWN /m.test(r.stdout) ? r : undefined;
    });
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^STATE +converged$/m);
    expect(down.stdout).toContain('LINKS: 0 up, 1 down');
    expect(down.stdout).toContain(`Connection to 127.0.0.1:${closedPort} failed`);

    const json = await status(['--url', url, '--json']);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { converged: boolean; linksDown: string[]; status: { links?: { name: string; up: boolean; connectionStatus: string }[] } };
    expect(parsed).toMatchObject({ converged: true, linksDown: ['uplink'] });
    expect(parsed.status.links).toEqual([expect.objectContaining({ name: 'uplink', up: false, connectionStatus: 'CONNECTING' })]);

    const metrics = await (await controller.get('/metrics')).text();
    expect(metrics).toContain('iofog_router_link_up{name="uplink",role="edge"} 0');

    // Without the connector there is no link to be down: converged, exit 0.
    const without = writeSkrouterdConfig({ entities: [router] });
    await controller.writeConfig(without);
    await controller.waitConverged(controller.revisionOf(without));
    const clean = await waitFor('status without the link', async () => {
      const r = await status(['--url', url]);
      return r.stdout.includes('LINKS: 0 up, 0 down') ? r : undefined;
    });
    expect(clean.code).toBe(0);
  });
});
