/** Runs main.ts as skrouterd would be run (`-c FILE`), through Vite's module runner (no build needed). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

export function runMain(...args: string[]) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', "const { runnerImport } = await import('vite'); await runnerImport(process.argv[1], { configFile: false, logLevel: 'silent' });", MAIN, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const exited = ended.then(({ code }) => code);
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => stdout.includes('\n') && resolve(stdout.split('\n')[0] ?? ''));
    void exited.then(() => reject(new Error(`exited before printing a URL: ${stderr}`)));
  });
  firstLine.catch(() => undefined); // only the tests that expect a URL wait for it
  return { child, firstLine, exited, ended, stderr: () => stderr };
}
