// The values a real skrouterd 3.5.1 refused at boot (e2e/reference/skrouterd-3.5.1-boot-refusals.json):
// validation refuses every refused value and accepts every accepted one, in the same boot file.
import { describe, expect, it } from 'vitest';
import { loadConfig } from './index.js';
import { bootRefusals, type RefusalCase } from '../../e2e/reference/fixtures.js';


const { cases } = bootRefusals();

/** Cases that need more than the config text, with where they are checked instead. */
const ELSEWHERE: Readonly<Record<string, string>> = {
  // The directory must be looked at: controller/checks/output-file.test.ts runs these values.
  'log.outputFile': 'file system',
  // Which files a profile ends up with depends on the SSL_PROFILE_PATH overlay, applied after loading.
  'listener.sslProfile': 'SSL profile directory',
};

const key = (c: RefusalCase): string => `${c.entity}.${c.attribute}`;

function bootFile(c: RefusalCase, value: unknown): string {
  const entity = [c.entity, { ...c.base, [c.attribute]: value }] as const;
  const router = c.entity === 'router' ? [] : [['router', { id: 'boot-refusals', mode: 'interior' }] as const];
  return JSON.stringify([...router, ...(c.with ?? []), entity]);
}

const checked = cases.filter((c) => ELSEWHERE[key(c)] === undefined);

describe('the real router\'s boot refusals', () => {
  it('the fixture holds cases, and every case left to another check is in it', () => {
    expect(checked.length).toBeGreaterThan(5);
    for (const skipped of Object.keys(ELSEWHERE)) expect(cases.map(key)).toContain(skipped);
  });

  it.each(checked.flatMap((c) => c.values.map((v) => [key(c), JSON.stringify(v), c, v] as const)))('refuses %s = %s', (_, __, c, value) => {
    const result = loadConfig(bootFile(c, value), { file: 'boot.json' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const index = c.entity === 'router' ? 0 : 1 + (c.with?.length ?? 0);
    expect(result.errors.map((e) => e.path)).toContainEqual(expect.stringMatching(new RegExp(`^\\$\\[${index}\\]\\[1\\]\\.${c.attribute}`)));
  });

  it.each(checked.flatMap((c) => c.accepted.map((v) => [key(c), JSON.stringify(v), c, v] as const)))('accepts %s = %s', (_, __, c, value) => {
    const result = loadConfig(bootFile(c, value), { file: 'boot.json' });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});
