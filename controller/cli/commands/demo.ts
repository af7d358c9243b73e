/**
 * `iofog-router demo`: the controller in kubernetes (file) mode against the built-in simulator
 * (or a real skrouterd when one is found), driven through a scripted series of config edits.
 * Each step prints the plan the controller made and how long it took to converge.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeSkrouterdConfig } from '../../../schemas/config/index.js';
import type { DesiredEntity } from '../../../schemas/index.js';
import { formatPlanTable } from '../../../reconcilers/format-plan.js';
import { Controller } from '../../controller.js';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { createLog } from '../../log.js';
import type { PassReport } from '../../loop/reconciler.js';
import { ManagementClient } from '../../management/index.js';
import { freePort } from '../../net/free-port.js';
import { findRouterBinary } from '../../router/find-binary.js';
import { loadSettings } from '../../settings.js';
import { revisionOf } from '../../sources/file-source.js';
import { EXIT, type CliIo } from '../io.js';

export const DEMO_USAGE = `Usage: iofog-router demo [--verbose]

Runs the controller against the built-in skupper-router simulator (or against a real
skrouterd when SKROUTERD_BIN or PATH has one), edits its config file step by step, and
prints each plan and the time each edit took to converge. Leaves nothing behind.

Options:
  --verbose    also print the controller's own log lines (info and above)
  -h, --help   show this help

Exit status: 0 every step behaved as expected, 1 a step did not, 64 bad usage.
`;

const WAIT_MS = 30_000;
/** Set by the bundle (router-build/bundle.mjs `define`): where the simulator is beside it. */
declare const IOFOG_ROUTER_SIMULATOR: string | undefined;
/** The simulator's entry point: beside the bundle, or beside this command in the build (`dist/`). */
const SIMULATOR_MAIN = fileURLToPath(new URL(typeof IOFOG_ROUTER_SIMULATOR === 'string' ? IOFOG_ROUTER_SIMULATOR : '../../../e2e/simulator/main.js', import.meta.url));
const TCP = 'io.skupper.router.tcpListener';

interface Ports {
  amqp: number;
  web: number;
  webBackend: number;
  api: number;
}

/** The config of each step, built from the previous one. */
function baseConfig(ports: Ports): DesiredEntity[] {
  return [
    { kind: 'router', name: 'demo-edge', attributes: { id: 'demo-edge', mode: 'edge' } },
    { kind: 'listener', name: 'edge-amqp', attributes: { host: '127.0.0.1', port: String(ports.amqp), role: 'normal' } },
    { kind: 'log', name: 'log/DEFAULT', attributes: { module: 'DEFAULT', enable: 'info+' } },
    { kind: 'tcpListener', name: 'web', attributes: { host: '127.0.0.1', port: String(ports.web), address: 'web' } },
    { kind: 'tcpConnector', name: 'web-backend', attributes: { host: '127.0.0.1', port: String(ports.webBackend), address: 'web' } },
  ];
}

interface Step {
  readonly title: string;
  /** The new file text. */
  readonly text: string;
  /** What the step expects of the pass that reads it. */
  readonly expect: 'converged' | 'rejected';
}

function steps(ports: Ports): Step[] {
  const base = baseConfig(ports);
  const file = (entities: DesiredEntity[]) => writeSkrouterdConfig({ entities });
  const withApi: DesiredEntity[] = [
    ...base,
    { kind: 'tcpListener', name: 'api', attributes: { host: '127.0.0.1', port: String(ports.api), address: 'api' } },
    { kind: 'tcpConnector', name: 'api-backend', attributes: { host: '127.0.0.1', port: '8081', address: 'api' } },
  ];
  const debugLog = withApi.map((e) => (e.name === 'log/DEFAULT' ? { ...e, attributes: { ...e.attributes, enable: 'debug+' } } : e));
  const movedBackend = debugLog.map((e) => (e.name === 'web-backend' ? { ...e, attributes: { ...e.attributes, port: '9090' } } : e));
  const withoutApi = movedBackend.filter((e) => e.name !== 'api' && e.name !== 'api-backend');
  return [
    { title: 'add a tcpListener/tcpConnector pair (creates)', text: file(withApi), expect: 'converged' },
    { title: 'raise the DEFAULT log level (a live UPDATE)', text: file(debugLog), expect: 'converged' },
    { title: "move web-backend's port (create-only: delete + create)", text: file(movedBackend), expect: 'converged' },
    { title: 'remove the api pair (deletes, users first)', text: file(withoutApi), expect: 'converged' },
    {
      title: 'write an invalid file (port 70000): rejected, last good state kept',
      text: file(withoutApi).replace('"9090"', '"70000"'),
      expect: 'rejected',
    },
    { title: 'fix the file again', text: file(withoutApi), expect: 'converged' },
  ];
}

/** Lets a step wait for the first pass report, from now on, that matches. */
class PassWatch {
  readonly #waiting = new Set<{ match: (r: PassReport) => boolean; done: (r: PassReport) => void }>();

  add(report: PassReport): void {
    for (const waiter of this.#waiting) if (waiter.match(report)) waiter.done(report);
  }

  next(match: (r: PassReport) => boolean): Promise<PassReport> {
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        done: (report: PassReport) => {
          clearTimeout(timer);
          this.#waiting.delete(waiter);
          resolve(report);
        },
      };
      const timer = setTimeout(() => {
        this.#waiting.delete(waiter);
        reject(new Error(`no matching pass within ${WAIT_MS / 1000} s`));
      }, WAIT_MS);
      this.#waiting.add(waiter);
    });
  }
}

export async function demoCommand(args: string[], io: CliIo): Promise<number> {
  let verbose = false;
  try {
    const { values } = parseArgs({ args, strict: true, options: { verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      io.stdout(DEMO_USAGE);
      return EXIT.ok;
    }
    verbose = values.verbose ?? false;
  } catch (error) {
    io.stderr(`iofog-router demo: ${error instanceof Error ? error.message : String(error)}\n\n${DEMO_USAGE}`);
    return EXIT.usage;
  }

  const dir = await mkdtemp(join(tmpdir(), 'iofog-router-demo-'));
  const binary = findRouterBinary(process.env['SKROUTERD_BIN'], process.env['PATH']);
  let controller: Controller | undefined;
  let failures = 0;
  try {
    const ports: Ports = { amqp: await freePort(), web: await freePort(), webBackend: 8080, api: await freePort() };
    const configFile = join(dir, 'skrouterd.json');
    const managementPort = await freePort();
    // Without skrouterd, the simulator runs as the supervised router process, with skrouterd's
    // command line (`-c BOOT_FILE`), so the demo takes the same path as production.
    const router = binary === undefined ? { binary: process.execPath, args: [SIMULATOR_MAIN] } : { binary };
    io.stdout(
      binary === undefined
        ? `No skrouterd found: supervising the built-in simulator (latency model on).\n`
        : `Supervising the real router ${binary}.\n`,
    );

    const initial = writeSkrouterdConfig({ entities: baseConfig(ports) });
    await writeFileAtomic(configFile, initial);
    const settings = loadSettings({
      SKUPPER_PLATFORM: 'kubernetes',
      QDROUTERD_CONF: configFile,
      ROUTER_BOOT_FILE: join(dir, 'boot.json'),
      QDROUTERD_HOME: dir,
      ROUTER_MGMT_PORT: String(managementPort),
      HTTP_PORT: '0',
      RESYNC_SECONDS: '3600',
      DEBOUNCE_MS: '50',
      LOG_LEVEL: verbose ? 'info' : 'error',
    });
    const watch = new PassWatch();
    const log = createLog({ level: settings.logLevel, write: (line) => io.stderr(`${line}\n`) });
    const started = performance.now();
    controller = await Controller.start({ settings, log, router, httpHost: '127.0.0.1', onPass: (r) => watch.add(r) });
    const management = controller.managementConnection;
    io.stdout(`Controller up; management on ${management.url} (mutual TLS: only this process holds the client key); /status at http://127.0.0.1:${controller.httpPort}/status\n`);

    const expectStep = async (title: string, wait: Promise<PassReport>, since: number, expect: Step['expect']) => {
      const report = await wait;
      const ms = Math.round(performance.now() - since);
      const ok = report.result === expect;
      if (!ok) failures++;
      io.stdout(`\n== ${title}\n${formatPlanTable(report.plan)}`);
      io.stdout(`-> ${report.result} in ${ms} ms (pass #${report.id}, ${report.plan.operations.length} operation(s))${ok ? '' : `  UNEXPECTED: wanted ${expect}`}\n`);
    };

    await expectStep('initial state', watch.next((r) => r.revision === revisionOf(initial) && r.result === 'converged'), started, 'converged');
    for (const step of steps(ports)) {
      const since = performance.now();
      const wait = watch.next((r) => r.revision === revisionOf(step.text));
      await writeFileAtomic(configFile, step.text);
      await expectStep(step.title, wait, since, step.expect);
      if (step.expect === 'rejected') {
        for (const e of controller.status.document.rejected?.errors ?? []) io.stdout(`   ${e.file}: ${e.path}: ${e.message}\n`);
      }
    }

    // Drift: an entity added behind the loop's back (through the controller's own channel: the
    // mTLS listener admits no one else) is removed at the next resync.
    const client = new ManagementClient(management);
    try {
      await client.create(TCP, 'foreign-debug-port', { host: '127.0.0.1', port: String(await freePort()), address: 'debug' });
      const since = performance.now();
      const wait = watch.next((r) => r.plan.operations.length > 0);
      controller.trigger('resync');
      await expectStep('drift: a tcpListener added through management is removed at the next resync', wait, since, 'converged');
      const rows = await client.query(TCP, ['name']);
      if (rows.some((r) => r['name'] === 'foreign-debug-port')) {
        failures++;
        io.stdout('   UNEXPECTED: the foreign tcpListener is still there\n');
      }
    } finally {
      await client.close();
    }
    io.stdout(`\nDemo finished: ${failures === 0 ? 'every step behaved as expected' : `${failures} step(s) did not`}.\n`);
    return failures === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await controller?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
