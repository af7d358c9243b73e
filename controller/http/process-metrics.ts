/**
 * The process metrics prom-client's `collectDefaultMetrics` gave, under the same names and help
 * (with `prefix`): `process_cpu_user_seconds_total`, `process_cpu_system_seconds_total`,
 * `process_cpu_seconds_total` (since the process started), `process_start_time_seconds`,
 * `process_resident_memory_bytes`, and on Linux `process_virtual_memory_bytes`,
 * `process_heap_bytes`, `process_open_fds`, `process_max_fds`; and `nodejs_heap_size_total_bytes`,
 * `nodejs_heap_size_used_bytes`, `nodejs_external_memory_bytes`, `nodejs_version_info`.
 * Left out: event-loop lag (a 10 ms timer for ever), GC durations (a performance observer), heap
 * spaces and active handles; nothing here reads them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Counter, Gauge, type Registry } from './prometheus.js';

export function registerProcessMetrics(registry: Registry, prefix = ''): void {
  const registers = [registry];
  const linux = process.platform === 'linux';

  const cpuUser = new Counter({
    name: `${prefix}process_cpu_user_seconds_total`,
    help: 'Total user CPU time spent in seconds.',
    registers,
    collect: () => {
      const { user, system } = process.cpuUsage();
      for (const [counter, micros] of [[cpuUser, user], [cpuSystem, system], [cpuTotal, user + system]] as const) {
        counter.reset();
        counter.inc(micros / 1e6);
      }
    },
  });
  const cpuSystem = new Counter({ name: `${prefix}process_cpu_system_seconds_total`, help: 'Total system CPU time spent in seconds.', registers });
  const cpuTotal = new Counter({ name: `${prefix}process_cpu_seconds_total`, help: 'Total user and system CPU time spent in seconds.', registers });

  const startTime = Math.round(Date.now() / 1000 - process.uptime());
  const start: Gauge = new Gauge({
    name: `${prefix}process_start_time_seconds`,
    help: 'Start time of the process since unix epoch in seconds.',
    registers,
    collect: () => start.set(startTime),
  });

  const rss: Gauge = new Gauge({
    name: `${prefix}process_resident_memory_bytes`,
    help: 'Resident memory size in bytes.',
    registers,
    collect: () => {
      const status = linux ? readProc('/proc/self/status') : undefined;
      if (status === undefined) return rss.set(process.memoryUsage.rss());
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s*(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
      rss.set(kb('VmRSS'));
      vsize?.set(kb('VmSize'));
      heap?.set(kb('VmData'));
      return undefined;
    },
  });
  const vsize = linux ? new Gauge({ name: `${prefix}process_virtual_memory_bytes`, help: 'Virtual memory size in bytes.', registers }) : undefined;
  const heap = linux ? new Gauge({ name: `${prefix}process_heap_bytes`, help: 'Process heap size in bytes.', registers }) : undefined;

  if (linux) {
    const fds: Gauge = new Gauge({
      name: `${prefix}process_open_fds`,
      help: 'Number of open file descriptors.',
      registers,
      collect: () => {
        try {
          // Less the one readdirSync used.
          fds.set(readdirSync('/proc/self/fd').length - 1);
        } catch {
          // no /proc: leave it
        }
      },
    });
    const maxFds = Number(/^Max open files\s+(\d+)/m.exec(readProc('/proc/self/limits') ?? '')?.[1]);
    if (Number.isFinite(maxFds)) {
      const max: Gauge = new Gauge({ name: `${prefix}process_max_fds`, help: 'Maximum number of open file descriptors.', registers, collect: () => max.set(maxFds) });
    }
  }

  const heapTotal: Gauge = new Gauge({
    name: `${prefix}nodejs_heap_size_total_bytes`,
    help: 'Process heap size from Node.js in bytes.',
    registers,
    collect: () => {
      const m = process.memoryUsage();
      heapTotal.set(m.heapTotal);
      heapUsed.set(m.heapUsed);
      external.set(m.external);
    },
  });
  const heapUsed = new Gauge({ name: `${prefix}nodejs_heap_size_used_bytes`, help: 'Process heap size used from Node.js in bytes.', registers });
  const external = new Gauge({ name: `${prefix}nodejs_external_memory_bytes`, help: 'Node.js external memory size in bytes.', registers });

  const [major = '', minor = '', patch = ''] = process.version.slice(1).split('.');
  const version: Gauge<'version' | 'major' | 'minor' | 'patch'> = new Gauge({
    name: `${prefix}nodejs_version_info`,
    help: 'Node.js version info.',
    labelNames: ['version', 'major', 'minor', 'patch'],
    registers,
    collect: () => version.set({ version: process.version, major, minor, patch }, 1),
  });
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
