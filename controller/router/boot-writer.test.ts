import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow, writeSkrouterdConfig } from '../../schemas/config/index.js';
import type { DesiredEntity, DesiredState } from '../../schemas/index.js';
import { DEFAULT_CONFIG_LIMITS } from '../config-limits.js';
import { createLog } from '../log.js';
import { BootWriter } from './boot-writer.js';
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

async function writer(state: DesiredState | undefined, refused: Set<string>) {
  const file = join(await mkdtemp(join(tmpdir(), 'boot-writer-')), 'boot.json');
  const lines: Record<string, unknown>[] = [];
  const boot = new BootWriter({
    file,
    log: createLog({ json: true, write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }),
    limits: DEFAULT_CONFIG_LIMITS,
    desired: () => state,
    refused: () => refused,
    resolve: (s) => Promise.resolve({ state: s }),
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
    const w = await writer(undefined, new Set());
    await writeFile(w.file, writeSkrouterdConfig(DESIRED));
    await w.boot.write(CHANNEL);
    expect(await w.keys()).toContain('tcpListener/web');
    const withState = await writer(DESIRED, new Set());
    const minimal = `${withState.file}.minimal`;
    await withState.boot.writeMinimal(minimal, CHANNEL);
    expect(await withState.keys(minimal)).toEqual(['listener/iofog-router-management', 'router/router']);
  });
});
