/**
 * The simulator refuses at boot exactly what a real skrouterd 3.5.1 refuses, ends the way it ends
 * (status 1 with its start-up failure, status 0, SIGABRT), and answers a live CREATE or UPDATE of
 * the same values as it does; every case of `e2e/reference/skrouterd-3.5.1-boot-refusals.json`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootRouter } from './boot.js';
import { SimulatorBootError, bootFailureLines } from './errors.js';
import { pyStr } from './python-values.js';
import { runMain } from './test-support/run-main.js';
import { T, testRouter } from './test-support/router.js';
import { bootRefusals, type RefusalCase } from '../reference/fixtures.js';



const { router, cases } = bootRefusals();

const id = (c: RefusalCase) => `${c.entity}.${c.attribute}`;
const show = (v: unknown) => JSON.stringify(v);
/** `{value}` as Python's `%s` prints it. */
const render = (text: string, value: unknown) => text.replaceAll('{value}', pyStr(value));
const ENTITY_NAME = 'under-test';

function sections(c: RefusalCase): unknown[] {
  const routerSection = c.entity === 'router' ? [] : [['router', { id: 'boot-refusals', mode: 'interior' }]];
  return [...routerSection, ...(c.with ?? [])];
}

function entityAttributes(c: RefusalCase, value: unknown): Record<string, unknown> {
  const named = c.entity === 'router' || c.entity === 'log' || c.entity === 'vhost' ? {} : { name: ENTITY_NAME };
  return { ...named, ...c.base, [c.attribute]: value };
}

const bootText = (c: RefusalCase, value: unknown) => JSON.stringify([...sections(c), [c.entity, entityAttributes(c, value)]]);

function bootFailure(text: string): SimulatorBootError | undefined {
  try {
    bootRouter({ text }, { now: Date.now, checkTlsFiles: false }, 'sim');
  } catch (e) {
    if (e instanceof SimulatorBootError) return e;
    throw e;
  }
  return undefined;
}

/** The router the live requests go to: the case's boot file without the entity under test. */
const liveRouter = (c: RefusalCase) => testRouter(JSON.stringify(sections(c)));

function create(c: RefusalCase, value: unknown) {
  const r = liveRouter(c);
  const attributes = entityAttributes(c, value);
  const name = attributes['name'] ?? (c.entity === 'vhost' ? attributes['hostname'] : undefined);
  const reply = r.must({ operation: 'CREATE', type: T(c.entity), ...(name === undefined ? {} : { name }) }, attributes);
  const read = name === undefined ? undefined : r.must({ operation: 'READ', type: T(c.entity), name });
  return { reply, stored: read?.statusCode === 200 };
}

describe(`boot refusals of ${router}`, () => {
  it('the fixture covers every fact of the observation', () => {
    expect(cases.map(id)).toEqual(
      expect.arrayContaining(['listener.maxFrameSize', 'connector.maxFrameSize', 'listener.cost', 'listener.maxSessions', 'vhost.maxConnections',
        'vhost.groups', 'listener.name', 'router.workerThreads', 'listener.sslProfile', 'log.outputFile']),
    );
  });

  const refused = cases.flatMap((c) => c.values.map((v) => [id(c), show(v), c, v] as const));
  const accepted = cases.flatMap((c) => c.accepted.map((v) => [id(c), show(v), c, v] as const));

  it.each(refused)('%s = %s ends the boot as the router does', (_, __, c, value) => {
    const error = bootFailure(bootText(c, value));
    expect(error, 'the boot file was accepted').toBeDefined();
    expect(error?.exit).toEqual(c.boot);
    if (c.message === null) {
      expect(error?.logged).toBe(false);
      return;
    }
    expect(error?.detail).toBe(`Python: ${render(c.message, value)}`);
    expect(error?.message).toBe(`Router start-up failed: Python: ${render(c.message, value)}`);
  });

  it.each(accepted)('%s = %s boots', (_, __, c, value) => {
    expect(bootFailure(bootText(c, value))).toBeUndefined();
  });

  it.each(refused.filter(([, , c]) => c.liveCreate !== null))('%s = %s: a live CREATE answers as the router does', (_, __, c, value) => {
    const expected = c.liveCreate;
    const { reply, stored } = create(c, value);
    expect({ statusCode: reply.statusCode, statusDescription: reply.statusDescription, stored }).toEqual({
      statusCode: expected?.statusCode,
      statusDescription: render(expected?.statusDescription ?? '', value),
      stored: expected?.stored,
    });
  });

  it.each(accepted.filter(([, , c]) => c.liveCreate !== null))('%s = %s: a live CREATE is accepted', (_, __, c, value) => {
    const { reply, stored } = create(c, value);
    expect([reply.statusCode, reply.statusDescription, stored]).toEqual([201, 'Created', true]);
  });

  it.each(cases.filter((c) => c.liveUpdate).flatMap((c) => c.values.map((v) => [id(c), show(v), c, v] as const)))(
    '%s = %s: a live UPDATE answers as the router does, and keeps the value',
    (_, __, c, value) => {
      const expected = c.liveUpdate;
      const r = liveRouter(c);
      const reply = r.must({ operation: 'UPDATE', type: T(c.entity), name: expected?.name }, { [c.attribute]: value });
      expect([reply.statusCode, reply.statusDescription]).toEqual([expected?.statusCode, render(expected?.statusDescription ?? '', value)]);
      const read = r.must({ operation: 'READ', type: T(c.entity), name: expected?.name }).body as Record<string, unknown>;
      expect(read[c.attribute] === value).toBe(expected?.stored);
    },
  );
});

describe('the simulator process ends as skrouterd does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-boot-refusals-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const first = (entity: string, attribute: string) => {
    const c = cases.find((x) => x.entity === entity && x.attribute === attribute && x.values.length > 0);
    if (!c) throw new Error(`no case ${entity}.${attribute}`);
    return { c, value: c.values[0] };
  };

  it('a refused boot file: the critical log line, then `skrouterd: <error>`, and status 1', async () => {
    const { c, value } = first('listener', 'maxFrameSize');
    const run = runMain('-c', write('refused.json', bootText(c, value)), '--no-latency');
    expect(await run.ended).toEqual({ code: 1, signal: null });
    const detail = `Python: ${render(c.message ?? '', value)}`;
    const lines = run.stderr().trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} [+-]\d{4} ROUTER \(critical\) /), `skrouterd: ${detail}`]);
    expect(lines.at(-2)?.endsWith(` ROUTER (critical) Router start-up failed: ${detail}`)).toBe(true);
  });

  it.each([
    [0, { code: 0, signal: null }],
    [-1, { code: null, signal: 'SIGABRT' }],
  ] as const)('router workerThreads %i: ends with %o and writes no start-up failure', async (threads, ending) => {
    const c = cases.find((x) => x.entity === 'router' && x.attribute === 'workerThreads' && x.values.includes(threads));
    expect(c?.boot).toEqual('signal' in ending && ending.signal ? { signal: ending.signal } : { exitCode: ending.code });
    const run = runMain('-c', write(`threads${threads}.json`, bootText(c as RefusalCase, threads)), '--no-latency');
    expect(await run.ended).toEqual(ending);
    expect(run.stderr()).not.toContain('start-up failed');
  });

  it('bootFailureLines writes nothing for an ending the router does not log', () => {
    const silent = new SimulatorBootError('why', { exit: { exitCode: 0 } });
    expect(bootFailureLines(silent, new Date())).toEqual([]);
    expect(bootFailureLines(new SimulatorBootError('Python: X: y'), new Date(0), 'skrouterd')[1]).toBe('skrouterd: Python: X: y');
  });
});
