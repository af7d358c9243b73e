import { describe, expect, it } from 'vitest';
import type { DesiredState } from '../desired-state.js';
import { DesiredStateError, loadConfig, writeSkrouterdConfig, type LoadResult } from './index.js';
import { interior } from './test-support/reject-table.js';

function state(result: LoadResult): DesiredState {
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.state;
}

const sample = interior(
  ['log', { module: 'DEFAULT', enable: 'info+' }],
  ['address', { prefix: 'mc', distribution: 'multicast' }],
  ['listener', { port: 5672, authenticatePeer: 'no' }],
  ['sslProfile', { name: 'tls', password: 'env:KEY_PASSWORD', caCertFile: '/c/$HOME/ca.crt' }],
  ['tcpListener', { name: 't', address: '#svc', port: '9000' }],
);

describe('writeSkrouterdConfig', () => {
  it('writes short type names, one router and every name explicitly', () => {
    const text = writeSkrouterdConfig(state(loadConfig(sample, { file: 'in.json' })));
    const written = JSON.parse(text) as [string, Record<string, unknown>][];
    expect(written.filter(([kind]) => kind === 'router')).toHaveLength(1);
    expect(written.every(([kind]) => !kind.includes('.'))).toBe(true);
    expect(written.map(([kind, attrs]) => `${kind}=${String(attrs['name'])}`)).toEqual([
      'router=router',
      'log=log/DEFAULT',
      'sslProfile=tls',
      'address=address/mc',
      'listener=listener/:5672',
      'tcpListener=t',
    ]);
  });

  it('writes values in the router form and leaves $ and # inside values alone', () => {
    const text = writeSkrouterdConfig(state(loadConfig(sample, { file: 'in.json' })));
    expect(text).toContain('"port": "5672", "authenticatePeer": false');
    expect(text).toContain('"caCertFile": "/c/$HOME/ca.crt"');
    expect(text.split('\n').some((line) => line.trimStart().startsWith('#'))).toBe(false);
    expect(text.endsWith(']\n')).toBe(true);
  });

  it('is deterministic: entity and attribute order in the state do not matter', () => {
    const loaded = state(loadConfig(sample, { file: 'in.json' }));
    const shuffled: DesiredState = {
      entities: [...loaded.entities].reverse().map((e) => ({
        ...e,
        attributes: Object.fromEntries(Object.entries(e.attributes).reverse()),
      })),
    };
    expect(writeSkrouterdConfig(shuffled)).toBe(writeSkrouterdConfig(loaded));
  });

  it('round-trips: what it writes loads back to the same state', () => {
    const loaded = state(loadConfig(sample, { file: 'in.json' }));
    expect(state(loadConfig(writeSkrouterdConfig(loaded), { file: 'out.json' }))).toEqual(loaded);
  });

  it('refuses a state without exactly one router', () => {
    expect(() => writeSkrouterdConfig({ entities: [] })).toThrow(DesiredStateError);
    const router = { kind: 'router', name: 'router', attributes: {} } as const;
    expect(() => writeSkrouterdConfig({ entities: [router, { ...router, name: 'r2' }] })).toThrow(/exactly one router/);
  });
});
