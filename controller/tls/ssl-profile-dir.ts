/**
 * The watched TLS directory (`SSL_PROFILE_PATH`). The directory is watched two levels deep without
 * following links: a Kubernetes secret volume updates by swapping a `..data` symlink (at the top,
 * or inside each profile directory when each profile is its own volume), and plain writes or
 * renames land in `<profile>/`. Any event rescans the whole directory after `debounceMs` of quiet;
 * `onChange` is called only when some profile's content (or usability) changed. A directory that
 * does not exist yet (a volume mounted later) is also looked for every {@link POLL_MS}: chokidar
 * misses its creation now and then, and every pass would otherwise only see it at the next resync.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { errorFields, type Log } from '../log.js';
import { materialSignature, type ProfileMaterials } from '../../reconcilers/ssl-profiles.js';
import { POLL_MS } from '../sources/file-source.js';
import { scanProfileDirectory } from './ssl-profile-scan.js';

export interface SslProfileDirectoryOptions {
  /** The profile directory. */
  readonly dir: string;
  /** Quiet time after a file event before rescanning. Default 200 ms. */
  readonly debounceMs?: number;
  readonly log: Log;
}

export class SslProfileDirectory {
  readonly #dir: string;
  readonly #debounceMs: number;
  readonly #log: Log;
  #current: ProfileMaterials = new Map();
  #signature = '';
  #reported = new Set<string>();
  #scanning: Promise<ProfileMaterials> | undefined;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #appearPoll: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: SslProfileDirectoryOptions) {
    this.#dir = resolve(options.dir);
    this.#debounceMs = options.debounceMs ?? 200;
    this.#log = options.log.child({ sslProfilePath: this.#dir });
  }

  get dir(): string {
    return this.#dir;
  }

  /** The material found by the last scan. */
  current(): ProfileMaterials {
    return this.#current;
  }

  /** Reads the directory now (scans never overlap) and returns the material found. */
  scan(): Promise<ProfileMaterials> {
    const previous = this.#scanning ?? Promise.resolve(this.#current);
    const next = previous.then(
      () => this.#scanOnce(),
      () => this.#scanOnce(),
    );
    this.#scanning = next;
    return next;
  }

  async start(onChange: (reason: string) => void): Promise<void> {
    if (this.#closed) return;
    this.#signature = materialSignature(await this.scan());
    this.#watcher = watch(this.#dir, { ignoreInitial: true, depth: 2, followSymlinks: false });
    this.#watcher.on('all', () => {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.#checkChanged(onChange), this.#debounceMs);
    });
    this.#watcher.on('error', (error) => {
      this.#log.warn('ssl profile directory: watch error', errorFields(error));
      onChange('ssl-profiles-watch-error');
    });
    await new Promise<void>((resolve) => this.#watcher?.once('ready', () => resolve()));
    if (await isDirectory(this.#dir)) return;
    this.#appearPoll = setInterval(() => {
      void isDirectory(this.#dir).then((appeared) => {
        if (!appeared || this.#closed) return;
        clearInterval(this.#appearPoll);
        return this.#checkChanged(onChange);
      });
    }, POLL_MS);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#appearPoll);
    await this.#watcher?.close();
    this.#watcher = undefined;
    await this.#scanning?.catch(() => undefined);
  }

  async #scanOnce(): Promise<ProfileMaterials> {
    const { materials, skipped } = await scanProfileDirectory(this.#dir);
    const problems = [
      ...skipped,
      ...[...materials.entries()].flatMap(([name, m]) => ('missing' in m ? [`profile ${name}: ${m.missing}`] : [])),
    ];
    for (const problem of problems) if (!this.#reported.has(problem)) this.#log.warn('ssl profile directory: unusable entry', { problem });
    this.#reported = new Set(problems);
    this.#current = materials;
    return materials;
  }

  async #checkChanged(onChange: (reason: string) => void): Promise<void> {
    if (this.#closed) return;
    try {
      const signature = materialSignature(await this.scan());
      if (signature !== this.#signature && !this.#closed) {
        this.#signature = signature;
        this.#log.info('ssl profile material changed', { profiles: [...this.#current.keys()] });
        onChange('ssl-profiles-changed');
      }
    } catch (error) {
      this.#log.warn('ssl profile directory: scan failed', errorFields(error));
      onChange('ssl-profiles-scan-error');
    }
  }
}

function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
