/**
 * Requests per second of the management client against the simulator with its latency model
 * off: one request at a time versus pipelined windows of 32 and 64, for READ and for
 * CREATE+DELETE pairs. Each figure is the median of 5 timed runs of 2,000 requests, after one
 * untimed warm-up run.
 *
 * Run (tsx is not installed, so compile first):
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out; node /tmp/bench-out/e2e/bench/client-throughput.js
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ManagementClient } from '../../controller/management/index.js';
import { startSimulator } from '../simulator/index.js';

const RUNS = 5;
const REQUESTS = 2_000;
const TYPE = 'io.skupper.router.tcpConnector';
const READ_TARGET = 'bench-read';

type Mode = { label: string; maxInFlight: number; pipelined: boolean };
type Workload = { label: string; run(client: ManagementClient, pipelined: boolean, tag: string): Promise<void> };

const MODES: Mode[] = [
  { label: 'one at a time', maxInFlight: 1, pipelined: false },
  { label: 'window 32', maxInFlight: 32, pipelined: true },
  { label: 'window 64', maxInFlight: 64, pipelined: true },
];

function connector(i: number): Record<string, unknown> {
  return { host: '127.0.0.1', port: String(20_000 + (i % 10_000)), address: `bench-svc-${i}` };
}

/** Run `units` units of work, all at once (the client's window bounds them) or one after another. */
async function drive(units: number, pipelined: boolean, unit: (i: number) => Promise<void>): Promise<void> {
  if (pipelined) {
    await Promise.all(Array.from({ length: units }, (_, i) => unit(i)));
    return;
  }
  for (let i = 0; i < units; i++) await unit(i);
}

const WORKLOADS: Workload[] = [
  {
    label: 'READ',
    run: (client, pipelined) =>
      drive(REQUESTS, pipelined, async () => {
        await client.read(TYPE, READ_TARGET);
      }),
  },
  {
    // Each unit is two requests: a CREATE and the DELETE of the same entity.
    label: 'CREATE+DELETE',
    run: (client, pipelined, tag) =>
      drive(REQUESTS / 2, pipelined, async (i) => {
        const name = `bench-${tag}-${i}`;
        await client.create(TYPE, name, connector(i));
        await client.delete(TYPE, name);
      }),
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function measure(url: string, mode: Mode, workload: Workload): Promise<{ median: number; runs: number[] }> {
  const client = new ManagementClient({ url, maxInFlight: mode.maxInFlight, timeoutMs: 600_000 });
  try {
    const runs: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const tag = `${mode.maxInFlight}-${workload.label.length}-${run}`;
      const start = performance.now();
      await workload.run(client, mode.pipelined, tag);
      const seconds = (performance.now() - start) / 1_000;
      if (run > 0) runs.push(Math.round(REQUESTS / seconds));
    }
    return { median: median(runs), runs };
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  const simulator = await startSimulator({ latency: false, port: 0 });
  try {
    const setup = new ManagementClient({ url: simulator.url });
    await setup.create(TYPE, READ_TARGET, connector(0));
    await setup.close();

    const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
    console.log(`node ${process.version}, nproc ${os.availableParallelism()}, ${cpu}`);
    console.log(`median requests/s of ${RUNS} runs × ${REQUESTS} requests, simulator latency model off\n`);
    console.log(['workload'.padEnd(14), ...MODES.map((m) => m.label.padStart(14))].join(' '));
    for (const workload of WORKLOADS) {
      const cells: string[] = [];
      for (const mode of MODES) {
        const result = await measure(simulator.url, mode, workload);
        cells.push(String(result.median).padStart(14));
        console.error(`${workload.label} ${mode.label}: runs ${result.runs.join(', ')}`);
      }
      console.log([workload.label.padEnd(14), ...cells].join(' '));
    }
  } finally {
    await simulator.close();
  }
}

await main();
