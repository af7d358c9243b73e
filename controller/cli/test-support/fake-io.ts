/** A CliIo that records what a command writes and serves files from a map; `env` holds the settings (none by default). */
export function fakeIo(files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (s: string) => out.push(s),
      stderr: (s: string) => err.push(s),
      readFile: (p: string) => (p in files ? Promise.resolve(files[p] ?? '') : Promise.reject(new Error(`ENOENT: ${p}`))),
      env,
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
