// The four reference examples: each parses, writes back and re-parses to the same state, and
// both formats of the same router give the same DesiredState (fixtures in e2e/reference/examples).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, writeSkrouterdConfig, type LoadResult } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const examples = path.resolve(repoRoot, 'e2e/reference/examples');
const FILES = ['pot-edge-router.json', 'pot-interior-router.json', 'skrouterd-edge-router.json', 'skrouterd-interior-router.json'];

function load(file: string): LoadResult {
  return loadConfig(readFileSync(path.join(examples, file), 'utf8'), { file });
}

function ok(result: LoadResult): Extract<LoadResult, { ok: true }> {
  if (!result.ok) throw new Error(`not ok: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

describe('reference examples', () => {
  it.each(FILES)('%s loads without errors or warnings, in the format its name says', (file) => {
    const result = ok(load(file));
    expect(result.format).toBe(file.startsWith('pot-') ? 'pot' : 'skrouterd');
    expect(result.warnings).toEqual([]);
  });

  it.each(FILES)('%s round-trips: parse → write → parse is identical, and writing is stable', (file) => {
    const first = ok(load(file));
    const text = writeSkrouterdConfig(first.state);
    const second = ok(loadConfig(text, { file: 'written.json' }));
    expect(second.format).toBe('skrouterd');
    expect(second.state).toEqual(first.state);
    expect(JSON.stringify(second.state)).toBe(JSON.stringify(first.state));
    expect(writeSkrouterdConfig(second.state)).toBe(text);
  });

  it.each([
    ['pot-edge-router.json', 'skrouterd-edge-router.json'],
    ['pot-interior-router.json', 'skrouterd-interior-router.json'],
  ])('%s and %s give the same DesiredState', (pot, skrouterd) => {
    expect(ok(load(pot)).state).toEqual(ok(load(skrouterd)).state);
  });

  it('keeps every entity of the skrouterd file, named as the router would name it', () => {
    const raw = JSON.parse(readFileSync(path.join(examples, 'skrouterd-edge-router.json'), 'utf8')) as [string, object][];
    const state = ok(load('skrouterd-edge-router.json')).state;
    expect(state.entities).toHaveLength(raw.length);
    const names = state.entities.map((e) => `${e.kind}:${e.name}`);
    expect(names).toContain('router:router');
    expect(names).toContain('log:log/ROUTER_CORE');
    expect(names).toContain('address:address/mc');
    const listener = state.entities.find((e) => e.kind === 'listener' && e.name.endsWith('-amqps'));
    expect(listener?.attributes).toMatchObject({ port: '5671', authenticatePeer: true });
    const router = state.entities.find((e) => e.kind === 'router');
    expect(router?.attributes).toEqual({ id: '6a0f3c2e-9d1b-4c47-8f0e-2b7d1e5a9c41', mode: 'edge', helloMaxAgeSeconds: 3 });
  });
});
