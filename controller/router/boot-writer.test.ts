import { access, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow, writeSkrouterdConfig } from '../../schemas/config/index.js';
import type { DesiredEntity, DesiredState } from '../../schemas/index.js';
import { DEFAULT_CONFIG_LIMITS, type ConfigLimits } from '../config-limits.js';
import { createLog } from '../log.js';
import { BootWriter, completeFile } from './boot-writer.js';
import { anonymousListener } from './management-channel.js';

const e = (kind: DesiredEntity['kind'], name: string, attributes: DesiredEntity['attributes'] = {}): DesiredEntity => ({ kind, name, attributes });
const DESIRED: DesiredState = {
  entities: [
    e('router', 'router', { id: 'r1', mode: 'edge' }),
    e('sslProfile', 'ca-only', { caCertFile: '/certs/ca.crt' }),
    e('listener', 'amqps', { port: '5671', sslProfile: 'ca-only' }),
    e('tcpListener', 'web', { port: '9000', address: 'web' }),
  ],
};
const CHANNEL = [anonymousListener(55672)];

async function writer(state: DesiredState | undefined, refused: Set<string>, split?: false, limits: ConfigLimits = DEFAULT_CONFIG_LIMITS) {
  const file = join(await mkdtemp(join(tmpdir(), 'boot-writer-')), 'boot.json');
  const lines: Record<string, unknown>[] = [];
  const boot = new BootWriter({
    file,
    log: createLog({ json: true, write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }),
    limits,
    desired: () => state,
    refused: () => refused,
    resolve: (s) => Promise.resolve({ state: s }),
    ...(split === false ? { split } : {}),
  });
  const keys = async (f = file) => loadConfigOrThrow(await readFile(f, 'utf8'), { file: f }).state.entities.map((x) => `${x.kind}/${x.name}`).sort();
  return { boot, file, lines, keys };
}

describe('BootWriter', () => {
  it('leaves out what the router refused and says so; stale until written again after a new refusal', async () => {
    const refused = new Set<string>();
    const w = await writer(DESIRED, refused);
    await w.boot.write(CHANNEL);
    expect(await w.keys()).toEqual(['listener/amqps', 'listener/iofog-router-management', 'router/router', 'sslProfile/ca-only', 'tcpListener/web']);
    expect(w.boot.stale).toBe(false);
    refused.add('sslProfile/ca-only');
    expect(w.boot.stale).toBe(true);
    await w.boot.write(CHANNEL);
    expect(w.boot.stale).toBe(false);
    expect(await w.keys()).toEqual(['listener/iofog-router-management', 'router/router', 'tcpListener/web']);
    expect(w.lines.find((l) => l['msg'] === 'left out of the boot file: the router refused them')?.['excluded']).toEqual([
      'sslProfile/ca-only: refused by the router',
      'listener/amqps: names sslProfile/ca-only',
    ]);
  });

  it('writes one after the other: the last asked is on disk', async () => {
    const w = await writer(DESIRED, new Set());
    await Promise.all([w.boot.write(CHANNEL), w.boot.write([]), w.boot.write(CHANNEL), w.boot.write([])]);
    expect(await w.keys()).not.toContain('listener/iofog-router-management');
  });

  it('without a desired state, keeps what the file validly holds; the minimal file is the router and the channel only', async () => {
    // As the controller has it: its management port reserved, and the file holding that listener.
    const reserved = { ...DEFAULT_CONFIG_LIMITS, reservedPorts: [{ port: 55672, host: '127.0.0.1', owner: 'the management listener' }] };
    const w = await writer(undefined, new Set(), undefined, reserved);
    await writeFile(w.file, writeSkrouterdConfig({ entities: [...DESIRED.entities, ...CHANNEL] }));
    await w.boot.write(CHANNEL);
    expect(await w.keys()).toContain('tcpListener/web');
    const withState = await writer(DESIRED, new Set());
    const minimal = `${withState.file}.minimal`;
    await withState.boot.writeMinimal(minimal, CHANNEL);
    expect(await withState.keys(minimal)).toEqual(['listener/iofog-router-management', 'router/router']);
  });

  describe('the cold-start plan', () => {
    const many = (kind: DesiredEntity['kind'], n: number, attributes: (i: number) => DesiredEntity['attributes']) => Array.from({ length: n }, (_, i) => e(kind, `${kind}-${i}`, attributes(i)));
    const LARGE: DesiredState = {
      entities: [
        ...DESIRED.entities,
        ...many('address', 2_500, (i) => ({ prefix: `a/${i}`, distribution: 'balanced' })),
        ...many('tcpConnector', 300, (i) => ({ address: `s-${i}`, host: '127.0.0.1', port: String(20_000 + i) })),
      ],
    };
    const exists = (f: string) => access(f).then(() => true, () => false);
    const kinds = (keys: string[]) => [...new Set(keys.map((k) => k.split('/')[0]))].sort();

    it('leaves the addresses of a large state for management, keeps the whole state beside the file, and says so once', async () => {
      const refused = new Set<string>();
      const w = await writer(LARGE, refused);
      await w.boot.write(CHANNEL);
      expect(kinds(await w.keys())).toEqual(['listener', 'router', 'sslProfile', 'tcpConnector', 'tcpListener']);
      expect((await w.keys(completeFile(w.file))).filter((k) => k.startsWith('address/'))).toHaveLength(2_500);
      await w.boot.write(CHANNEL);
      const logged = w.lines.filter((l) => String(l['msg']).startsWith('left out of the boot file: created over management'));
      expect(logged).toHaveLength(1);
      expect(logged[0]?.['afterBoot']).toEqual({ address: 2_500 });
      expect(w.boot.afterBootKeys.size).toBe(2_500);
      expect(w.boot.afterBootKeys.has('address/address-0')).toBe(true);
      // What the router refused goes first: it is in neither file.
      refused.add('tcpConnector/tcpConnector-7');
      await w.boot.write(CHANNEL);
      expect(await w.keys()).not.toContain('tcpConnector/tcpConnector-7');
      expect(await w.keys(completeFile(w.file))).not.toContain('tcpConnector/tcpConnector-7');
    });

    it('writes a small state whole, with nothing beside it; the same when the split is off', async () => {
      const small = await writer(DESIRED, new Set());
      await small.boot.write(CHANNEL);
      expect(await exists(completeFile(small.file))).toBe(false);
      const off = await writer(LARGE, new Set(), false);
      await off.boot.write(CHANNEL);
      expect((await off.keys()).filter((k) => k.startsWith('address/'))).toHaveLength(2_500);
      expect(await exists(completeFile(off.file))).toBe(false);
    });

    it('without a desired state, boots everything from the file: no pass would create the rest', async () => {
      const w = await writer(LARGE, new Set());
      await w.boot.write(CHANNEL);
      const restart = await writer(undefined, new Set());
      await writeFile(restart.file, await readFile(w.file));
      await writeFile(completeFile(restart.file), await readFile(completeFile(w.file)));
      await restart.boot.write(CHANNEL);
      expect((await restart.keys()).filter((k) => k.startsWith('address/'))).toHaveLength(2_500);
      expect(await exists(completeFile(restart.file))).toBe(false);
      expect(restart.boot.afterBootKeys.size).toBe(0);
    });
  });
});
