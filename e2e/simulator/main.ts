/**
 * Standalone simulated router:
 *
 *   node dist/e2e/simulator/main.js [--host 127.0.0.1] [--port 5672] [--boot skrouterd.json]
 *                                   [--router-id id] [--no-latency] [--latency-scale 1]
 *                                   [--check-tls-files] [--tcp-data-plane]
 *   node dist/e2e/simulator/main.js -c skrouterd.json
 *
 * Prints the URL on stdout and runs until SIGTERM or SIGINT. A bad boot file exits with
 * status 1 after printing the router's start-up failure, as skrouterd does; `router`
 * `workerThreads` 0 exits with status 0 and a negative count dies of SIGABRT, silently, as it does.
 *
 * `-c FILE` is skrouterd's own command line: boot from FILE and serve management the way its
 * management listener says (the one the controller adds, else the first listener): on its port,
 * and with its sslProfile, requireSsl, authenticatePeer and saslMechanisms (TLS, mutual TLS,
 * SASL EXTERNAL; the URL printed is then `amqps://`), so the controller can supervise the
 * simulator exactly as it supervises skrouterd. Every other listener of role normal or
 * route-container serves AMQP management too, with its own security; one that cannot bind is
 * logged on stderr (`SERVER (error) Listener error on ...`): the simulator carries on, unless it
 * is a boot file listener, which ends it with status 1 as it ends skrouterd. The
 * sslProfile files of every listener served are read when it is created: one that cannot be used
 * is a start-up failure in the boot file (and a 500 to a CREATE), as it is for skrouterd.
 *
 * `--check-tls-files` reads the files of the other listeners too (router-to-router, http), as
 * skrouterd does, and checks that a connector's CA file exists.
 *
 * `--tcp-data-plane`, or `SIMULATOR_TCP_DATA_PLANE=1` in the environment (which reaches the
 * simulator through the controller when it stands in for skrouterd), binds tcpListeners and
 * forwards their connections to tcpConnectors (tcp-plane.ts); its errors go to stderr.
 */
import { parseArgs } from 'node:util';
import { MANAGEMENT_LISTENER } from '../../controller/router/management-channel.js';
import { bootFailureLines } from './errors.js';
import { SimulatorBootError, startSimulator, type SimulatorOptions } from './index.js';

function options(argv: readonly string[]): SimulatorOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      boot: { type: 'string' },
      config: { type: 'string', short: 'c' },
      'router-id': { type: 'string' },
      'no-latency': { type: 'boolean' },
      'latency-scale': { type: 'string' },
      'check-tls-files': { type: 'boolean' },
      'tcp-data-plane': { type: 'boolean' },
    },
    strict: true,
  });
  const boot = values.boot ?? values.config;
  // With -c the boot file's management listener gives the port (startSimulator reads it).
  const port = values.port === undefined ? (values.config === undefined ? 5672 : undefined) : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new RangeError(`--port must be 0-65535, got ${values.port}`);
  const scale = values['latency-scale'] === undefined ? 1 : Number(values['latency-scale']);
  return {
    ...(port !== undefined ? { port } : {}),
    ...(values.config !== undefined ? { managementListener: MANAGEMENT_LISTENER } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(boot !== undefined ? { boot: { file: boot } } : {}),
    ...(values['router-id'] !== undefined ? { routerId: values['router-id'] } : {}),
    latency: values['no-latency'] ? false : { scale },
    checkTlsFiles: values['check-tls-files'] === true,
    tcpDataPlane: values['tcp-data-plane'] === true || process.env['SIMULATOR_TCP_DATA_PLANE'] === '1',
    log: (line) => process.stderr.write(`${line}\n`),
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
  if (!(error instanceof SimulatorBootError)) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  // As skrouterd ends: its start-up failure lines and status 1, or status 0, or SIGABRT.
  for (const line of bootFailureLines(error, new Date())) process.stderr.write(`${line}\n`);
  if ('signal' in error.exit) process.kill(process.pid, error.exit.signal);
  else process.exit(error.exit.exitCode);
});
