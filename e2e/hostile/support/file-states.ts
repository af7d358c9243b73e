/** Puts hostile things at the config path: raw bytes, or a file-system state instead of a file. */
import { chmod, lstat, mkdir, open, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { revisionOf } from '../../../controller/sources/file-source.js';
import type { FileState } from '../catalogue-config.js';

/** True when file permissions do not stop this process (root): `unreadable` cannot be made. */
export const permissionsIgnored = process.getuid?.() === 0;

async function clear(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  if (stat) await rm(path, { recursive: true, force: true });
}

/** Writes raw bytes atomically; returns the revision the controller will compute for them. */
export async function writeBytes(path: string, bytes: Uint8Array): Promise<string> {
  const temp = join(dirname(path), `.${basename(path)}.bytes.tmp`);
  const handle = await open(temp, 'w');
  await handle.writeFile(bytes);
  await handle.close();
  const stat = await lstat(path).catch(() => undefined);
  if (stat && !stat.isFile()) await clear(path);
  await rename(temp, path);
  return revisionOf(Buffer.from(bytes).toString('utf8'));
}

export async function makeFileState(path: string, state: FileState): Promise<void> {
  switch (state) {
    case 'missing':
      await clear(path);
      return;
    case 'directory':
      await clear(path);
      await mkdir(path);
      return;
    case 'dangling-symlink':
      await clear(path);
      await symlink(join(dirname(path), 'nowhere', 'skrouterd.json'), path);
      return;
    case 'symlink-loop':
      await clear(path);
      await symlink(path, path);
      return;
    case 'sparse-64MiB': {
      const temp = `${path}.sparse.tmp`;
      const handle = await open(temp, 'w');
      await handle.truncate(64 * 1024 * 1024);
      await handle.close();
      await clear(path);
      await rename(temp, path);
      return;
    }
    case 'unreadable': {
      const temp = `${path}.unreadable.tmp`;
      const handle = await open(temp, 'w');
      await handle.writeFile('[["router", {"id": "unreadable"}]]');
      await handle.close();
      await chmod(temp, 0o000);
      await clear(path);
      await rename(temp, path);
      return;
    }
  }
}
