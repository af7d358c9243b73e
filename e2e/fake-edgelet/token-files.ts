/**
 * Writes a service-account directory the way Edgelet (and the kubelet) project it: the files are
 * symlinks into `..data`, a symlink to a timestamped directory that is swapped by rename.
 */
import { mkdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

let generation = 0;

/** Writes `files` as a new generation and swaps `..data` to it atomically. */
export async function projectFiles(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  await mkdir(dir, { recursive: true });
  generation += 1;
  const version = `..${Date.now()}_${process.pid}_${generation}`;
  await mkdir(join(dir, version));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, version, name), content);
  const previous = await readlink(join(dir, '..data')).catch(() => undefined);
  await symlink(version, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const name of Object.keys(files)) {
    await symlink(join('..data', name), join(dir, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  if (previous !== undefined && previous !== version) await rm(join(dir, previous), { recursive: true, force: true });
}
