/** The service-account files are read only as regular files of at most 1 MiB. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_MATERIAL_BYTES } from '../../fs/read-bounded.js';
import { readToken, readTrust } from './auth-material.js';
import { EdgeletError } from './errors.js';

const CA = readFileSync(new URL('../../tls/test-fixtures/ca.crt', import.meta.url), 'utf8');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgelet-sa-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<EdgeletError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EdgeletError);
  return error as EdgeletError;
}

describe('Edgelet service-account files', () => {
  it('reads a token file of exactly 1 MiB, and refuses one byte more naming the file and the limit', async () => {
    const token = join(dir, 'token');
    await writeFile(token, `${'t'.repeat(MAX_MATERIAL_BYTES - 1)}\n`);
    expect((await readToken(dir)).length).toBe(MAX_MATERIAL_BYTES - 1);
    await writeFile(token, 't'.repeat(MAX_MATERIAL_BYTES + 1));
    const error = await failure(readToken(dir));
    expect(error.message).toBe(`edgelet token: ${token} is 1048577 bytes, more than the limit of 1048576 bytes`);
    expect(error.kind).toBe('auth-material');
  });

  it('refuses a token that is a FIFO without blocking', async () => {
    execFileSync('mkfifo', [join(dir, 'token')]);
    expect((await failure(readToken(dir))).message).toBe(`edgelet token: cannot read ${join(dir, 'token')}: not a regular file (a FIFO)`);
  });

  it('reads a CA bundle of exactly 1 MiB, and refuses a 2 MiB one naming the file and the limit', async () => {
    const ca = join(dir, 'ca.crt');
    await writeFile(ca, `${'#'.repeat(MAX_MATERIAL_BYTES - CA.length - 1)}\n${CA}`);
    expect((await readTrust(dir)).at(-1)).toContain('-----BEGIN CERTIFICATE-----');
    await writeFile(ca, `${CA}${'#'.repeat(2 * MAX_MATERIAL_BYTES - CA.length)}`);
    expect((await failure(readTrust(dir))).message).toBe(`edgelet CA: ${ca} is 2097152 bytes, more than the limit of 1048576 bytes`);
  });

  it('still treats a missing CA file as "system roots only"', async () => {
    expect((await readTrust(dir)).length).toBeGreaterThan(10);
  });
});
