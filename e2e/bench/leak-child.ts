/**
 * Child process of the leak check (run with `--expose-gc`): the real Controller, in attach mode
 * against the router at `--url`, fed by an in-memory source, driven through `--passes` passes.
 * Every `--every`-th pass follows a one-entity change (so apply, status and metrics run too);
 * the others are no-op resyncs. Heap and RSS are sampled after a full GC every `--sample`
 * passes. Prints one JSON line: { samples: [{ pass, heapUsedMb, rssMb }], passes, writes }.
 */
import { parseArgs } from 'node:util';
import { Controller } from '../../controller/controller.js';
import { createLog } from '../../controller/log.js';
import { loadSettings } from '../../controller/settings.js';
import { revisionOf } from '../../controller/sources/file-source.js';
import type { DesiredSource, SourceSnapshot } from '../../controller/sources/source.js';
import { changeable, desiredText } from './workload.js';

class MemorySource implements DesiredSource {
  text: string;

  constructor(text: string) {
    this.text = text;
  }

  read(): Promise<SourceSnapshot> {
    return Promise.resolve({ text: this.text, file: 'bench-memory', revision: revisionOf(this.text) });
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  describe(): { kind: string; location: string } {
    return { kind: 'memory', location: 'bench' };
  }
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    entities: { type: 'string', default: '100' },
    passes: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '50' },
    every: { type: 'string', default: '10' },
    sample: { type: 'string', default: '100' },
  },
});
const gc = (globalThis as { gc?: () => void }).gc;
if (values.url === undefined || gc === undefined) throw new Error('usage: node --expose-gc leak-child.js --url amqp://host:port');
const [entities, passes, warmup, every, sampleEvery] = [values.entities, values.passes, values.warmup, values.every, values.sample].map(Number) as [
  number,
  number,
  number,
  number,
  number,
];

const source = new MemorySource(desiredText(entities));
let done = 0;
let writes = 0;
const controller = await Controller.start({
  settings: loadSettings({ SKUPPER_PLATFORM: 'kubernetes', ROUTER_URL: values.url, HTTP_PORT: '0', RESYNC_SECONDS: '3600' }),
  log: createLog({ level: 'error', json: true, write: () => undefined }),
  source,
  httpHost: '127.0.0.1',
  onPass: (report) => {
    done++;
    writes += report.plan.operations.length;
  },
});

const candidates = changeable(entities);
const flipped = new Set<number>();
const samples: { pass: number; heapUsedMb: number; rssMb: number }[] = [];
const sample = (pass: number) => {
  gc();
  gc();
  const m = process.memoryUsage();
  samples.push({ pass, heapUsedMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20 });
};

const pass = async (i: number) => {
  if (i % every === 0) {
    const index = candidates[(i * 7_919) % candidates.length] ?? 0;
    if (!flipped.delete(index)) flipped.add(index);
    source.text = desiredText(entities, flipped);
  }
  controller.trigger('bench');
  await controller.idle();
};

await controller.idle();
for (let i = 1 - warmup; i <= 0; i++) await pass(i);
sample(0);
done = 0;
writes = 0;
for (let i = 1; i <= passes; i++) {
  await pass(i);
  if (i % sampleEvery === 0) sample(i);
}
await controller.stop();
process.stdout.write(`${JSON.stringify({ samples, passes: done, writes })}\n`);
