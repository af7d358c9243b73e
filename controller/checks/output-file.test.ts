import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../schemas/config/index.js';
import type { DesiredState } from '../../schemas/desired-state.js';
import { checkLogOutputFiles, outputFileProblem } from './output-file.js';

let dir: string;
/** Root ignores permission bits: the permission rows cannot fail there, so they do not run. */
const asRoot = process.getuid?.() === 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'output-file-'));
  await mkdir(join(dir, 'logs'));
  await mkdir(join(dir, 'locked'));
  await writeFile(join(dir, 'logs', 'existing.log'), '');
  await writeFile(join(dir, 'plain'), '');
  await writeFile(join(dir, 'readonly.log'), '');
  await chmod(join(dir, 'readonly.log'), 0o444);
  await chmod(join(dir, 'locked'), 0o555);
});

afterAll(async () => {
  await chmod(join(dir, 'locked'), 0o755);
  await rm(dir, { recursive: true, force: true });
});

const state = (...logs: Record<string, string>[]): DesiredState => ({
  entities: logs.map((attributes, i) => ({ kind: 'log' as const, name: `log/M${i}`, attributes })),
});

describe('log outputFile the router must be able to open', () => {
  it.each([
    ['a new file in a writable directory', 'logs/new.log', undefined],
    ['an existing writable file', 'logs/existing.log', undefined],
    ['a missing directory', 'nope/r.log', 'nope does not exist'],
    ['a missing directory two deep', 'nope/deeper/r.log', 'deeper does not exist'],
    ['a file used as a directory', 'plain/r.log', 'plain is not a directory'],
    ['a directory as the file', 'logs', 'is a directory'],
    ...(asRoot
      ? []
      : ([
          ['a directory without write permission', 'locked/r.log', 'may not create files in'],
          ['a read-only file', 'readonly.log', 'exists and this process may not write it'],
        ] as const)),
  ] as const)('%s', async (_, relative, expected) => {
    const problem = await outputFileProblem(join(dir, relative));
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });

  it('skips the streams, reads relative paths from the router home, and locates each issue', async () => {
    const text = JSON.stringify([
      ['router', { id: 'r' }],
      ['log', { module: 'ROUTER', outputFile: 'nope/r.log' }],
      ['log', { module: 'DEFAULT', outputFile: 'stderr' }],
      ['log', { module: 'SERVER', outputFile: 'logs/ok.log' }],
      ['log', { module: 'POLICY', outputFile: 'syslog' }],
    ], null, 2);
    const loaded = loadConfig(text, { file: 'c.json' });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const issues = await checkLogOutputFiles(loaded.state, { file: 'c.json', routerHome: dir, locate: loaded.locate });
    expect(issues).toEqual([
      {
        file: 'c.json',
        path: '$[1][1].outputFile',
        line: 12,
        column: 21,
        severity: 'error',
        message: expect.stringMatching(/^log log\/ROUTER "outputFile": the directory .*\/nope does not exist; skrouterd 3\.5\.1 refuses to boot/),
      },
    ]);
  });

  it('points at $ when no locations are given', async () => {
    const issues = await checkLogOutputFiles(state({ module: 'ROUTER', outputFile: '/nonexistent-dir-xyz/r.log' }), { file: 'c.json', routerHome: dir });
    expect(issues.map((i) => [i.path, i.file])).toEqual([['$', 'c.json']]);
  });

  it('refuses what the real router refused and accepts what it accepted (e2e/reference boot refusals)', async () => {
    const fixture = new URL('../../e2e/reference/skrouterd-3.5.1-boot-refusals.json', import.meta.url);
    const { cases } = JSON.parse(readFileSync(fixture, 'utf8')) as { cases: { entity: string; attribute: string; values: string[]; accepted: string[] }[] };
    const found = cases.filter((c) => c.entity === 'log' && c.attribute === 'outputFile');
    expect(found.length).toBeGreaterThan(0);
    for (const c of found) {
      const refused = await checkLogOutputFiles(state(...c.values.map((outputFile) => ({ module: 'ROUTER', outputFile }))), { file: 'f', routerHome: dir });
      expect(refused).toHaveLength(c.values.length);
      const accepted = await checkLogOutputFiles(state(...c.accepted.map((outputFile) => ({ module: 'ROUTER', outputFile }))), { file: 'f', routerHome: dir });
      expect(accepted).toEqual([]);
    }
  });
});
