/** The README's first set-up command: `iofog-router demo` runs every scripted step as expected and exits 0. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/controller/cli/main.js', import.meta.url));

describe('iofog-router demo', () => {
  it('converges on every scripted edit, rejects the invalid one, repairs drift, and exits 0', async () => {
    // Without SKROUTERD_BIN the demo supervises the simulator; with it, the real router.
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'demo'], { timeout: 120_000 });
    expect(stdout).toContain('Demo finished: every step behaved as expected.');
    expect(stdout.match(/^-> converged/gm)).toHaveLength(7);
    expect(stdout.match(/^-> rejected/gm)).toHaveLength(1);
    expect(stdout).not.toContain('UNEXPECTED');
  });
});
