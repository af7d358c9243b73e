/**
 * Standalone simulated router:
 *
 *   node dist/e2e/simulator/main.js [--host 127.0.0.1] [--port 5672] [--boot skrouterd.json]
 *                                   [--router-id id] [--no-latency] [--latency-scale 1]
 *                                   [--check-tls-files]
 *
 * Prints the URL on stdout and runs until SIGTERM or SIGINT. A bad boot file exits with
 * status 1 after printing the router's start-up failure, as skrouterd does.
 */
import { parseArgs } from 'node:util';
import { SimulatorBootError, startSimulator, type SimulatorOptions } from './index.js';

function options(argv: readonly string[]): SimulatorOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      boot: { type: 'string' },
      'router-id': { type: 'string' },
      'no-latency': { type: 'boolean' },
      'latency-scale': { type: 'string' },
      'check-tls-files': { type: 'boolean' },
    },
    strict: true,
  });
  const port = values.port === undefined ? 5672 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--port must be 0-65535, got ${values.port}`);
  const scale = values['latency-scale'] === undefined ? 1 : Number(values['latency-scale']);
  return {
    port,
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.boot !== undefined ? { boot: { file: values.boot } } : {}),
    ...(values['router-id'] !== undefined ? { routerId: values['router-id'] } : {}),
    latency: values['no-latency'] ? false : { scale },
    checkTlsFiles: values['check-tls-files'] === true,
  };
}

async function main(): Promise<void> {
  const simulator = await startSimulator(options(process.argv.slice(2)));
  process.stdout.write(`${simulator.url}\n`);
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof SimulatorBootError || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
