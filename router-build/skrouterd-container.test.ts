/**
 * skrouterd-container, the SKROUTERD_BIN shim, run against a fake engine that records how it was
 * called: the arguments it builds, the engine it picks, the exit status it passes back, and that a
 * SIGTERM sent to the shim's pid reaches the engine (the shim execs it).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SHIM = join(import.meta.dirname, 'skrouterd-container');

/** A fake engine: `rm` and `info` succeed (unless FAKE_INFO_FAILS), `run` records its arguments. */
const FAKE_ENGINE = `#!/bin/sh
log=$FAKE_LOG
printf '%s\\n' "\${0##*/} $1" >> "$log.calls"
case $1 in
  info) [ -z "\${FAKE_INFO_FAILS:-}" ] || exit 1; exit 0 ;;
  rm) exit 0 ;;
esac
for a in "$@"; do printf '%s\\n' "$a"; done > "$log.run"
if [ -n "\${FAKE_WAIT:-}" ]; then
  trap 'echo TERM >> "$log.run"; exit 0' TERM
  echo ready > "$log.ready"
  while :; do sleep 0.05; done
fi
exit "\${FAKE_EXIT:-0}"
`;

async function setup(engines: string[] = ['docker']) {
  const dir = await mkdtemp(join(tmpdir(), 'shim-'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  for (const engine of engines) {
    await writeFile(join(bin, engine), FAKE_ENGINE);
    await chmod(join(bin, engine), 0o755);
  }
  const conf = join(dir, 'conf');
  await mkdir(conf);
  await writeFile(join(conf, 'boot.json'), '[]');
  const log = join(dir, 'engine');
  const env = { PATH: `${bin}:/usr/bin:/bin`, FAKE_LOG: log };
  return { dir, bin, conf, log, env };
}

function shim(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/sh', [SHIM, ...args], { env, cwd, timeout: 20_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr });
    });
  });
}

const runArgs = async (log: string) => (await readFile(`${log}.run`, 'utf8')).trimEnd().split('\n');
const uidGid = `${process.getuid?.()}:${process.getgid?.()}`;

describe('skrouterd-container', () => {
  it('is valid POSIX shell (sh -n, and shellcheck where installed)', () => {
    execFileSync('/bin/sh', ['-n', SHIM]);
    const shellcheck = ['/usr/bin/shellcheck', '/usr/local/bin/shellcheck'].find((p) => existsSync(p));
    if (shellcheck) execFileSync(shellcheck, ['-s', 'sh', SHIM]);
  });

  it('runs the router image with the host network, the boot directory mounted at its path, --rm and --init', async () => {
    const t = await setup();
    const result = await shim(['-c', 'conf/boot.json'], { ...t.env, CONTAINER_ENGINE: 'docker' }, t.dir);
    expect(result.code).toBe(0);
    const args = await runArgs(t.log);
    const boot = join(t.conf, 'boot.json');
    expect(args.slice(0, 1)).toEqual(['run']);
    for (const flag of ['--rm', '--init', '--sig-proxy=true']) expect(args).toContain(flag);
    expect(args.join(' ')).toContain('--network host');
    expect(args.join(' ')).toContain(`-v ${t.conf}:${t.conf}:ro`);
    expect(args.join(' ')).toContain(`--user ${uidGid}`);
    expect(args.slice(-4)).toEqual(['/usr/sbin/skrouterd', 'quay.io/skupper/skupper-router:3.5.1', '-c', boot]);
    expect(args[args.indexOf('--name') + 1]).toMatch(/^skrouterd-\d+$/);
    // A leftover container of the same name is removed first.
    expect(await readFile(`${t.log}.calls`, 'utf8')).toBe('docker rm\ndocker run\n');
  });

  it('honours ROUTER_IMAGE, --config=, extra mounts and other options, and podman without root needs keep-id', async () => {
    const t = await setup(['podman']);
    const certs = join(t.dir, 'certs');
    const env = { ...t.env, CONTAINER_ENGINE: 'podman', ROUTER_IMAGE: 'localhost/router:dev', SKROUTERD_CONTAINER_MOUNTS: `${certs}:${t.conf}`, SKROUTERD_CONTAINER_INIT: '0' };
    const result = await shim([`--config=${t.conf}/boot.json`, '-I', '/py'], env);
    expect(result.code).toBe(0);
    const line = (await runArgs(t.log)).join(' ');
    expect(line).toContain(`-v ${t.conf}:${t.conf}:ro`);
    expect(line).toContain(`-v ${certs}:${certs}:ro`);
    expect(line.match(/-v /g)).toHaveLength(2);
    expect(line).not.toContain('--init');
    expect(line).toMatch(new RegExp(`localhost/router:dev -c ${t.conf}/boot.json -I /py$`));
    if (process.getuid?.() !== 0) expect(line).toContain('--userns=keep-id');
  });

  it('prefers docker, but falls back to podman when the docker daemon does not answer', async () => {
    const t = await setup(['docker', 'podman']);
    await shim(['-c', join(t.conf, 'boot.json')], t.env);
    expect(await readFile(`${t.log}.calls`, 'utf8')).toBe('docker info\ndocker rm\ndocker run\n');
    const u = await setup(['docker', 'podman']);
    await shim(['-c', join(u.conf, 'boot.json')], { ...u.env, FAKE_INFO_FAILS: '1' });
    expect(await readFile(`${u.log}.calls`, 'utf8')).toBe('docker info\npodman rm\npodman run\n');
  });

  it("exits with the router's status, and says so plainly when there is no engine or no boot file", async () => {
    const t = await setup();
    expect((await shim(['-c', join(t.conf, 'boot.json')], { ...t.env, FAKE_EXIT: '3' })).code).toBe(3);
    const none = await shim(['--version'], { PATH: t.conf });
    expect(none.code).toBe(127);
    expect(none.stderr).toContain('no container engine');
    const missing = await shim(['-c', join(t.conf, 'nope.json')], t.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no boot file');
  });

  it('execs the engine, so a SIGTERM to its pid reaches the engine', async () => {
    const t = await setup();
    const child = spawn('/bin/sh', [SHIM, '-c', join(t.conf, 'boot.json')], { env: { ...t.env, FAKE_WAIT: '1' }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 400 && !existsSync(`${t.log}.ready`); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect((await runArgs(t.log)).at(-1)).toBe('TERM');
  });
});
