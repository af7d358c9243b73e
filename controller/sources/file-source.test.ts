import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BYTES } from '../../schemas/config/index.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { FileSource } from './file-source.js';

/** Waits for the next change notification (or fails the test after a generous limit). */
function nextChange(changes: string[], count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (changes.length >= count) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > 10_000) {
        clearInterval(poll);
        reject(new Error(`no change notification (have ${changes.length}, want ${count})`));
      }
    }, 10);
  });
}

describe('FileSource', () => {
  let source: FileSource | undefined;
  afterEach(async () => source?.close());

  it('reads the file with a content revision', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fsrc-'));
    await writeFile(join(dir, 'skrouterd.json'), '[]');
    source = new FileSource({ file: join(dir, 'skrouterd.json') });
    const a = await source.read();
    await writeFile(join(dir, 'skrouterd.json'), '[ ]');
    const b = await source.read();
    expect(a.text).toBe('[]');
    expect(a.revision).not.toBe(b.revision);
  });

  it('sees an editor that saves by rename, and ignores other files in the directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fsrc-'));
    const file = join(dir, 'skrouterd.json');
    await writeFile(file, '[]');
    source = new FileSource({ file, debounceMs: 20 });
    await source.read();
    const changes: string[] = [];
    await source.start((r) => changes.push(r));
    await writeFile(join(dir, 'unrelated.txt'), 'x');
    await writeFile(join(dir, '.skrouterd.json.swp'), '[1]');
    await rename(join(dir, '.skrouterd.json.swp'), file);
    await nextChange(changes, 1);
    expect(changes).toEqual(['file-changed']);
  });

  it('sees a ConfigMap volume update (a ..data symlink swap)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fsrc-'));
    // kubelet layout: skrouterd.json -> ..data/skrouterd.json, ..data -> ..<timestamp>
    await mkdir(join(dir, '..2026_01'));
    await writeFile(join(dir, '..2026_01', 'skrouterd.json'), '[]');
    await symlink('..2026_01', join(dir, '..data'));
    await symlink('..data/skrouterd.json', join(dir, 'skrouterd.json'));
    const file = join(dir, 'skrouterd.json');
    source = new FileSource({ file, debounceMs: 20 });
    await source.read();
    const changes: string[] = [];
    await source.start((r) => changes.push(r));
    await mkdir(join(dir, '..2026_02'));
    await writeFile(join(dir, '..2026_02', 'skrouterd.json'), '[["router",{"id":"r"}]]');
    await symlink('..2026_02', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await rm(join(dir, '..2026_01'), { recursive: true });
    await nextChange(changes, 1);
    expect((await source.read()).text).toContain('"id":"r"');
  });

  it('sees the last of several quick atomic replacements (a pass reads after each change)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fsrc-'));
    const file = join(dir, 'skrouterd.json');
    await writeFileAtomic(file, 'v0');
    const src = new FileSource({ file, debounceMs: 20 });
    source = src;
    let latest = 'v0';
    // Like the loop: every change notification leads to a read of the whole file.
    await src.start(() => void src.read().then((s) => (latest = s.text)));
    await src.read();
    let version = 0;
    for (let burst = 0; burst < 15; burst++) {
      for (let i = 0; i < 3; i++) {
        await writeFileAtomic(file, `v${++version}`);
        await new Promise((resolve) => setTimeout(resolve, (burst * 7 + i * 13) % 40));
      }
      const final = `v${version}`;
      const started = Date.now();
      while (latest !== final && Date.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(latest, `burst ${burst}`).toBe(final);
    }
  });

  it('refuses what is not a regular file, and does not read a file over the size limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fsrc-'));
    const fifo = join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    await expect(new FileSource({ file: fifo }).read()).rejects.toThrow(`cannot read ${fifo}: not a regular file (a FIFO)`);
    await expect(new FileSource({ file: dir }).read()).rejects.toThrow(`cannot read ${dir}: not a regular file (a directory)`);
    const huge = join(dir, 'huge.json');
    await truncate(huge, DEFAULT_MAX_BYTES + 1).catch(async () => {
      await writeFile(huge, '');
      await truncate(huge, DEFAULT_MAX_BYTES + 1);
    });
    const snapshot = await new FileSource({ file: huge }).read();
    expect(snapshot.unusable).toBe(`the file is ${DEFAULT_MAX_BYTES + 1} bytes, more than the limit of ${DEFAULT_MAX_BYTES} (CONFIG_MAX_BYTES)`);
    expect(snapshot.text).toBe('');
  });

  it('takes its size limit from the maxBytes option (CONFIG_MAX_BYTES): at the limit read, one byte over rejected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fsrc-'));
    const file = join(dir, 'skrouterd.json');
    const text = `[${' '.repeat(1022)}]`;
    await writeFile(file, text);
    const atLimit = await new FileSource({ file, maxBytes: 1024 }).read();
    expect(atLimit).toMatchObject({ text, file });
    expect(atLimit.unusable).toBeUndefined();
    const over = await new FileSource({ file, maxBytes: 1023 }).read();
    expect(over).toMatchObject({ text: '', file, unusable: 'the file is 1024 bytes, more than the limit of 1023 (CONFIG_MAX_BYTES)' });
    // The revision of a refused file follows its size and time, so a change of it is still seen.
    await writeFile(file, `${text} `);
    expect((await new FileSource({ file, maxBytes: 1023 }).read()).revision).not.toBe(over.revision);
  });

  it('marks a file that is not UTF-8 as unusable instead of decoding it lossily', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fsrc-'));
    const file = join(dir, 'latin1.json');
    await writeFile(file, Buffer.from('[["listener", {"name": "caf\u00e9"}]]', 'latin1'));
    expect((await new FileSource({ file }).read()).unusable).toBe('the file is not valid UTF-8');
  });
  it('notifies a change at its leading edge: with an hour of debounce and no poll, an atomic write is still seen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fsrc-'));
    const file = join(dir, 'skrouterd.json');
    await writeFileAtomic(file, '[]');
    const src = new FileSource({ file, debounceMs: 3_600_000, pollMs: 3_600_000 });
    source = src;
    await src.read();
    const changes: string[] = [];
    await src.start((r) => changes.push(r));
    await writeFileAtomic(file, '[["router", {"id": "r"}]]');
    await nextChange(changes, 1);
    expect((await src.read()).text).toContain('"id": "r"');
    // A second write within the debounce is the same burst: it waits for the trailing check.
    await writeFileAtomic(file, '[["router", {"id": "s"}]]');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(changes).toEqual(['file-changed']);
  });

  it('never notifies at the leading edge a file written in place and not complete yet; the whole file after it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fsrc-'));
    const file = join(dir, 'skrouterd.json');
    await writeFile(file, '[]');
    const src = new FileSource({ file, debounceMs: 3_600_000, pollMs: 3_600_000 });
    source = src;
    await src.read();
    const seen: string[] = [];
    await src.start(() => void src.read().then((s) => seen.push(s.text)));
    await writeFile(file, '[["router", {"id": ');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual([]);
    const whole = '[["router", {"id": "r"}]]';
    await writeFileAtomic(file, whole);
    const started = Date.now();
    while (seen.length === 0 && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual([whole]);
  });
});
