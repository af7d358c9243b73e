/**
 * Binds the router's life to the controller's: a small `sh` process waits for end-of-file on a
 * pipe whose only writer is the controller. The kernel closes that pipe whenever the controller
 * ends, SIGKILL and crashes included, and the watchdog then stops the router (SIGTERM, SIGKILL
 * after the grace period) unless that pid is no longer the same process (start time check).
 *
 * Why not the alternatives: skrouterd ignores its stdin and dies of SIGPIPE only at its next log
 * write after its stdout/stderr pipe closed, which may be never; `prctl(PR_SET_PDEATHSIG)` needs a
 * native addon or util-linux's `setpriv`, which the router image does not promise, and it fires
 * on the death of the spawning thread. `/bin/sh` is in every router image, costs ~1 MB, leaves
 * the router's pid and exit status untouched, and SIGTERM also stops a containerised router
 * (the engine's `run` passes it on). The next controller's start-up check covers the window this
 * cannot: a controller killed between spawning the router and spawning its watchdog.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ProcessIdentity } from './leftover-router.js';

/** $1 pid, $2 start time (/proc/<pid>/stat field 22), $3 seconds between SIGTERM and SIGKILL. */
const SCRIPT = `
pid=$1 start=$2 grace=$3
same() {
  s=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  set -- \${s##*")"}
  [ "$1" != Z ] && [ "\${20}" = "$start" ]
}
cat >/dev/null 2>&1
same || exit 0
kill -TERM "$pid" 2>/dev/null
i=0
while [ "$i" -lt "$grace" ]; do
  sleep 1
  same || exit 0
  i=$((i + 1))
done
kill -KILL "$pid" 2>/dev/null
exit 0
`;

export interface Watchdog {
  readonly pid: number | undefined;
  /** The router exited or was stopped by us: let the watchdog go without touching anything. */
  release(): void;
}

/**
 * Starts a watchdog for `router`. Its stdin is a pipe held by this process only (Node opens every
 * descriptor close-on-exec, so the router does not inherit it). `graceSeconds` at least 1.
 * `onError`: the shell could not be started (there is then no watchdog).
 */
export function startWatchdog(router: ProcessIdentity, graceSeconds: number, onError: (error: Error) => void = () => undefined, shell = '/bin/sh'): Watchdog {
  const child: ChildProcess = spawn(shell, ['-c', SCRIPT, 'iofog-router-watchdog', String(router.pid), router.startTime, String(Math.max(1, Math.ceil(graceSeconds)))], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // Its own process group: a signal to ours (Ctrl-C, a group kill) does not take it first.
    detached: true,
  });
  child.on('error', onError);
  child.stdin?.on('error', () => undefined);
  child.unref();
  return {
    pid: child.pid,
    release: () => {
      // The router is gone (or was stopped by us): the watchdog's check finds no such process.
      child.stdin?.destroy();
    },
  };
}
