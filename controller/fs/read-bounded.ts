/**
 * Reads a whole file, but only a regular file of at most `maxBytes`: a FIFO would block a libuv
 * thread until a writer turns up (for ever), and a mistaken mount (a huge file, `/dev/zero`)
 * would cost its size in memory on every read.
 *
 * The path is `stat`ed first (nothing that is not a regular file is even opened), then opened
 * with `O_NONBLOCK` (a FIFO swapped in between does not block the open) and checked again with
 * `fstat` on the open descriptor; at most `maxBytes + 1` bytes are ever read, so a file that grows
 * after the check is refused as well.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

/** Largest TLS file (certificate, key, CA bundle) or Edgelet service-account file read. A real bundle is tens of KiB. */
export const MAX_MATERIAL_BYTES = 1024 * 1024;

export interface ReadBoundedOptions {
  /** Largest accepted size in bytes. */
  readonly maxBytes: number;
  /** The setting behind the limit, named in the message (e.g. `CONFIG_MAX_BYTES`). */
  readonly limitName?: string;
  /**
   * Also read what is not a regular file or a directory (a pipe such as `/dev/stdin`, a character
   * device), stopping after `maxBytes`. Opening a FIFO then waits for its writer, as `cat` does:
   * for the command line only, never for the controller.
   */
  readonly allowStreams?: boolean;
}

/** The file is bigger than the limit; nothing beyond the limit was read. */
export class FileTooLargeError extends Error {
  readonly code = 'EFBIG';
  readonly file: string;
  /** The size, when known (a stream has none). */
  readonly size: number | undefined;
  readonly limit: number;
  readonly limitName: string | undefined;
  /** The file's metadata when it was refused (regular files only). */
  readonly stats: Stats | undefined;

  constructor(file: string, details: { size?: number; limit: number; limitName?: string; stats?: Stats }) {
    super('');
    this.file = file;
    this.size = details.size;
    this.limit = details.limit;
    this.limitName = details.limitName;
    this.stats = details.stats;
    this.message = this.describe(file);
  }

  /** "SUBJECT is N bytes, more than the limit of L (SETTING)", e.g. with "the file" as subject. */
  describe(subject: string): string {
    const limit = this.limitName !== undefined ? `${this.limit} (${this.limitName})` : `${this.limit} bytes`;
    return this.size !== undefined ? `${subject} is ${this.size} bytes, more than the limit of ${limit}` : `${subject} is more than the limit of ${limit}`;
  }

  override get name(): string {
    return 'FileTooLargeError';
  }
}

/** The path is a directory, a FIFO, a socket or a device. */
export class NotRegularFileError extends Error {
  readonly file: string;
  /** `EISDIR` for a directory, as a read of it would fail; otherwise undefined. */
  readonly code: string | undefined;
  /** What it is instead: "a directory", "a FIFO", ... */
  readonly what: string;

  constructor(file: string, info: Stats) {
    const what = kindOf(info);
    super(`not a regular file (${what})`);
    this.file = file;
    this.what = what;
    this.code = info.isDirectory() ? 'EISDIR' : undefined;
  }

  override get name(): string {
    return 'NotRegularFileError';
  }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a file';
}

/**
 * The whole file, refused with {@link NotRegularFileError} or {@link FileTooLargeError}; any other
 * failure (ENOENT, EACCES, ELOOP, ...) is the file system's own error.
 */
export async function readBounded(file: string, options: ReadBoundedOptions): Promise<Buffer> {
  const { maxBytes } = options;
  const info = await stat(file);
  if (!info.isFile()) {
    if (!options.allowStreams || info.isDirectory()) throw new NotRegularFileError(file, info);
    return readStream(file, options);
  }
  if (info.size > maxBytes) throw tooLarge(file, options, info);
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw new NotRegularFileError(file, opened);
    if (opened.size > maxBytes) throw tooLarge(file, options, opened);
    return await readUpTo(handle, file, opened.size, options, opened);
  } finally {
    await handle.close();
  }
}

/** {@link readBounded} decoded as UTF-8. */
export async function readBoundedText(file: string, options: ReadBoundedOptions): Promise<string> {
  return (await readBounded(file, options)).toString('utf8');
}

async function readStream(file: string, options: ReadBoundedOptions): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    return await readUpTo(handle, file, 0, options, undefined);
  } finally {
    await handle.close();
  }
}

function tooLarge(file: string, options: ReadBoundedOptions, stats: Stats | undefined, size = stats?.size): FileTooLargeError {
  return new FileTooLargeError(file, {
    limit: options.maxBytes,
    ...(size !== undefined ? { size } : {}),
    ...(options.limitName !== undefined ? { limitName: options.limitName } : {}),
    ...(stats !== undefined ? { stats } : {}),
  });
}

/** Reads to the end, but never more than `maxBytes + 1` bytes (the one more tells a file over the limit). */
async function readUpTo(handle: FileHandle, file: string, expected: number, options: ReadBoundedOptions, stats: Stats | undefined): Promise<Buffer> {
  const cap = options.maxBytes + 1;
  let buffer = Buffer.allocUnsafe(Math.min(cap, Math.max(expected + 1, 8192)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.min(cap, buffer.length * 2));
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
    // Grown since the check, or a stream: the size is not known, only that it is over.
    if (length > options.maxBytes) throw tooLarge(file, options, stats, undefined);
  }
  return buffer.subarray(0, length);
}
