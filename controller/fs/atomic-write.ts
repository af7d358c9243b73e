/**
 * Writes a file so that readers (and the router after a crash or power loss) see either the old
 * content or the new one, never a torn file: write a temporary file beside it, fsync, rename, fsync
 * the directory. A failed write (disk full, read-only) leaves the previous file untouched.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export class FileWriteError extends Error {
  readonly file: string;

  constructor(file: string, options: ErrorOptions) {
    super(`could not write ${file}: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
    this.file = file;
  }

  override get name(): string {
    return 'FileWriteError';
  }
}

export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (cause) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new FileWriteError(file, { cause });
  }
  // Make the rename itself durable; some filesystems refuse to fsync a directory, which is fine.
  const dirHandle = await open(dir, 'r').catch(() => undefined);
  await dirHandle?.sync().catch(() => undefined);
  await dirHandle?.close();
}
