/**
 * What can be checked about the container build without a container engine: the Containerfile's
 * stages, pins, labels, user, defaults and health check; the bake file; the ignore file against
 * what the Containerfile copies; and the two scripts the image runs (the build-time check and the
 * HEALTHCHECK), run here against the local build.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IMAGE_ROUTER_PATH } from '../controller/router/find-binary.js';
import { SETTINGS } from '../schemas/settings.js';
import { IMAGE_NODE_OPTIONS } from '../e2e/bench/controller-cli.js';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '..');
const containerfile = await readFile(join(HERE, 'Containerfile'), 'utf8');
const bake = await readFile(join(HERE, 'docker-bake.hcl'), 'utf8');
const ignore = await readFile(join(HERE, 'Containerfile.dockerignore'), 'utf8');
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const bundleScript = await readFile(join(HERE, 'bundle.mjs'), 'utf8');
/** Where the runtime image runs the controller from: the bundle router-build/bundle.mjs writes to dist/bundle/. */
const IMAGE_ENTRY = '/opt/iofog-router/dist/bundle/iofog-router.mjs';

/** Instructions with continuation lines joined and comments dropped. */
const instructions = containerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim().replace(/\s+/g, ' '))
  .filter((l) => l && !l.startsWith('#'));

/** The instructions of each stage, by stage name. */
const stages = new Map<string, string[]>();
let current: string[] | undefined;
for (const line of instructions) {
  const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)\s+AS\s+(\S+)$/i.exec(line);
  if (from) stages.set(from[2]!, (current = [line]));
  else current?.push(line);
}
const stage = (name: string): string[] => stages.get(name) ?? [];
const globalArg = (name: string) => new RegExp(`^ARG ${name}=(.*)$`).exec(instructions.find((l) => l.startsWith(`ARG ${name}=`)) ?? '')?.[1];
const bakeDefault = (name: string) => new RegExp(`variable "${name}" \\{[^}]*?default = "([^"]*)"`, 's').exec(bake)?.[1];
const envOf = (name: string) =>
  new Map(stage(name).filter((l) => l.startsWith('ENV ')).flatMap((l) => [...l.slice(4).matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])));

describe('Containerfile', () => {
  it('has the router, controller, dev and runtime stages, runtime last (the default target)', () => {
    expect([...stages.keys()]).toEqual(['router', 'node', 'libs', 'controller', 'dev', 'runtime']);
  });

  it('takes skrouterd 3.5.1 from the released image, pinned through ROUTER_DIGEST, and compiles nothing', () => {
    expect(globalArg('ROUTER_IMAGE')).toBe('quay.io/skupper/skupper-router:3.5.1');
    expect(stage('router')[0]).toBe('FROM ${ROUTER_IMAGE}${ROUTER_DIGEST:+@${ROUTER_DIGEST}} AS router');
    expect(stage('runtime')[0]).toBe('FROM router AS runtime');
    expect(stage('runtime')).toContain('ARG SKUPPER_ROUTER_VERSION=3.5.1');
    expect(containerfile).not.toMatch(/\b(cmake|make|gcc|git clone|microdnf|dnf|apt-get)\b/);
  });

  it('builds the controller with dev dependencies (prepare runs tsc, then the bundle)', () => {
    const run = stage('controller').find((l) => l.startsWith('RUN '));
    expect(stage('controller')[0]).toMatch(/^FROM --platform=\$BUILDPLATFORM /);
    expect(run).toMatch(/npm ci && /);
    expect(run).not.toMatch(/npm ci --omit/);
    expect(pkg.scripts['prepare']).toBe('tsc -p tsconfig.build.json && node router-build/bundle.mjs');
    expect(stage('controller')).toContain('COPY router-build/bundle.mjs router-build/bundle.mjs');
  });

  it('ships the bundle alone: no node_modules, none of the rest of dist/', () => {
    const run = stage('controller').find((l) => l.startsWith('RUN ')) ?? '';
    expect(run).toContain('cp -R dist/bundle /out/app/dist/');
    expect(run).toContain(`ln -s ${IMAGE_ENTRY} /out/bin/iofog-router`);
    expect(instructions.join('\n')).not.toMatch(/node_modules/);
    expect(run).not.toMatch(/cp -R [^&]*\bdist (?!\/)/);
    // The bundle inlines every dependency (ws's optional native helpers stay optional) and is
    // written where the image copies it from, its entry named as the ENTRYPOINT names it.
    expect(bundleScript).toMatch(/bundle: true/);
    expect(bundleScript).toMatch(/external: \['bufferutil', 'utf-8-validate', 'supports-color'\]/);
    expect(bundleScript).toContain("join(ROOT, 'dist', 'bundle')");
    expect(bundleScript).toContain("entryPoints: { 'iofog-router': 'controller/cli/main.ts' }");
  });

  it('copies libstdc++ and libgcc_s once each, by soname (a glob would also store the versioned file)', () => {
    for (const name of ['runtime', 'dev']) {
      const libs = stage(name).filter((l) => l.startsWith('COPY --from=libs '));
      expect(libs).toEqual(['COPY --from=libs ${LIBS_DIR}/libstdc++.so.6 ${LIBS_DIR}/libgcc_s.so.1 ${LIBS_DIR}/']);
    }
  });

  it('runs the controller as the entrypoint, from the bundle', () => {
    for (const name of ['runtime', 'dev']) {
      expect(stage(name)).toContain(`ENTRYPOINT ["/usr/local/bin/node", "${IMAGE_ENTRY}"]`);
    }
  });

  it('runs as a numeric non-root user', () => {
    for (const name of ['runtime', 'dev']) {
      const user = stage(name).filter((l) => l.startsWith('USER ')).at(-1);
      expect(user).toMatch(/^USER [1-9]\d*(:\d+)?$/);
    }
  });

  it('labels the source, the version and the skupper-router version', () => {
    const labels = stage('runtime').find((l) => l.startsWith('LABEL ')) ?? '';
    expect(labels).toContain('org.opencontainers.image.source="${SOURCE}"');
    expect(labels).toContain('org.opencontainers.image.version="${VERSION}"');
    expect(labels).toContain('org.eclipse.iofog.skupper-router.version="${SKUPPER_ROUTER_VERSION}"');
  });

  it('checks health through /healthz and verifies the image at build time', () => {
    expect(stage('runtime').find((l) => l.startsWith('HEALTHCHECK '))).toMatch(/CMD \["\/usr\/local\/bin\/node", "\/opt\/iofog-router\/healthcheck\.mjs"\]$/);
    const verify = stage('runtime').find((l) => l.startsWith('RUN ') && l.includes('verify-image.mjs')) ?? '';
    // The image has no dist/controller: the check takes find-binary.js from the controller stage's build.
    expect(verify).toContain('--mount=type=bind,from=controller,source=/src,target=/tmp/iofog-router-build');
    expect(verify).toMatch(/\["\/usr\/local\/bin\/node", "\/tmp\/verify-image\.mjs", "\/tmp\/iofog-router-build\/dist"\]$/);
  });

  it('sets QDROUTERD_HOME and the documented defaults, equal to schemas/settings.ts', () => {
    for (const name of ['runtime', 'dev']) {
      const env = envOf(name);
      for (const key of ['SKUPPER_PLATFORM', 'QDROUTERD_CONF', 'QDROUTERD_HOME', 'SSL_PROFILE_PATH', 'ROUTER_MGMT_PORT', 'HTTP_PORT']) {
        expect(env.get(key), `${name} ${key}`).toBe(SETTINGS.find((s) => s.env === key)?.default);
      }
      expect(env.has('SKROUTERD_BIN'), 'the controller finds the router itself').toBe(false);
    }
    expect(stage('runtime')).toContain(`EXPOSE ${envOf('runtime').get('HTTP_PORT')}`);
  });

  it('sizes the V8 heap with NODE_OPTIONS that this Node accepts, keeping WebAssembly (fetch, Request)', async () => {
    const options = [...new Set(['runtime', 'dev'].map((name) => stage(name).find((l) => l.startsWith('ENV NODE_OPTIONS='))))];
    expect(options).toEqual([`ENV NODE_OPTIONS="${IMAGE_NODE_OPTIONS}"`]);
    const value = options[0]!.slice('ENV NODE_OPTIONS="'.length, -1);
    // --lite-mode and --jitless remove WebAssembly, and Node 20's undici then throws on the first
    // `new Request()` (ky and the Edgelet client make one): pot mode would exit at start.
    const probe = 'new Request("http://127.0.0.1/"); console.log(require("node:v8").getHeapStatistics().heap_size_limit)';
    const result = await node(['-e', probe], { NODE_OPTIONS: value });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(Number(result.stdout) / 2 ** 20).toBeGreaterThanOrEqual(96);
    expect(Number(result.stdout) / 2 ** 20).toBeLessThan(110);
  });

  it('uses a Node image that satisfies engines.node', () => {
    const version = /node:(\d+\.\d+\.\d+)-/.exec(globalArg('NODE_IMAGE') ?? '')?.[1] ?? '';
    const minimum = /^>=(\d+\.\d+)/.exec(pkg.engines.node)?.[1] ?? '';
    const [major, minor] = version.split('.').map(Number);
    const [minMajor, minMinor] = minimum.split('.').map(Number);
    expect(major === minMajor && minor! >= minMinor!, `${version} vs ${pkg.engines.node}`).toBe(true);
  });

  it('copies from the context only what Containerfile.dockerignore lets in', () => {
    const allowed = ignore.split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    const sources = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1))
      .concat(instructions.flatMap((l) => [...l.matchAll(/--mount=type=bind,source=([^,\s]+)/g)].map((m) => m[1]!)));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) expect(allowed, source).toContain(source.replace(/\/$/, ''));
  });
});

describe('docker-bake.hcl', () => {
  it('builds runtime and dev for linux/amd64 and linux/arm64 from the repository root', () => {
    expect(bake).toMatch(/target "runtime" \{[^}]*target\s+= "runtime"/s);
    expect(bake).toMatch(/target "dev" \{[^}]*target\s+= "dev"/s);
    expect(bakeDefault('PLATFORMS')).toBe('linux/amd64,linux/arm64');
    expect(bake).toMatch(/context\s+= "\."/);
    expect(bake).toMatch(/dockerfile = "router-build\/Containerfile"/);
  });

  it('has the same defaults as the Containerfile', () => {
    for (const name of ['ROUTER_IMAGE', 'ROUTER_DIGEST', 'NODE_IMAGE', 'LIBS_IMAGE', 'LIBS_DIR']) {
      expect(bakeDefault(name), name).toBe(globalArg(name));
    }
    expect(bakeDefault('VERSION')).toBeDefined();
    expect(bakeDefault('SKUPPER_ROUTER_VERSION')).toBe('3.5.1');
  });
});

function node(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('verify-image.mjs (the build-time check), against the local build', () => {
  async function fakeRouter(version: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'verify-'));
    const file = join(dir, 'skrouterd');
    await writeFile(file, `#!/bin/sh\n[ "$1" = --version ] && echo ${version}\n`);
    await chmod(file, 0o755);
    return file;
  }
  it('needs the local build and bundle (npm ci runs both)', () => {
    expect(existsSync(join(ROOT, 'dist/controller/router/find-binary.js')), 'run `npm run build` first').toBe(true);
    expect(existsSync(join(ROOT, 'dist/bundle/iofog-router.mjs')), 'run `npm run build` (or `just bundle`) first').toBe(true);
  });
  const verify = (router: string, extra: NodeJS.ProcessEnv = {}) =>
    node([join(HERE, 'verify-image.mjs')], { IOFOG_ROUTER_HOME: ROOT, SKROUTERD_BIN: router, PATH: join(router, '..'), ...extra });

  it('passes with the right router version and no package manager on PATH', async () => {
    const result = await verify(await fakeRouter('3.5.1'));
    expect(result.stdout).toContain('verify-image: ok');
    expect(result.stdout).toContain(`iofog-router: ${pkg.version}`);
    expect(result.code).toBe(0);
  });

  it('fails the build on another router version, or a package manager on PATH', async () => {
    const wrong = await verify(await fakeRouter('3.4.2'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('expected 3.5.1');
    const router = await fakeRouter('3.5.1');
    await writeFile(join(router, '..', 'npm'), '');
    const npm = await verify(router);
    expect(npm.code).toBe(1);
    expect(npm.stderr).toMatch(/npm is in the image/);
  });

  it('looks for the router at the path the controller uses', async () => {
    expect(await readFile(join(HERE, 'verify-image.mjs'), 'utf8')).toContain('findRouterBinary');
    expect(IMAGE_ROUTER_PATH).toBe('/usr/sbin/skrouterd');
  });
});

describe('healthcheck.mjs (the HEALTHCHECK)', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(status: number): Promise<string> {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? status : 404);
      res.end('x\n');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return String((server.address() as AddressInfo).port);
  }
  const check = (port: string) => node([join(HERE, 'healthcheck.mjs')], { HTTP_PORT: port });

  it('exits 0 when /healthz answers 200, 1 on 503 or when nothing listens', async () => {
    expect((await check(await serve(200))).code).toBe(0);
    server!.close();
    const port = await serve(503);
    expect((await check(port)).code).toBe(1);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect((await check(port)).code).toBe(1);
  });

  it('skips an ephemeral port (HTTP_PORT=0)', async () => {
    expect((await check('0')).code).toBe(0);
  });
});
