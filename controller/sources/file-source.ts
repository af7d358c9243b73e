/**
 * Desired state from a file (kubernetes mode: a ConfigMap mounted at `QDROUTERD_CONF`).
 *
 * The directory is watched rather than the file: the kubelet updates a ConfigMap volume by
 * swapping a `..data` symlink, and editors save by writing a new file and renaming it, and
 * neither shows up as a change of the watched path itself. Any event re-reads the file; the loop
 * is triggered only when the content hash changed.
 *
 * Leading edge: the events of a burst (each less than `debounceMs` after the previous one) read
 * the file at once until one finds it changed and complete, which is notified at once. Complete
 * means it parses as JSON: a file still being written in place never does, since no proper prefix
 * of a JSON array or object is JSON; an atomic rename or a `..data` swap shows only whole files. Events of a `..data` swap before the swap itself find the
 * old content and notify nothing, so a swap is one change. After that, while changes keep
 * arriving, only the trailing check after `debounceMs` of quiet (and the settle look and the
 * poll) notify, as before: a burst costs a leading pass and a few more, not a pass per write.
 *
 * chokidar throttles events of one path: a file replaced again within ~50 ms of an event may get
 * no event of its own (measured: the last of three quick atomic writes went unseen in 22 of 40
 * bursts). So every event also schedules a second look {@link SETTLE_MS} later. And since a
 * watcher can miss or stop delivering events (the hostile suite saw one in about 3 runs after a
 * symlink loop at the path), the file's identity (inode, size, mtime) is also polled every
 * {@link POLL_MS}: one `stat` call, and a re-read only when it changed.
 */
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { DEFAULT_MAX_BYTES } from '../../schemas/config/index.js';
import { blankCommentLines, isCompleteJson } from '../../schemas/config/json-text.js';
import { CONFIG_LIMIT_SETTINGS } from '../config-limits.js';
import { FileTooLargeError, readBounded } from '../fs/read-bounded.js';
import { SourceHealthTracker, failureReason, type SourceHealth } from './health.js';
import type { DesiredSource, SourceSnapshot } from './source.js';

/** Delay of the second look after an event (well past chokidar's throttle window). */
export const SETTLE_MS = 250;
/** Period of the safety-net `stat` of the file. */
export const POLL_MS = 2_000;

export interface FileSourceOptions {
  readonly file: string;
  /** Quiet time before a change triggers a pass. Default 100 ms. */
  readonly debounceMs?: number;
  /** Largest file read (`CONFIG_MAX_BYTES`); a bigger one is not read but rejected. Default {@link DEFAULT_MAX_BYTES} (4 MiB). */
  readonly maxBytes?: number;
  /** Period of the safety-net `stat`. Default {@link POLL_MS}. */
  readonly pollMs?: number;
}

export class FileSource implements DesiredSource {
  readonly #file: string;
  readonly #debounceMs: number;
  readonly #maxBytes: number;
  readonly #pollMs: number;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #settleTimer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #identity = '';
  #lastRevision: string | undefined;
  /** When the watcher last saw an event of the file (performance.now()). */
  #lastEventAt = -Infinity;
  /** The current burst of events already notified a change at its leading edge. */
  #led = false;
  #leading = false;
  /** An event came during a leading check (e.g. the `..data` rename after its directory was made). */
  #leadAgain = false;
  readonly #health = new SourceHealthTracker();

  constructor(options: FileSourceOptions) {
    this.#file = options.file;
    this.#debounceMs = options.debounceMs ?? 100;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#pollMs = options.pollMs ?? POLL_MS;
  }

  describe(): { kind: string; location: string } {
    return { kind: 'file', location: this.#file };
  }

  /** Reads the whole file; throws a {@link FileReadError} naming the file when it cannot. */
  async read(): Promise<SourceSnapshot> {
    let snapshot;
    try {
      snapshot = await this.#load();
    } catch (error) {
      this.#health.failure(error instanceof Error ? error.message : String(error), failureReason(error));
      throw error;
    }
    this.#health.success();
    this.#lastRevision = snapshot.revision;
    return snapshot;
  }

  health(): SourceHealth {
    return this.#health.snapshot();
  }

  /**
   * Only a regular file of at most `maxBytes` is read (see {@link readBounded}): a FIFO would
   * block a libuv thread for ever, and a huge file or `/dev/zero` would cost its size in memory.
   * A file over the limit is not an error of reading but an input to reject, naming the setting.
   */
  async #load(): Promise<SourceSnapshot> {
    const file = this.#file;
    let bytes: Buffer;
    try {
      bytes = await readBounded(file, { maxBytes: this.#maxBytes, limitName: CONFIG_LIMIT_SETTINGS.maxBytes });
    } catch (error) {
      if (error instanceof FileTooLargeError) {
        const revision = revisionOf(`${error.size ?? 'over'}:${error.stats?.mtimeMs ?? ''}:${error.limit}`);
        return { text: '', file, revision, unusable: error.describe('the file') };
      }
      throw new FileReadError(file, error instanceof Error ? error.message : String(error), error);
    }
    const text = bytes.toString('utf8');
    // A byte sequence that is not UTF-8 must not turn into U+FFFD inside a name: reject the input.
    const unusable = isUtf8(bytes) ? {} : { unusable: 'the file is not valid UTF-8' };
    return { text, file, revision: revisionOf(text), ...unusable };
  }

  async start(onChange: (reason: string) => void): Promise<void> {
    const name = basename(this.#file);
    // Depth 0: the file, `..data` and the editors' temporary files all live in this directory.
    this.#watcher = watch(dirname(this.#file), { ignoreInitial: true, depth: 0, followSymlinks: false });
    this.#watcher.on('all', (_event, path) => {
      if (basename(path) !== name && !basename(path).startsWith('..')) return;
      clearTimeout(this.#timer);
      clearTimeout(this.#settleTimer);
      // A burst is events less than `debounceMs` apart; only its first complete change leads.
      const now = performance.now();
      if (now - this.#lastEventAt >= this.#debounceMs) this.#led = false;
      this.#lastEventAt = now;
      if (!this.#led) {
        if (this.#leading) this.#leadAgain = true;
        else void this.#leadingCheck(onChange);
      }
      this.#timer = setTimeout(() => void this.#checkChanged(onChange), this.#debounceMs);
      this.#settleTimer = setTimeout(() => void this.#checkChanged(onChange), this.#debounceMs + SETTLE_MS);
    });
    this.#watcher.on('error', () => onChange('file-watch-error'));
    await new Promise<void>((resolve) => this.#watcher?.once('ready', () => resolve()));
    this.#identity = await this.#statIdentity();
    this.#poll = setInterval(() => {
      void this.#statIdentity().then((identity) => {
        if (identity === this.#identity) return;
        this.#identity = identity;
        return this.#checkChanged(onChange);
      });
    }, this.#pollMs);
  }

  async #statIdentity(): Promise<string> {
    return stat(this.#file).then(
      (s) => `${s.ino}:${s.size}:${s.mtimeMs}:${s.isFile()}`,
      (error: NodeJS.ErrnoException) => `error:${error.code ?? ''}`,
    );
  }

  async #checkChanged(onChange: (reason: string) => void): Promise<void> {
    const before = this.#lastRevision;
    const now = await this.#load().then(
      (snapshot) => snapshot.revision,
      () => 'unreadable',
    );
    if (now !== before) onChange('file-changed');
  }

  /** Notifies at once a changed file that is complete; anything else waits for the trailing check. */
  async #leadingCheck(onChange: (reason: string) => void): Promise<void> {
    this.#leading = true;
    try {
      for (let again = true; again && this.#watcher; ) {
        this.#leadAgain = false;
        const before = this.#lastRevision;
        const snapshot = await this.#load().catch(() => undefined);
        if (snapshot && snapshot.revision !== before && snapshot.unusable === undefined && isCompleteJson(blankCommentLines(snapshot.text))) {
          this.#led = true;
          onChange('file-changed');
          return;
        }
        again = this.#leadAgain;
      }
    } finally {
      this.#leading = false;
    }
  }

  async close(): Promise<void> {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    // Detached first: an event that arrives while chokidar closes must not arm a timer again.
    watcher?.removeAllListeners('all');
    clearTimeout(this.#timer);
    clearTimeout(this.#settleTimer);
    clearInterval(this.#poll);
    await watcher?.close();
  }
}

/** The desired file cannot be read (missing, a directory, ...). */
export class FileReadError extends Error {
  readonly file: string;

  constructor(file: string, reason: string, cause: unknown) {
    super(`cannot read ${file}: ${reason}`, { cause });
    this.file = file;
  }

  override get name(): string {
    return 'FileReadError';
  }
}

/** Content hash used as the input revision. */
export function revisionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
