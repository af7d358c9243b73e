// Build-time check of the assembled runtime image, run by the Containerfile as the runtime user.
// It fails the build unless:
//  - the controller's own lookup (controller/router/find-binary.ts, built into dist/) finds skrouterd,
//    at its image path, and `skrouterd --version` (which loads every shared library) reports
//    SKUPPER_ROUTER_VERSION;
//  - this Node satisfies package.json's engines range and the controller's CLI, the bundle
//    dist/bundle/iofog-router.mjs, starts: `--version`, and `run --help`, which loads every module
//    `run` loads at start (the management client, logging, HTTP) without a node_modules;
//  - no package manager (npm, npx, corepack) is on PATH: nothing in the image can download.
// IOFOG_ROUTER_HOME (default /opt/iofog-router) lets the test run it against a local build. The
// image has no dist/ but the bundle: the first argument names the dist/ that holds find-binary.js
// (the Containerfile mounts the controller stage's for this check); default IOFOG_ROUTER_HOME/dist.
import { execFileSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const app = process.env.IOFOG_ROUTER_HOME ?? '/opt/iofog-router';
const dist = process.argv[2] ?? join(app, 'dist');
const cli = join(app, 'dist/bundle/iofog-router.mjs');
const expectedRouter = process.env.SKUPPER_ROUTER_VERSION ?? '3.5.1';
const failures = [];
const fail = (message) => failures.push(message);
const run = (file, args) => execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).trim();

/** Compares dotted versions numerically: negative, zero or positive. */
function compare(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));

// The router, found exactly as the controller will find it.
const { findRouterBinary, IMAGE_ROUTER_PATH } = await import(pathToFileURL(join(dist, 'controller/router/find-binary.js')).href);
const router = findRouterBinary(process.env.SKROUTERD_BIN, process.env.PATH);
if (router === undefined) {
  fail(`skrouterd not found (SKROUTERD_BIN, PATH, ${IMAGE_ROUTER_PATH})`);
} else {
  if (process.env.SKROUTERD_BIN === undefined && router !== IMAGE_ROUTER_PATH) {
    fail(`the controller would run ${router}, not the image's ${IMAGE_ROUTER_PATH}`);
  }
  try {
    const version = run(router, ['--version']);
    if (!version.split(/\s+/).some((word) => word === expectedRouter || word.startsWith(`${expectedRouter}-`))) {
      fail(`${router} --version says "${version}", expected ${expectedRouter}`);
    } else {
      console.log(`skrouterd: ${router} ${version}`);
    }
  } catch (error) {
    fail(`${router} --version failed (missing shared library?): ${error.stderr || error.message}`);
  }
}

// Node and the controller.
const range = pkg.engines?.node ?? '';
const minimum = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range);
if (!minimum) fail(`package.json engines.node "${range}" is not ">=X.Y.Z"; teach verify-image.mjs the new form`);
else if (compare(process.versions.node, minimum[1]) < 0) fail(`node ${process.versions.node} does not satisfy ${range}`);
else console.log(`node: ${process.execPath} ${process.versions.node} (${range})`);
try {
  const version = run(process.execPath, [cli, '--version']);
  if (version !== pkg.version) fail(`iofog-router --version says "${version}", package.json says ${pkg.version}`);
  else console.log(`iofog-router: ${version}`);
  if (!run(process.execPath, [cli, 'run', '--help']).startsWith('Usage: iofog-router run')) fail('iofog-router run --help prints no usage');
} catch (error) {
  fail(`the controller does not start: ${error.stderr || error.message}`);
}

// Nothing that could download at run time.
for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
  for (const tool of ['npm', 'npx', 'corepack']) {
    if (existsSync(join(dir, tool))) fail(`${join(dir, tool)} is in the image`);
  }
}

if (!process.env.ROUTER_DIGEST) console.warn('warning: the router image is not pinned by digest (ROUTER_DIGEST is empty)');
if (failures.length > 0) {
  for (const message of failures) console.error(`verify-image: ${message}`);
  process.exit(1);
}
console.log('verify-image: ok');
