/**
 * The `just image` and `just image-dev` recipes on podman, run for real against a fake `podman`
 * that records its arguments (and a fake `docker` without buildx, so the podman branch is taken):
 * every build argument the Containerfile declares must reach `podman build` when it is set in the
 * environment, as `docker buildx bake` passes every variable of docker-bake.hcl. A build argument
 * the recipe drops (the arm/v7 recipe needs NODE_IMAGE, LIBS_IMAGE, LIBS_DIR) fails here.
 * Also the recipes around the bundle the image runs (`router-build/bundle.mjs`): `build` makes it
 * after dist/, and `bench` measures it, so both must run it (checked with `just --dry-run`).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const JUST = join(ROOT, 'node_modules', '.bin', 'just');
const containerfile = await readFile(join(import.meta.dirname, 'Containerfile'), 'utf8');
const bake = await readFile(join(import.meta.dirname, 'docker-bake.hcl'), 'utf8');

/** Every build argument the Containerfile declares (global or in a stage), once. */
const declared = [...new Set([...containerfile.matchAll(/^ARG ([A-Za-z_]\w*)/gm)].map((m) => m[1]!))].sort();

/** A distinct value per argument, with a space and a `$` to catch lost quoting. */
const valueOf = (name: string) => `${name.toLowerCase()} $x:1`;

let dir = '';
let log = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'image-recipe-'));
  log = join(dir, 'calls');
  // One JSON array of arguments per call.
  await writeFile(
    join(dir, 'podman'),
    `#!/bin/sh\nnode -e 'require("fs").appendFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)) + "\\n")' ${JSON.stringify(log)} "$@"\n`,
  );
  await writeFile(join(dir, 'docker'), '#!/bin/sh\nexit 1\n');
  await chmod(join(dir, 'podman'), 0o755);
  await chmod(join(dir, 'docker'), 0o755);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `just <recipe>` with `env` (plus the fakes first on PATH); the `podman build` calls' arguments. */
async function podmanBuilds(recipe: string, env: Record<string, string>): Promise<string[][]> {
  await rm(log, { force: true });
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [JUST, '--justfile', join(ROOT, 'Justfile'), '--working-directory', ROOT, recipe],
      { env: { PATH: `${dir}:${process.env['PATH'] ?? ''}`, HOME: dir, ...env }, timeout: 30_000 },
      (error, _stdout, stderr) => (error ? reject(new Error(`just ${recipe}: ${stderr}`, { cause: error })) : resolve()),
    );
  });
  const calls = existsSync(log) ? (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as string[]) : [];
  return calls.filter((c) => c[0] === 'build');
}

/** The `--build-arg` values of one call, by name. */
function buildArgs(call: string[]): Map<string, string> {
  const args = new Map<string, string>();
  call.forEach((a, i) => {
    if (a === '--build-arg') {
      const [name, ...value] = call[i + 1]!.split('=');
      args.set(name!, value.join('='));
    }
  });
  return args;
}

describe.skipIf(!existsSync(JUST))('just image / image-dev on podman', () => {
  it('the Containerfile declares the build arguments the README and bake file name', () => {
    expect(declared).toEqual(['LIBS_DIR', 'LIBS_IMAGE', 'NODE_IMAGE', 'REVISION', 'ROUTER_DIGEST', 'ROUTER_IMAGE', 'SKUPPER_ROUTER_VERSION', 'SOURCE', 'VERSION']);
    for (const name of declared) {
      expect(bake, `bake variable ${name}`).toMatch(new RegExp(`variable "${name}" \\{`));
      expect(bake, `bake passes ${name}`).toMatch(new RegExp(`^\\s+${name}\\s+= ${name}$`, 'm'));
    }
  });

  it('image passes every declared build argument set in the environment, for each platform', async () => {
    const env = Object.fromEntries(declared.map((name) => [name, valueOf(name)]));
    const builds = await podmanBuilds('image', { ...env, PLATFORMS: 'linux/amd64,linux/arm/v7' });
    expect(builds.map((b) => b[b.indexOf('--platform') + 1])).toEqual(['linux/amd64', 'linux/arm/v7']);
    for (const build of builds) {
      expect(Object.fromEntries(buildArgs(build))).toEqual(env);
      expect(build).toContain('runtime');
      expect(build.at(-1)).toBe('.');
    }
  });

  it('image-dev passes them too', async () => {
    const env = Object.fromEntries(declared.map((name) => [name, valueOf(name)]));
    const [build, ...more] = await podmanBuilds('image-dev', env);
    expect(more).toEqual([]);
    expect(Object.fromEntries(buildArgs(build!))).toEqual(env);
    expect(build).toContain('dev');
  });

  it('leaves unset arguments to the Containerfile defaults (VERSION and REVISION are always set)', async () => {
    const builds = await podmanBuilds('image', { VERSION: '1.2.3', REVISION: 'abc', ROUTER_DIGEST: '', PLATFORMS: 'linux/arm64' });
    expect(builds).toHaveLength(1);
    expect(Object.fromEntries(buildArgs(builds[0]!))).toEqual({ VERSION: '1.2.3', REVISION: 'abc', ROUTER_DIGEST: '' });
  });
});

/** The commands `just --dry-run <recipe> <args>` would run, in order. */
async function dryRun(recipe: string, ...args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [JUST, '--justfile', join(ROOT, 'Justfile'), '--working-directory', ROOT, '--dry-run', recipe, ...args],
      { env: { PATH: process.env['PATH'] ?? '' }, timeout: 30_000 },
      (error, _stdout, stderr) => (error ? reject(new Error(`just --dry-run ${recipe}: ${stderr}`, { cause: error })) : resolve(stderr.trim().split('\n'))),
    );
  });
}

describe.skipIf(!existsSync(JUST))('just bundle / build / bench', () => {
  const BUNDLE = 'node router-build/bundle.mjs';

  it('bundle runs router-build/bundle.mjs, as the image build does (npm ci: prepare)', async () => {
    expect(await dryRun('bundle')).toEqual([BUNDLE]);
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['prepare']).toBe(`tsc -p tsconfig.build.json && ${BUNDLE}`);
    expect(pkg.scripts['build']).toBe(pkg.scripts['prepare']);
  });

  it('build (and so e2e) compiles dist/, then bundles', async () => {
    expect(await dryRun('build')).toEqual(['npx tsc -p tsconfig.build.json', BUNDLE]);
    expect((await dryRun('e2e')).slice(0, 2)).toEqual(['npx tsc -p tsconfig.build.json', BUNDLE]);
  });

  it('bench bundles first, so the controller is measured as the image runs it', async () => {
    const commands = await dryRun('bench', '--quick');
    expect(commands[0]).toBe(BUNDLE);
    expect(commands.at(-1)).toBe('node dist-bench/e2e/bench/main.js --quick');
  });
});
