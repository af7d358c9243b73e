// Property: loadConfig never throws and never hits its internal-error guard, whatever the
// input; and any config it accepts writes back and reloads to the same state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITY_KINDS } from '../entity.js';
import { ENTITY_FACTS, configAttributeNames } from '../registry.js';
import { loadConfig, writeSkrouterdConfig, type LoadResult } from './index.js';

const RUNS = { seed: 20_240_611, numRuns: 2_000 };

function noInternalError(result: LoadResult): boolean {
  if (result.ok) return true;
  return result.errors.length > 0 && result.errors.every((e) => !e.message.startsWith('internal error'));
}

function loads(text: string, format?: 'auto' | 'skrouterd' | 'pot'): LoadResult {
  return loadConfig(text, { file: 'p.json', ...(format === undefined ? {} : { format }) });
}

const KINDS: string[] = [...ENTITY_KINDS, 'io.skupper.router.listener', 'router.config.address', 'ssl-profile', 'bogus'];
const ATTRIBUTES = [...new Set(Object.values(ENTITY_FACTS).flatMap((f) => configAttributeNames(f)))];
const VALUES = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('yes', 'no', '5672', '0', '-1', 'edge', 'interior', 'inter-router', 'p', 'none', 'priority', 'a/#'),
  fc.integer({ min: -2, max: 70_000 }),
);
const ATTRIBUTE_MAP = fc.dictionary(fc.oneof(fc.constantFrom(...ATTRIBUTES, 'name', 'identity'), fc.string()), VALUES, {
  maxKeys: 6,
});

/** Arrays that look like skrouterd files, so the property reaches the entity rules. */
const skrouterdLike = fc
  .array(fc.tuple(fc.constantFrom(...KINDS), ATTRIBUTE_MAP), { maxLength: 8 })
  .map((entries) => JSON.stringify([['router', { mode: 'interior' }], ...entries]));

/** Objects that look like PoT configs. */
const potLike = fc
  .record({
    metadata: fc.option(ATTRIBUTE_MAP),
    listeners: fc.dictionary(fc.string({ maxLength: 4 }), ATTRIBUTE_MAP, { maxKeys: 3 }),
    sslProfiles: fc.dictionary(fc.string({ maxLength: 4 }), ATTRIBUTE_MAP, { maxKeys: 2 }),
    bridges: fc.record({ tcpListeners: fc.dictionary(fc.string({ maxLength: 4 }), ATTRIBUTE_MAP, { maxKeys: 2 }) }),
  })
  .map((object) => JSON.stringify(object));

describe('loadConfig never throws', () => {
  it('for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom(undefined, 'pot', 'skrouterd'), (text, format) =>
        noInternalError(loads(text, format)),
      ),
      RUNS,
    );
  });

  it('for arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => noInternalError(loads(JSON.stringify(value, null, 1)))),
      RUNS,
    );
  });

  it('for JSON text with one character cut out or changed', () => {
    const mutated = fc
      .tuple(skrouterdLike, fc.nat(), fc.string({ minLength: 0, maxLength: 1 }))
      .map(([text, at, c]) => text.slice(0, at % (text.length + 1)) + c + text.slice((at % (text.length + 1)) + 1));
    fc.assert(fc.property(mutated, (text) => noInternalError(loads(text))), RUNS);
  });

  it('for config-shaped input, and what it accepts round-trips through the writer', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(skrouterdLike, potLike), (text) => {
        const result = loads(text);
        expect(noInternalError(result)).toBe(true);
        if (!result.ok) return;
        accepted++;
        const again = loads(writeSkrouterdConfig(result.state));
        expect(again.ok && again.state).toEqual(result.state);
      }),
      RUNS,
    );
    // The generators must reach the success path too, or the round trip proves nothing.
    expect(accepted).toBeGreaterThan(0);
  });
});
