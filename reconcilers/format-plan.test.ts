import { describe, expect, it } from 'vitest';
import type { DesiredEntity } from '../schemas/index.js';
import { MASK, formatPlanJson, formatPlanTable, summarisePlan } from './format-plan.js';
import { plan } from './plan.js';
import type { Plan } from './plan-types.js';
import { RouterModel } from './test-support/router-model.js';

const proxy = (password: string): DesiredEntity => ({
  kind: 'proxyProfile',
  name: 'px',
  attributes: { host: 'proxy', port: 3128, password },
});
const connector: DesiredEntity = {
  kind: 'connector',
  name: 'up',
  attributes: { host: 'peer', port: 5671, saslUsername: 'me', saslPassword: 'hunter2', proxyProfile: 'px' },
};

function example(): Plan {
  const actual = RouterModel.boot({ entities: [proxy('old-secret'), { kind: 'router', name: 'router', attributes: { id: 'r1' } }] });
  return plan(
    { entities: [{ kind: 'router', name: 'router', attributes: { id: 'r2' } }, proxy('new-secret'), connector] },
    actual.actualState(),
  );
}

describe('format-plan', () => {
  it('shows operation, type, name and each change as old → new, with secrets masked', () => {
    const text = formatPlanTable(example());
    expect(text).not.toMatch(/secret|hunter2/);
    expect(text).toContain(`password: "${MASK}" → "${MASK}"`);
    expect(text).toContain(`saslPassword: (unset) → "${MASK}"`);
    expect(text).toContain('saslUsername: (unset) → "me"');
    expect(text).toMatch(/^0 +update +proxyProfile +px +drift +password/m);
    expect(text).toMatch(/^1 +create +connector +up +missing/m);
    expect(text).toContain(`router 'router' id: "r1" → "r2"`);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 1 to create, 1 to update, 0 to delete, 1 restart-only change.');
  });

  it('gives the same content as JSON, secrets masked', () => {
    const json = formatPlanJson(example());
    expect(json).not.toMatch(/secret|hunter2/);
    const parsed = JSON.parse(json) as Plan & { summary: string };
    expect(parsed.summary).toBe(summarisePlan(example()));
    expect(parsed.operations.map((o) => o.id)).toEqual(['update proxyProfile/px', 'create connector/up']);
    expect(parsed.operations[1]?.attributes['saslPassword']).toBe(MASK);
    expect(parsed.restart).toHaveLength(1);
  });

  it('says when there is nothing to do', () => {
    const empty: Plan = { operations: [], restart: [], warnings: [] };
    expect(summarisePlan(empty)).toBe('Nothing to do.');
    expect(formatPlanTable(empty)).toBe('Nothing to do.\n');
  });
});
