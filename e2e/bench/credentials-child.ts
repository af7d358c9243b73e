/**
 * Child process of the channel section (run with `--expose-gc`): the first
 * `createManagementCredentials()` of a fresh process, as a controller pays it at start. Heap and
 * RSS are read after a full GC before and after the call (the delta is what the process keeps:
 * OpenSSL's EC tables, compiled code), and the call is timed; a second call is timed for
 * comparison. Prints one JSON line: { firstMs, secondMs, rssDeltaMb, heapDeltaMb }.
 */
import { createManagementCredentials } from '../../controller/tls/management-credentials.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('usage: node --expose-gc credentials-child.js');
const settled = () => {
  gc();
  gc();
  return process.memoryUsage();
};

const before = settled();
let start = performance.now();
createManagementCredentials();
const firstMs = performance.now() - start;
const after = settled();
start = performance.now();
createManagementCredentials();
const secondMs = performance.now() - start;
const mb = (bytes: number) => bytes / 2 ** 20;
process.stdout.write(`${JSON.stringify({ firstMs, secondMs, rssDeltaMb: mb(after.rss - before.rss), heapDeltaMb: mb(after.heapUsed - before.heapUsed) })}\n`);
