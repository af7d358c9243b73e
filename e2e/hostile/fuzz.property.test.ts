/**
 * Property-based fuzzing where the existing properties (schemas/config/never-throws.test.ts,
 * reconcilers/plan.property.test.ts) leave gaps: PoT objects built from the entity facts (so
 * most are valid and reach the planner), the settings parser, the Edgelet v1 reply parser, and
 * "parse → plan against a router booted from it plans nothing" end to end.
 *
 * Fixed seed in CI (42); FC_SEED and FC_RUNS override it for a long run, e.g.
 * `FC_RUNS=20000 npx vitest run e2e/hostile/fuzz.property.test.ts` (see `just hardening-long`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { ENTITY_FACTS, configAttributeNames, type EntityKind } from '../../schemas/index.js';
import { loadConfig, writeSkrouterdConfig, type LoadResult } from '../../schemas/config/index.js';
import { SETTINGS, SettingsSchema } from '../../schemas/settings.js';
import { plan } from '../../reconcilers/plan.js';
import { RouterModel } from '../../reconcilers/test-support/router-model.js';
import { loadSettings, SettingsError } from '../../controller/settings.js';
import { parseV1Reply } from '../../controller/sources/edgelet/envelope.js';
import { EdgeletError } from '../../controller/sources/edgelet/errors.js';
import { tally } from './support/tally.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 400);
const SEED = Number(process.env['FC_SEED'] ?? 42);
const PARAMS = { seed: SEED, numRuns: RUNS };

/** A value for one attribute: mostly valid for its kind, sometimes hostile. */
function valueFor(kind: EntityKind, attribute: string): fc.Arbitrary<unknown> {
  const facts = ENTITY_FACTS[kind].attributes[attribute];
  const hostile = fc.oneof(fc.constant(null), fc.constant('$(reboot)'), fc.constant('../../etc/shadow'), fc.string({ maxLength: 6 }), fc.integer({ min: -2, max: 70_000 }));
  let valid: fc.Arbitrary<unknown>;
  switch (facts?.kind) {
    case 'enum':
      valid = fc.constantFrom(...(facts.values ?? ['x']));
      break;
    case 'port':
      valid = fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }).map(String));
      break;
    case 'integer':
      valid = fc.integer({ min: 0, max: 100 });
      break;
    case 'boolean':
      valid = fc.oneof(fc.boolean(), fc.constantFrom('yes', 'no'));
      break;
    case 'map':
    case 'properties':
      valid = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), { maxKeys: 2 });
      break;
    default:
      valid = fc.constantFrom('a', 'b', 'p', 'tls', 'h.example', '127.0.0.1', 'info+');
  }
  return fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: hostile });
}

function attributesOf(kind: EntityKind): fc.Arbitrary<Record<string, unknown>> {
  // References are left out: random names would almost never resolve, and the planner's own
  // properties cover reference chains (reconcilers/plan.property.test.ts).
  const facts = ENTITY_FACTS[kind].attributes;
  const names = configAttributeNames(ENTITY_FACTS[kind]).filter(
    (n) => !['name', 'port', 'pattern', 'multiAddressStrategy', 'module'].includes(n) && facts[n]?.references === undefined,
  );
  return fc
    .subarray(names, { maxLength: Math.min(4, names.length) })
    .chain((picked) => fc.tuple(...picked.map((n) => valueFor(kind, n))).map((values) => Object.fromEntries(picked.map((n, i) => [n, values[i]]))));
}

const potKey = fc.constantFrom('a', 'b', 'c');
/** A map section; entity names are `<kind>-<key>` (sometimes clashing with another section on purpose). */
function section(kind: EntityKind): fc.Arbitrary<Record<string, unknown>> {
  const entry = fc.tuple(fc.boolean(), attributesOf(kind));
  return fc.dictionary(potKey, entry, { maxKeys: 2 }).map((d) =>
    Object.fromEntries(
      Object.entries(d).map(([key, [clash, attrs]]) => [key, { ...required(kind, key), ...attrs, name: clash && key === 'c' ? 'c' : `${kind}-${key}` }]),
    ),
  );
}

/** What each kind cannot do without, with a port of its own per kind and key. */
function required(kind: EntityKind, key: string): Record<string, unknown> {
  const port = String(20_000 + kind.length * 100 + key.charCodeAt(0));
  switch (kind) {
    case 'address':
      return { prefix: `p-${key}` };
    case 'listener':
    case 'connector':
      return { port };
    case 'tcpListener':
    case 'tcpConnector':
      return { port, address: `addr-${key}` };
    default:
      return {};
  }
}

/** PoT objects shaped like what the Controller sends, built from the entity facts. */
const potObject = fc
  .record({
    metadata: fc.tuple(fc.constantFrom('interior', 'edge', 'standalone'), attributesOf('router')).map(([mode, attrs]) => ({ ...attrs, id: 'fuzz', mode })),
    siteConfig: fc.option(attributesOf('site'), { nil: undefined }),
    sslProfiles: section('sslProfile'),
    listeners: section('listener'),
    connectors: section('connector'),
    addresses: section('address'),
    logConfig: fc.dictionary(fc.constantFrom('DEFAULT', 'ROUTER', 'TCP_ADAPTOR'), attributesOf('log'), { maxKeys: 2 }).map((d) =>
      Object.fromEntries(Object.entries(d).map(([module, attrs]) => [module, { ...attrs, module }])),
    ),
    bridges: fc.record({ tcpListeners: section('tcpListener'), tcpConnectors: section('tcpConnector') }),
  })
  .map((o) => JSON.stringify(o, null, 1));

function noInternalError(result: LoadResult): boolean {
  return result.ok || (result.errors.length > 0 && result.errors.every((e) => !e.message.startsWith('internal error')));
}

describe(`fuzzing (seed ${SEED}, ${RUNS} runs per property)`, () => {
  it.skipIf(process.env['FUZZ_DEBUG'] !== '1')('debug: why PoT objects are rejected', () => {
    const why = new Map<string, number>();
    for (const text of fc.sample(potObject, { seed: SEED, numRuns: 300 })) {
      const r = loadConfig(text, { file: 'f' });
      if (!r.ok) for (const e of r.errors.slice(0, 1)) why.set(e.message.slice(0, 60), (why.get(e.message.slice(0, 60)) ?? 0) + 1);
    }
    console.info([...why].sort((a, b) => b[1] - a[1]).slice(0, 15));
  });

  it('PoT objects: loadConfig never throws; what it accepts round-trips, and a router booted from it needs no operation', () => {
    let accepted = 0;
    let booted = 0;
    fc.assert(
      fc.property(potObject, (text) => {
        const result = loadConfig(text, { file: 'fuzz.json' });
        expect(noInternalError(result)).toBe(true);
        if (!result.ok) return;
        accepted++;
        const again = loadConfig(writeSkrouterdConfig(result.state), { file: 'again.json' });
        expect(again.ok && again.state).toEqual(result.state);
        const model = RouterModel.boot(result.state);
        booted++;
        expect(plan(result.state, model.actualState()).operations).toEqual([]);
      }),
      PARAMS,
    );
    tally('fuzz', 'pot objects', 'accepted/booted', `${accepted}/${booted} of ${RUNS}`);
    console.info(`fuzz PoT: ${RUNS} runs, ${accepted} accepted, ${booted} booted and planned nothing`);
    expect(accepted).toBeGreaterThan(0);
  });

  it('PoT text with one character changed: loadConfig never throws', () => {
    const mutated = fc
      .tuple(potObject, fc.nat(), fc.string({ maxLength: 1, unit: 'binary' }))
      .map(([text, at, c]) => text.slice(0, at % (text.length + 1)) + c + text.slice((at % (text.length + 1)) + 1));
    fc.assert(fc.property(mutated, (text) => noInternalError(loadConfig(text, { file: 'fuzz.json' }))), PARAMS);
    tally('fuzz', 'pot mutations', 'runs', RUNS);
  });

  it('settings: loadSettings throws nothing but SettingsError, and what it accepts satisfies the schema', () => {
    const envValue = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -5, max: 100_000 }).map(String), fc.constantFrom('true', 'no', 'pot', 'kubernetes', 'amqp://127.0.0.1:5672', 'debug', 'auto', ' 1 ', ''));
    const env = fc.dictionary(fc.constantFrom(...SETTINGS.map((s) => s.env)), envValue, { maxKeys: 6 });
    let accepted = 0;
    fc.assert(
      fc.property(env, (e) => {
        try {
          const settings = loadSettings(e);
          accepted++;
          expect(Value.Check(SettingsSchema, settings)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(SettingsError);
          expect((error as SettingsError).problems.length).toBeGreaterThan(0);
        }
      }),
      PARAMS,
    );
    tally('fuzz', 'settings', 'accepted', `${accepted} of ${RUNS}`);
  });

  it('Edgelet v1 replies: parseV1Reply returns config text or throws an EdgeletError naming the URL', () => {
    const body = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.record({ success: fc.boolean(), data: fc.option(fc.record({ config: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 20 })) })) }).map((v) => JSON.stringify(v)),
    );
    const status = fc.constantFrom(200, 201, 204, 301, 400, 401, 403, 404, 500, 503);
    fc.assert(
      fc.property(body, status, (text, code) => {
        const url = 'https://edgelet.test/v1/microservices/config';
        try {
          const fetched = parseV1Reply({ status: code, text, url });
          expect(typeof fetched.text).toBe('string');
          noInternalError(loadConfig(fetched.text, { file: url }));
        } catch (error) {
          expect(error).toBeInstanceOf(EdgeletError);
          expect((error as Error).message).toContain(url);
        }
      }),
      PARAMS,
    );
    tally('fuzz', 'edgelet replies', 'runs', RUNS);
  });
});
