// Bundles the controller the way the runtime image runs it (README "Container image"):
// dist/bundle/iofog-router.mjs and the chunks beside it, every dependency inlined, so the image
// needs neither dist/ nor node_modules. Loading a few files instead of a few hundred modules saves
// about 4 MB of idle RSS. Also dist/bundle/simulator.mjs, the built-in simulator `iofog-router demo`
// starts, and THIRD-PARTY-NOTICES.txt, the licenses of what was inlined.
//
//   node router-build/bundle.mjs        (`just bundle`; the image's controller stage runs it)
//
// Built from the TypeScript sources (esbuild strips the types; `tsc` checks them), for Node 20.
// Code splitting keeps the subcommands' `await import('./commands/….js')` (and pot mode's Edgelet
// client) lazy: `run` in kubernetes mode loads only what it uses. Minified, because V8 keeps every
// module's source text in the heap; the output is ASCII (esbuild's default), so those strings take
// one byte per character (tsc's output has a few non-ASCII characters, which makes a module's whole
// source two bytes per character). Idle RSS, kubernetes mode, image NODE_OPTIONS, simulator, median
// of 5: dist/ 63.8 MB; split 60.3 MB minified (whitespace and syntax only), 59.8 MB minified; one
// file with everything inlined 63.4 MB (its lazy modules' source still parsed and kept).
// Minified names make stack traces terse: the source maps beside the files turn them back into the
// sources with `NODE_OPTIONS="$NODE_OPTIONS --enable-source-maps"` (which costs memory: not the default).
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import process from 'node:process';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'bundle');
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));

/** @type {import('esbuild').BuildOptions} */
const common = {
  absWorkingDir: ROOT,
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  // Error names are string literals in the sources (`override readonly name = '…'`), not class
  // names, so they survive minification; nothing reads `constructor.name` of our classes.
  sourcemap: 'linked',
  // Mappings only: a stack trace needs positions, not the sources (a third of the size).
  sourcesContent: false,
  legalComments: 'none',
  // ws's and debug's optional helpers: required inside try/catch, absent here and in the image.
  external: ['bufferutil', 'utf-8-validate', 'supports-color'],
  // CommonJS dependencies (rhea, debug, ws, fast-json-patch) `require` Node's built-ins.
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
};

await rm(OUT, { recursive: true, force: true });
const [controller, simulator] = await Promise.all([
  build({
    ...common,
    entryPoints: { 'iofog-router': 'controller/cli/main.ts' },
    splitting: true,
    // `iofog-router --version`: there is no package.json beside the bundle (controller/cli/main.ts);
    // `iofog-router demo` starts the simulator built beside it (controller/cli/commands/demo.ts).
    define: { IOFOG_ROUTER_VERSION: JSON.stringify(pkg.version), IOFOG_ROUTER_SIMULATOR: JSON.stringify('./simulator.mjs') },
  }),
  // Its own file, so that it shares no chunk with the controller.
  build({ ...common, entryPoints: { simulator: 'e2e/simulator/main.ts' } }),
]);

/** The package (name, directory) each inlined node_modules file belongs to. */
function packageOf(input) {
  const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
  return match ? { name: match[2], dir: join(ROOT, match[1]) } : undefined;
}
const packages = new Map();
for (const input of [...Object.keys(controller.metafile.inputs), ...Object.keys(simulator.metafile.inputs)]) {
  const found = packageOf(input);
  if (found) packages.set(found.name, found.dir);
}
const notices = [`Third-party software inlined in iofog-router ${pkg.version}'s bundle (router-build/bundle.mjs).\n`];
for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
  const meta = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'license.md', 'LICENCE'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`${name}: no license file in ${relative(ROOT, dir)}; add its notice to router-build/bundle.mjs`);
  notices.push(`\n${'='.repeat(78)}\n${name} ${meta.version} (${meta.license})\n${'='.repeat(78)}\n\n${(await readFile(file, 'utf8')).trim()}\n`);
}
await writeFile(join(OUT, 'THIRD-PARTY-NOTICES.txt'), notices.join(''));

let total = 0;
for (const [file, output] of Object.entries({ ...controller.metafile.outputs, ...simulator.metafile.outputs })) {
  if (!file.endsWith('.map')) total += output.bytes;
}
process.stdout.write(`${relative(ROOT, OUT)}/: ${(total / 1024).toFixed(0)} KB of JavaScript (${packages.size} packages inlined; ${relative(ROOT, join(OUT, 'iofog-router.mjs'))} is the entry)\n`);
