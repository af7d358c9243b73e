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
 * bursts). So every event also schedules a second look {@link SETTLE_MS} later.
 */
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { DesiredSource, SourceSnapshot } from './source.js';

/** Delay of the second look after an event (well past chokidar's throttle window). */
export const SETTLE_MS = 250;

export interface FileSourceOptions {
  readonly file: string;
  /** Quiet time before a change triggers a pass. Default 100 ms. */
  readonly debounceMs?: number;
}

export class FileSource implements DesiredSource {
  readonly #file: string;
  readonly #debounceMs: number;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #settleTimer: NodeJS.Timeout | undefined;
  #lastRevision: string | undefined;

  constructor(options: FileSourceOptions) {
    this.#file = options.file;
    this.#debounceMs = options.debounceMs ?? 100;
  }

  describe(): { kind: string; location: string } {
    return { kind: 'file', location: this.#file };
  }

  /** Reads the whole file; throws a {@link FileReadError} naming the file when it cannot. */
  async read(): Promise<SourceSnapshot> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.#file);
    } catch (error) {
      throw new FileReadError(this.#file, error instanceof Error ? error.message : String(error), error);
    }
    const text = bytes.toString('utf8');
    this.#lastRevision = revisionOf(text);
    // A byte sequence that is not UTF-8 must not turn into U+FFFD inside a name: reject the input.
    const utf8 = isUtf8(bytes);
    return { text, file: this.#file, revision: this.#lastRevision, ...(utf8 ? {} : { unusable: 'the file is not valid UTF-8' }) };
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
  }

  async #checkChanged(onChange: (reason: string) => void): Promise<void> {
    const before = this.#lastRevision;
    const text = await readFile(this.#file, 'utf8').catch(() => undefined);
    if ((text === undefined ? 'missing' : revisionOf(text)) !== before) onChange('file-changed');
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    clearTimeout(this.#settleTimer);
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
