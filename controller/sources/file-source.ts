/**
 * Desired state from a file (kubernetes mode: a ConfigMap mounted at `QDROUTERD_CONF`).
 *
 * The directory is watched rather than the file: the kubelet updates a ConfigMap volume by
 * swapping a `..data` symlink, and editors save by writing a new file and renaming it, and
 * neither shows up as a change of the watched path itself. Any event re-reads the file; the loop
 * is triggered only when the content hash changed, after `debounceMs` of quiet.
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
}

export class FileSource implements DesiredSource {
  readonly #file: string;
  readonly #debounceMs: number;
  readonly #maxBytes: number;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #settleTimer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #identity = '';
  #lastRevision: string | undefined;
  readonly #health = new SourceHealthTracker();

  constructor(options: FileSourceOptions) {
    this.#file = options.file;
    this.#debounceMs = options.debounceMs ?? 100;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
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
    }, POLL_MS);
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

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    clearTimeout(this.#settleTimer);
    clearInterval(this.#poll);
    await this.#watcher?.close();
    this.#watcher = undefined;
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
