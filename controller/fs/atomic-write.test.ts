import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileWriteError, writeFileAtomic } from './atomic-write.js';

describe('writeFileAtomic', () => {
  it('replaces the content and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const file = join(dir, 'skrouterd.json');
    await writeFile(file, 'old');
    await writeFileAtomic(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['skrouterd.json']);
  });

  it.skipIf(process.getuid?.() === 0)('keeps the previous file intact when the directory is read-only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const file = join(dir, 'skrouterd.json');
    await writeFile(file, 'previous');
    await chmod(dir, 0o500);
    await expect(writeFileAtomic(file, 'next')).rejects.toBeInstanceOf(FileWriteError);
    await chmod(dir, 0o700);
    expect(await readFile(file, 'utf8')).toBe('previous');
  });

  it('fails with the file named when the directory does not exist', async () => {
    const file = join(tmpdir(), 'no-such-dir-' + process.pid, 'x.json');
    await expect(writeFileAtomic(file, 'x')).rejects.toThrow(file);
  });
});
