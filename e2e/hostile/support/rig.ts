/**
 * The controller under test, in process: kubernetes (file) mode, attached to an in-process
 * simulator booted from the last good config, with a management client of our own that observes
 * the router by QUERY. The hostile catalogue and the fault scenarios both drive it.
 *
 * Every check here reads the router itself, never the controller's view of it: "unchanged" is a
 * QUERY snapshot compared before and after, and "the last good state is applied" is a fresh plan
 * of that state against the router planning nothing.
 */
import { copyFile, lstat, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../schemas/config/index.js';
import { ENTITY_FACTS, ENTITY_KINDS, configAttributeNames, type DesiredState } from '../../../schemas/index.js';
import { plan } from '../../../reconcilers/plan.js';
import type { Plan } from '../../../reconcilers/plan-types.js';
import { Controller } from '../../../controller/controller.js';
import { writeFileAtomic } from '../../../controller/fs/atomic-write.js';
import { createLog, type Log } from '../../../controller/log.js';
import type { StatusDocument } from '../../../controller/loop/status.js';
import { readActual } from '../../../controller/loop/read-actual.js';
import { ManagementClient } from '../../../controller/management/index.js';
import { MANAGEMENT_NAMES } from '../../../controller/router/boot-file.js';
import { loadSettings } from '../../../controller/settings.js';
import { revisionOf } from '../../../controller/sources/file-source.js';
import type { DesiredSource } from '../../../controller/sources/source.js';
import { startSimulator, type LatencyOptions, type Simulator } from '../../simulator/index.js';
import { waitFor } from '../../harness/controller-process.js';

export { waitFor };

export interface LogLine {
  readonly level?: string;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

export interface RigOptions {
  /** The first desired config; the simulator boots from it too, so the first pass has nothing to do. */
  readonly config: string;
  /** Extra settings, as environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** A source instead of the watched file. */
  readonly source?: DesiredSource;
  /** The simulator's latency model (default off); on, an apply lasts long enough to be cut. */
  readonly latency?: false | LatencyOptions;
}

/** Configuration attributes of every managed entity, by kind and name, as QUERY reports them. */
export type RouterSnapshot = Record<string, Record<string, unknown>>;

export class Rig {
  #management: ManagementClient | undefined;

  private constructor(
    readonly logs: LogLine[],
    readonly dir: string,
    readonly configFile: string,
    /** `SSL_PROFILE_PATH`: holds the profile `tls` the good config uses. */
    readonly certs: string,
    readonly sim: Simulator,
    readonly controller: Controller,
  ) {}

  static async start(options: RigOptions): Promise<Rig> {
    const dir = await mkdtemp(join(tmpdir(), 'iofog-hostile-'));
    const configFile = join(dir, 'skrouterd.json');
    const certs = await makeCerts(dir);
    await writeFileAtomic(configFile, options.config);
    const boot = atCerts(options.config, certs);
    const sim = await startSimulator({ boot: { text: boot }, latency: options.latency ?? false });
    const settings = loadSettings({
      SKUPPER_PLATFORM: 'kubernetes',
      QDROUTERD_CONF: configFile,
      ROUTER_BOOT_FILE: join(dir, 'boot.json'),
      ROUTER_URL: sim.url,
      SSL_PROFILE_PATH: certs,
      HTTP_PORT: '0',
      DEBOUNCE_MS: '10',
      RESYNC_SECONDS: '3600',
      MGMT_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'debug',
      ...options.env,
    });
    const lines: LogLine[] = [];
    const log: Log = createLog({ level: 'debug', json: true, write: (line) => lines.push(JSON.parse(line) as LogLine) });
    const controller = await Controller.start({ settings, log, httpHost: '127.0.0.1', ...(options.source ? { source: options.source } : {}) });
    return new Rig(lines, dir, configFile, certs, sim, controller);
  }

  /** A client of our own to the router. */
  get management(): ManagementClient {
    this.#management ??= new ManagementClient({ url: this.sim.url, timeoutMs: 5000, reconnectInitialDelayMs: 20 });
    return this.#management;
  }

  async get(path: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.controller.httpPort ?? 0}${path}`);
  }

  async status(): Promise<StatusDocument> {
    return (await (await this.get('/status')).json()) as StatusDocument;
  }

  /** `/healthz` answers 200: the loop is alive. */
  async healthy(): Promise<boolean> {
    return (await this.get('/healthz')).status === 200;
  }

  /** Writes the desired file atomically (replacing whatever sits at the path) and returns its revision. */
  async write(text: string): Promise<string> {
    const stat = await lstat(this.configFile).catch(() => undefined);
    if (stat && !stat.isFile()) await rm(this.configFile, { recursive: true, force: true });
    await writeFileAtomic(this.configFile, text);
    return revisionOf(text);
  }

  /** The router's configuration by QUERY (volatile attributes left out). */
  async snapshot(): Promise<RouterSnapshot> {
    const out: RouterSnapshot = {};
    for (const kind of ENTITY_KINDS) {
      const facts = ENTITY_FACTS[kind];
      const rows = await this.management.query(facts.longType, ['name', ...configAttributeNames(facts)]);
      for (const row of rows) out[`${kind}/${String(row['name'])}`] = row;
    }
    return out;
  }

  /**
   * What a fresh plan of `state` against the router would do: nothing, when the router holds it.
   * TLS file paths are first resolved to {@link certs}, as the controller's sslProfile overlay does.
   */
  async planAgainstRouter(state: DesiredState): Promise<Plan> {
    return planAgainst(this.management, state, this.certs);
  }

  /** Waits until a pass converged with the config of `revision` applied and read. */
  async waitConverged(revision: string, timeoutMs = 20_000): Promise<StatusDocument> {
    return waitFor(
      `convergence on ${revision}`,
      async () => {
        const s = await this.status();
        const ok = s.source.revision === revision && s.source.appliedRevision === revision && s.lastPass?.result === 'converged';
        return ok && s.rejected === undefined ? s : undefined;
      },
      timeoutMs,
    );
  }

  /** Waits for a pass after `afterPass` that satisfies `check`. */
  async waitPass(what: string, afterPass: number, check: (s: StatusDocument) => boolean, timeoutMs = 20_000): Promise<StatusDocument> {
    return waitFor(what, async () => {
      const s = await this.status();
      return (s.lastPass?.id ?? 0) > afterPass && check(s) ? s : undefined;
    }, timeoutMs);
  }

  /** {@link waitPass} after a change of the config path: the file event alone must bring the pass (no resync in the rig). */
  async waitPassAfterChange(what: string, afterPass: number, check: (s: StatusDocument) => boolean): Promise<StatusDocument> {
    return this.waitPass(what, afterPass, check);
  }

  async close(): Promise<void> {
    await this.controller.stop();
    await this.#management?.close();
    await this.sim.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

const FIXTURES = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
/** Where the config files name TLS material: the controller binds it to `SSL_PROFILE_PATH`. */
const CONFIG_ROOT = '/etc/skupper-router-certs';

/** `dir/certs` holding one profile directory, `tls`; returns `dir/certs`. */
export async function makeCerts(dir: string): Promise<string> {
  const certs = join(dir, 'certs');
  await mkdir(join(certs, 'tls'), { recursive: true });
  for (const file of ['ca.crt', 'tls.crt', 'tls.key']) await copyFile(join(FIXTURES, file), join(certs, 'tls', file));
  return certs;
}

/** Config text with the TLS paths resolved to `certs`, as the controller resolves them. */
export function atCerts(text: string, certs: string): string {
  return text.replaceAll(CONFIG_ROOT, certs);
}

/** A fresh plan of `state` (TLS paths resolved to `certs`) against the router behind `management`. */
export async function planAgainst(management: ManagementClient, state: DesiredState, certs: string): Promise<Plan> {
  const actual = await readActual(management);
  // The ordinals continue from the router's, as the controller's bookkeeping does: a profile held
  // back and repaired may have been rotated in between, which is not a difference to plan.
  const ordinals = (name: string): Record<string, number> => {
    const row = actual.sslProfile?.find((r) => r['name'] === name);
    return Object.fromEntries(['ordinal', 'oldestValidOrdinal'].filter((k) => Number(row?.[k] ?? 0) > 0).map((k) => [k, Number(row?.[k])]));
  };
  const resolved: DesiredState = {
    entities: state.entities.map((e) => ({
      ...e,
      attributes: {
        ...Object.fromEntries(Object.entries(e.attributes).map(([k, v]) => [k, typeof v === 'string' ? atCerts(v, certs) : v])),
        ...(e.kind === 'sslProfile' ? ordinals(e.name) : {}),
      },
    })),
  };
  return plan(resolved, actual, { protectedNames: [...MANAGEMENT_NAMES], ignore: ['auto-mesh*'] });
}

/** A rig on `text`, converged, with what the catalogues compare against afterwards. */
export async function convergedRig(text: string): Promise<{ rig: Rig; revision: string; state: DesiredState; baseline: RouterSnapshot }> {
  const rig = await Rig.start({ config: text });
  const revision = revisionOf(text);
  await rig.waitConverged(revision);
  return { rig, revision, state: stateOf(text), baseline: await rig.snapshot() };
}

/** The desired state of a config text that must be valid. */
export function stateOf(text: string): DesiredState {
  const loaded = loadConfig(text, { file: 'good.json' });
  if (!loaded.ok) throw new Error(`test config is invalid: ${JSON.stringify(loaded.errors)}`);
  return loaded.state;
}
