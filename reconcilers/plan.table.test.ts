/**
 * Table tests for every entity type, generated from the facts: add and remove; a change of each
 * create-only attribute replaces; a change of each updatable attribute updates; a change of each
 * restart-only attribute asks for a restart; a default written out or a value respelled plans
 * nothing. The "router" side is the router model booted from a config, so rows carry the defaults,
 * string ports and status columns a real router reports.
 */
import { describe, expect, it } from 'vitest';
import { ENTITY_FACTS, ENTITY_KINDS, type DesiredEntity, type EntityKind } from '../schemas/index.js';
import { coerceValue } from './normalise.js';
import { plan } from './plan.js';
import type { Plan } from './plan-types.js';
import { isCreatable, isUpdatable } from './references.js';
import { RouterModel } from './test-support/router-model.js';
import { SUBJECT, SUPPORT, configurable, otherSpelling, subjectWith, twoValues } from './test-support/table-cases.js';

function planBetween(router: readonly DesiredEntity[], desired: readonly DesiredEntity[]): Plan {
  const actual = RouterModel.boot({ entities: [...SUPPORT, ...router] }).actualState();
  return plan({ entities: [...SUPPORT, ...desired] }, actual);
}

/** The parts of the operations a table row states. */
const summary = (p: Plan) => p.operations.map((o) => ({ op: o.op, kind: o.kind, name: o.name, reason: o.reason, attributes: o.attributes }));

/** Name the router reports for the subject (singletons and logs are named by the router). */
const routerName: Partial<Record<EntityKind, string>> = { network: 'network/0', log: 'log/ROUTER_CORE' };

const restartKind = (kind: EntityKind) => ENTITY_FACTS[kind].restartOnly;

const cases = { addRemove: 0, replace: 0, update: 0, restart: 0, defaultOnly: 0, typeOnly: 0 };

describe.each(ENTITY_KINDS.map((k) => [k]))('%s', (kind) => {
  const subject = SUBJECT[kind];

  if (isCreatable(kind)) {
    cases.addRemove += 2;
    it('add: creates it with its configured attributes', () => {
      const attributes = Object.fromEntries(
        Object.entries(subject.attributes).map(([n, v]) => [n, coerceValue(ENTITY_FACTS[kind].attributes[n]!, v)]),
      );
      expect(summary(planBetween([], [subject]))).toEqual([{ op: 'create', kind, name: 'subject', reason: 'missing', attributes }]);
    });
    it('remove: deletes it', () => {
      expect(summary(planBetween([subject], []))).toEqual([{ op: 'delete', kind, name: 'subject', reason: 'foreign', attributes: {} }]);
    });
  }

  for (const [attribute, facts] of configurable(kind)) {
    const [v1, v2] = twoValues(kind, attribute, facts);
    const from = coerceValue(facts, v1) ?? null;
    const to = coerceValue(facts, v2) ?? null;

    if (restartKind(kind) || facts.restartOnly) {
      cases.restart++;
      it(`${attribute} ${JSON.stringify(v1)} → ${JSON.stringify(v2)}: restart, no operation`, () => {
        const result = planBetween([subjectWith(kind, attribute, v1)], [subjectWith(kind, attribute, v2)]);
        expect(result.operations).toEqual([]);
        expect(result.restart).toContainEqual({ kind, name: subject.name, attribute, from, to });
      });
    } else if (isUpdatable(kind, attribute)) {
      cases.update++;
      it(`${attribute} ${JSON.stringify(v1)} → ${JSON.stringify(v2)}: update`, () => {
        const result = planBetween([subjectWith(kind, attribute, v1)], [subjectWith(kind, attribute, v2)]);
        const name = routerName[kind] ?? subject.name;
        expect(summary(result)).toEqual([{ op: 'update', kind, name, reason: 'drift', attributes: { [attribute]: to } }]);
        expect(result.operations[0]?.changes).toEqual([{ attribute, from, to }]);
      });
    } else {
      cases.replace++;
      it(`${attribute} ${JSON.stringify(v1)} → ${JSON.stringify(v2)}: replace`, () => {
        const result = planBetween([subjectWith(kind, attribute, v1)], [subjectWith(kind, attribute, v2)]);
        const created = subjectWith(kind, attribute, v2).attributes;
        const attributes = Object.fromEntries(
          Object.entries(created).map(([n, v]) => [n, coerceValue(ENTITY_FACTS[kind].attributes[n]!, v)]),
        );
        expect(summary(result)).toEqual([
          { op: 'delete', kind, name: 'subject', reason: 'replace', attributes: {} },
          { op: 'create', kind, name: 'subject', reason: 'replace', attributes },
        ]);
        expect(result.operations[1]?.changes).toContainEqual({ attribute, from, to });
        expect(result.operations[1]?.phase).toBeGreaterThan(result.operations[0]?.phase ?? Infinity);
      });
    }

    if (facts.default !== undefined) {
      cases.defaultOnly++;
      it(`${attribute} written as its default ${JSON.stringify(facts.default)}: nothing`, () => {
        const explicit = otherSpelling(kind, attribute, facts, facts.default as never) ?? facts.default;
        const result = planBetween([subjectWith(kind, attribute, undefined)], [subjectWith(kind, attribute, explicit ?? null)]);
        expect(result.operations).toEqual([]);
        expect(result.restart.filter((c) => c.kind === kind)).toEqual([]);
      });
    }
    const respelled = otherSpelling(kind, attribute, facts, v2);
    if (respelled !== undefined) {
      cases.typeOnly++;
      it(`${attribute} ${JSON.stringify(v2)} written as ${JSON.stringify(respelled)}: nothing`, () => {
        const result = planBetween([subjectWith(kind, attribute, v2)], [subjectWith(kind, attribute, respelled)]);
        expect(result.operations).toEqual([]);
        expect(result.restart.filter((c) => c.kind === kind)).toEqual([]);
      });
    }
  }
});

describe('add and remove for types that are never created or deleted', () => {
  it('log: a configured module level is an update; an unconfigured one is left to the router', () => {
    expect(summary(planBetween([], [SUBJECT.log]))).toEqual([
      { op: 'update', kind: 'log', name: 'log/ROUTER_CORE', reason: 'drift', attributes: { enable: 'error+' } },
    ]);
    expect(planBetween([SUBJECT.log], []).operations).toEqual([]);
  });

  it('network: networkId set is an update, networkId dropped is cleared with null', () => {
    const withId: DesiredEntity = { kind: 'network', name: 'network', attributes: { networkId: 'n1' } };
    expect(summary(planBetween([], [withId]))).toEqual([
      { op: 'update', kind: 'network', name: 'network/0', reason: 'drift', attributes: { networkId: 'n1' } },
    ]);
    expect(summary(planBetween([withId], []))).toEqual([
      { op: 'update', kind: 'network', name: 'network/0', reason: 'drift', attributes: { networkId: null } },
    ]);
  });

  it('router: an added setting asks for a restart; a dropped one goes back to its default, a generated id stays', () => {
    const interior: DesiredEntity = { kind: 'router', name: 'router', attributes: { id: 'r1', mode: 'interior' } };
    expect(planBetween([], [interior]).restart).toEqual([
      { kind: 'router', name: 'router', attribute: 'id', from: 'generated-id', to: 'r1' },
      { kind: 'router', name: 'router', attribute: 'mode', from: 'standalone', to: 'interior' },
    ]);
    expect(planBetween([interior], []).restart).toEqual([
      { kind: 'router', name: 'router', attribute: 'mode', from: 'interior', to: 'standalone' },
    ]);
  });

  it('site: an added site asks for a restart; a dropped one compares nothing', () => {
    expect(planBetween([], [SUBJECT.site]).restart).toEqual([
      { kind: 'site', name: 'site', attribute: 'location', from: null, to: 'lab' },
    ]);
    expect(planBetween([SUBJECT.site], []).restart).toEqual([]);
  });

  it('policy: an added setting asks for a restart; a dropped one goes back to its default', () => {
    const limited: DesiredEntity = { kind: 'policy', name: 'policy', attributes: { maxConnections: 10 } };
    expect(planBetween([], [limited]).restart).toEqual([
      { kind: 'policy', name: 'policy', attribute: 'maxConnections', from: 65535, to: 10 },
    ]);
    expect(planBetween([limited], []).restart).toEqual([
      { kind: 'policy', name: 'policy', attribute: 'maxConnections', from: 10, to: 65535 },
    ]);
  });
  cases.addRemove += 10;
});

describe('the table', () => {
  it('covers every type and change kind', () => {
    const total = Object.values(cases).reduce((a, b) => a + b, 0);
    // printed for the closing note
    console.log(`table cases: ${JSON.stringify(cases)} total ${total}`);
    expect(cases.replace).toBeGreaterThan(0);
    expect(cases.update).toBeGreaterThan(0);
    expect(cases.restart).toBeGreaterThan(0);
  });
});
