import { describe, expect, it } from 'vitest';
import type { EntityKind } from '../schemas/index.js';
import { ENTITY_FACTS } from '../schemas/index.js';
import { applyPlan } from './apply.js';
import { ManagementError, type Attributes, type Management, type ManagementOperation } from './management.js';
import type { Plan, PlannedOperation } from './plan-types.js';

/** A management peer that records calls and answers from a script (default: success). */
class ScriptedManagement implements Management {
  readonly calls: string[] = [];
  readonly store = new Map<string, Attributes>();
  #failures = new Map<string, ManagementError>();
  inFlight = 0;
  maxInFlight = 0;

  failOn(call: string, statusCode: number, statusDescription: string): void {
    const [operation, type, name] = call.split(' ');
    this.#failures.set(call, new ManagementError({ statusCode, statusDescription, operation: operation as ManagementOperation, entityType: type, entityName: name }));
  }

  async #call(call: string, result: () => Attributes): Promise<Attributes> {
    this.calls.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setImmediate(r));
    this.inFlight--;
    const failure = this.#failures.get(call);
    if (failure) {
      this.#failures.delete(call);
      throw failure;
    }
    return result();
  }

  create(t: string, n: string, a: Attributes) {
    return this.#call(`CREATE ${t} ${n}`, () => (this.store.set(n, { ...a, name: n }), { ...a, name: n }));
  }
  read(t: string, n: string) {
    return this.#call(`READ ${t} ${n}`, () => this.store.get(n) ?? {});
  }
  update(t: string, n: string, a: Attributes) {
    return this.#call(`UPDATE ${t} ${n}`, () => ({ ...a }));
  }
  async delete(t: string, n: string) {
    await this.#call(`DELETE ${t} ${n}`, () => (this.store.delete(n), {}));
  }
  query(): Promise<Attributes[]> {
    return Promise.resolve([]);
  }
}

function op(o: 'create' | 'update' | 'delete', kind: EntityKind, name: string, phase: number, extra: Partial<PlannedOperation> = {}): PlannedOperation {
  return {
    id: `${o} ${kind}/${name}`,
    op: o,
    kind,
    longType: ENTITY_FACTS[kind].longType,
    name,
    attributes: {},
    changes: [],
    reason: o === 'delete' ? 'foreign' : 'missing',
    references: [],
    dependsOn: [],
    phase,
    ...extra,
  };
}

const plan = (...operations: PlannedOperation[]): Plan => ({ operations, restart: [], warnings: [] });
const LISTENER = ENTITY_FACTS.listener.longType;
const PROFILE = ENTITY_FACTS.sslProfile.longType;

describe('applyPlan', () => {
  it('runs phases in order and pipelines the operations of one phase', async () => {
    const m = new ScriptedManagement();
    const ops = [
      op('create', 'sslProfile', 'p1', 0),
      op('create', 'sslProfile', 'p2', 0),
      op('create', 'sslProfile', 'p3', 0),
      op('create', 'listener', 'l1', 1, { attributes: { sslProfile: 'p1', port: '5672' }, dependsOn: ['create sslProfile/p1'] }),
    ];
    const result = await applyPlan(plan(...ops), m);
    expect(result.failed).toEqual([]);
    expect(m.calls.at(-1)).toBe(`CREATE ${LISTENER} l1`);
    expect(m.maxInFlight).toBe(3);
    expect(result.outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
  });

  it('treats DELETE answered 404 as already gone', async () => {
    const m = new ScriptedManagement();
    m.failOn(`DELETE ${LISTENER} gone`, 404, 'No entity with name=gone');
    const result = await applyPlan(plan(op('delete', 'listener', 'gone', 0)), m);
    expect(result.outcomes[0]?.status).toBe('already-gone');
    expect(result.failed).toEqual([]);
  });

  it('skips what depends on a failed operation and still runs the rest of the plan', async () => {
    const m = new ScriptedManagement();
    m.failOn(`CREATE ${PROFILE} p1`, 500, "CError: could not load certificate");
    const ops = [
      op('create', 'sslProfile', 'p1', 0),
      op('create', 'sslProfile', 'p2', 0),
      op('create', 'listener', 'l1', 1, { dependsOn: ['create sslProfile/p1'] }),
      op('create', 'listener', 'l2', 1, { dependsOn: ['create sslProfile/p2'] }),
      op('create', 'listenerAddress', 'la', 2, { dependsOn: ['create listener/l1'] }),
    ];
    const result = await applyPlan(plan(...ops), m);
    expect(result.failed.map((o) => o.operation.id)).toEqual(['create sslProfile/p1']);
    expect((result.failed[0]?.error as ManagementError).dataPlaneRejection).toBe(true);
    expect(result.skipped.map((o) => o.operation.id)).toEqual(['create listener/l1', 'create listenerAddress/la']);
    expect(m.calls).toContain(`CREATE ${LISTENER} l2`);
    expect(m.calls).not.toContain(`CREATE ${LISTENER} l1`);
  });

  it('CREATE answered "duplicate": an identical entity is accepted, a different one replaced', async () => {
    const dup = 'adding ListenerEntity(...) duplicates unique attribute \'name\' from existing ListenerEntity(...)';
    const same = new ScriptedManagement();
    same.store.set('l1', { name: 'l1', port: '5672', host: '', role: 'normal', identity: 'listener/:5672:l1', type: LISTENER, cost: 1 });
    same.failOn(`CREATE ${LISTENER} l1`, 400, dup);
    const a = await applyPlan(plan(op('create', 'listener', 'l1', 0, { attributes: { port: '5672' } })), same);
    expect(a.outcomes[0]?.status).toBe('already-present');
    expect(same.calls).toEqual([`CREATE ${LISTENER} l1`, `READ ${LISTENER} l1`]);

    const different = new ScriptedManagement();
    different.store.set('l1', { name: 'l1', port: '5673' });
    different.failOn(`CREATE ${LISTENER} l1`, 400, dup);
    const b = await applyPlan(plan(op('create', 'listener', 'l1', 0, { attributes: { port: '5672' } })), different);
    expect(b.outcomes[0]?.status).toBe('replaced');
    expect(different.calls).toEqual([`CREATE ${LISTENER} l1`, `READ ${LISTENER} l1`, `DELETE ${LISTENER} l1`, `CREATE ${LISTENER} l1`]);
    expect(different.store.get('l1')).toMatchObject({ port: '5672' });
  });

  it('reports a 501 as a failure without retrying it inside the pass', async () => {
    const m = new ScriptedManagement();
    m.failOn(`UPDATE ${LISTENER} l1`, 501, "Operation 'UPDATE' not implemented for 'io.skupper.router.listener' ['CREATE', 'DELETE', 'READ']");
    const result = await applyPlan(plan(op('update', 'listener', 'l1', 0)), m);
    expect((result.failed[0]?.error as ManagementError).notImplemented).toBe(true);
    expect(m.calls).toHaveLength(1);
  });

  it('bounds the operations awaited at once', async () => {
    const m = new ScriptedManagement();
    const ops = Array.from({ length: 40 }, (_, i) => op('delete', 'listener', `l${i}`, 0));
    await applyPlan(plan(...ops), m, { maxConcurrency: 8 });
    expect(m.maxInFlight).toBe(8);
    expect(m.calls).toHaveLength(40);
  });

  it('stops at the next operation boundary when aborted: in-flight operations end, no new one is sent', async () => {
    const m = new ScriptedManagement();
    const abort = new AbortController();
    const ops = [
      ...Array.from({ length: 40 }, (_, i) => op('create', 'listener', `l${i}`, 0)),
      op('create', 'tcpListener', 'later', 1),
    ];
    const result = await applyPlan(plan(...ops), m, {
      maxConcurrency: 4,
      signal: abort.signal,
      onOutcome: (o) => {
        if (o.operation.name === 'l5') abort.abort();
      },
    });
    expect(result.aborted).toBe(true);
    // Every operation sent has an outcome, none was sent after the abort but the ones already in flight.
    expect(result.outcomes.map((o) => o.operation.id).sort()).toEqual(m.calls.map((c) => `create listener/${c.split(' ')[2] ?? ''}`).sort());
    expect(m.calls.length).toBeLessThan(6 + 4);
    expect(m.calls.some((c) => c.includes('later'))).toBe(false);
    expect(result.failed).toEqual([]);
  });

  it('is not aborted when every operation was sent before the signal fired', async () => {
    const abort = new AbortController();
    const result = await applyPlan(plan(op('create', 'listener', 'only', 0)), new ScriptedManagement(), {
      signal: abort.signal,
      onOutcome: () => abort.abort(),
    });
    expect(result.aborted).toBe(false);
    expect(result.outcomes).toHaveLength(1);
  });
});
