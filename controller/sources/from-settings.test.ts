import { describe, expect, it } from 'vitest';
import { createLog } from '../log.js';
import { loadSettings } from '../settings.js';
import { sourceFromSettings } from './from-settings.js';

async function warnings(env: Record<string, string>): Promise<string[]> {
  const lines: string[] = [];
  const log = createLog({ json: true, write: (l) => lines.push(l) });
  const source = await sourceFromSettings(loadSettings({ SKUPPER_PLATFORM: 'kubernetes', ...env }), log);
  await source.close();
  return lines.map((l) => String((JSON.parse(l) as { msg: unknown }).msg));
}

describe('sourceFromSettings (kubernetes)', () => {
  it('warns when the boot file is rewritten in the directory the desired file is watched in', async () => {
    expect(await warnings({ QDROUTERD_CONF: '/tmp/skrouterd.json', ROUTER_BOOT_FILE: '/tmp/skrouterd-boot.json' })).toEqual([
      expect.stringContaining('ROUTER_BOOT_FILE is in the directory of QDROUTERD_CONF'),
    ]);
    expect(await warnings({ QDROUTERD_CONF: '/etc/skupper-router/config/skrouterd.json', ROUTER_BOOT_FILE: '/tmp/skrouterd-boot.json' })).toEqual([]);
  });
});
