import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTooLargeError, MAX_MATERIAL_BYTES, NotRegularFileError, readBounded, readBoundedText } from './read-bounded.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-bounded-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readBounded', () => {
  it('reads a file of exactly maxBytes, and refuses one byte more naming the file and the limit', async () => {
    const file = join(dir, 'f');
    await writeFile(file, 'x'.repeat(100));
    expect((await readBounded(file, { maxBytes: 100 })).toString()).toBe('x'.repeat(100));
    const error = await readBounded(file, { maxBytes: 99 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect((error as FileTooLargeError).message).toBe(`${file} is 100 bytes, more than the limit of 99 bytes`);
    expect((error as FileTooLargeError).describe('the file')).toBe('the file is 100 bytes, more than the limit of 99 bytes');
    const named = await readBounded(file, { maxBytes: 99, limitName: 'CONFIG_MAX_BYTES' }).catch((e: unknown) => e);
    expect((named as Error).message).toBe(`${file} is 100 bytes, more than the limit of 99 (CONFIG_MAX_BYTES)`);
  });

  it('reads empty files and files bigger than its first buffer, through symlinks', async () => {
    const empty = join(dir, 'empty');
    await writeFile(empty, '');
    expect((await readBounded(empty, { maxBytes: 10 })).length).toBe(0);
    const big = join(dir, 'big');
    const text = 'abcdefgh'.repeat(20_000);
    await writeFile(big, text);
    await symlink(big, join(dir, 'link'));
    expect(await readBoundedText(join(dir, 'link'), { maxBytes: MAX_MATERIAL_BYTES })).toBe(text);
  });

  it('does not read a sparse file over the limit at all', async () => {
    const file = join(dir, 'sparse');
    await writeFile(file, '');
    await truncate(file, 2 * MAX_MATERIAL_BYTES);
    await expect(readBounded(file, { maxBytes: MAX_MATERIAL_BYTES })).rejects.toThrow(`${file} is 2097152 bytes, more than the limit of 1048576 bytes`);
  });

  it('refuses a FIFO without blocking, and a directory with EISDIR', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const error = await readBounded(fifo, { maxBytes: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotRegularFileError);
    expect((error as NotRegularFileError).message).toBe('not a regular file (a FIFO)');
    expect((error as NotRegularFileError).code).toBeUndefined();
    const directory = await readBounded(dir, { maxBytes: 10 }).catch((e: unknown) => e);
    expect(directory).toMatchObject({ code: 'EISDIR', message: 'not a regular file (a directory)' });
    // Even when streams are allowed, a directory is not one.
    await expect(readBounded(dir, { maxBytes: 10, allowStreams: true })).rejects.toThrow('not a regular file (a directory)');
  });

  it('passes on the file system error of a missing file', async () => {
    await expect(readBounded(join(dir, 'absent'), { maxBytes: 10 })).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('with allowStreams reads a device up to the limit only (the command line may read /dev/stdin)', async () => {
    expect((await readBounded('/dev/null', { maxBytes: 10, allowStreams: true })).length).toBe(0);
    const error = await readBounded('/dev/zero', { maxBytes: 1000, allowStreams: true, limitName: 'CONFIG_MAX_BYTES' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect((error as Error).message).toBe('/dev/zero is more than the limit of 1000 (CONFIG_MAX_BYTES)');
    await expect(readBounded('/dev/null', { maxBytes: 10 })).rejects.toThrow('not a regular file (a character device)');
  });
});
