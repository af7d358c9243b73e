/**
 * Last pass of the planner: turn decisions into operations, link each to the operations it needs
 * first, and number the phases.
 *
 * An operation depends on:
 * - DELETE x: the deletes of entities that reference x (users before their profile, listenerAddresses
 *   before their tcpListener);
 * - CREATE x: the delete of x itself (replace), the creates and updates of what x references
 *   (a new listener loads the profile's final files), and the deletes that free x's name or unique key;
 * - UPDATE: nothing (no updatable attribute references another entity).
 * Its phase is one more than the latest phase it depends on, so one phase's operations never
 * depend on each other.
 */
import { ENTITY_FACTS } from '../schemas/index.js';
import type { CanonicalValue } from './normalise.js';
import { compareText, type Entry, type PlanIndex } from './plan-index.js';
import { actualRefs, desiredRefs, pushTo } from './plan-resolve.js';
import type { EntityRef, OperationKind, OperationReason, PlannedOperation } from './plan-types.js';
import { KIND_ORDER, refId, uniqueKeysOf } from './references.js';

type Draft = Omit<PlannedOperation, 'phase' | 'dependsOn'> & { readonly entry: Entry; dependsOn: string[] };

function draft(
  entry: Entry,
  op: OperationKind,
  name: string,
  reason: OperationReason,
  fields: Pick<PlannedOperation, 'attributes' | 'changes' | 'references'>,
): Draft {
  const { kind } = entry;
  const subject = entry.desired?.name;
  return { id: `${op} ${kind}/${name}`, op, kind, longType: ENTITY_FACTS[kind].longType, name, ...(subject !== undefined && subject !== name ? { subject } : {}), reason, entry, dependsOn: [], ...fields };
}

function createDraft(entry: Entry, reason: OperationReason): Draft | undefined {
  if (!entry.desired) return undefined;
  const { configured, name } = entry.desired;
  const changes =
    entry.decision === 'create'
      ? Object.entries(configured).map(([attribute, to]) => ({ attribute, from: null, to }))
      : entry.changes;
  return draft(entry, 'create', name, reason, { attributes: { ...configured }, changes, references: desiredRefs(entry) });
}

function drafts(entry: Entry): Draft[] {
  const reason = entry.reason ?? 'drift';
  const actualName = entry.actual?.name ?? entry.key;
  const none = { attributes: {}, changes: [], references: [] };
  switch (entry.decision) {
    case 'create':
      return [createDraft(entry, reason)].filter((d) => d !== undefined);
    case 'delete':
      return [draft(entry, 'delete', actualName, reason, none)];
    case 'replace':
      return [draft(entry, 'delete', actualName, reason, none), createDraft(entry, reason)].filter((d) => d !== undefined);
    case 'update': {
      const attributes: Record<string, CanonicalValue | null> = {};
      for (const c of entry.changes) attributes[c.attribute] = c.to;
      return [draft(entry, 'update', actualName, reason, { attributes, changes: entry.changes, references: [] })];
    }
    case 'keep':
    case 'skip':
      return [];
  }
}

function link(all: Draft[]): void {
  const byEntry = new Map<string, Partial<Record<OperationKind, Draft>>>();
  for (const d of all) byEntry.set(d.entry.id, { ...byEntry.get(d.entry.id), [d.op]: d });
  const deletesByKey = new Map<string, Draft[]>();
  for (const d of all) {
    const actual = d.entry.actual;
    if (d.op !== 'delete' || !actual) continue;
    for (const key of uniqueKeysOf(d.kind, actual.name, actual.configured)) {
      pushTo(deletesByKey, key, d);
    }
  }
  const deletesReferencing = new Map<string, Draft[]>();
  for (const d of all) {
    if (d.op !== 'delete') continue;
    for (const ref of actualRefs(d.entry)) pushTo(deletesReferencing, refId(ref), d);
  }
  const opOf = (ref: EntityRef, op: OperationKind) => byEntry.get(refId(ref))?.[op];
  const needs = (d: Draft, dep: Draft | undefined) => {
    if (dep && dep !== d && !d.dependsOn.includes(dep.id)) d.dependsOn.push(dep.id);
  };
  for (const d of all) {
    if (d.op === 'delete') {
      for (const user of deletesReferencing.get(d.entry.id) ?? []) needs(d, user);
    } else if (d.op === 'create') {
      needs(d, byEntry.get(d.entry.id)?.delete);
      for (const ref of d.references) {
        needs(d, opOf(ref, 'create'));
        needs(d, opOf(ref, 'update'));
      }
      const desired = d.entry.desired;
      const keys = desired ? uniqueKeysOf(d.kind, desired.name, desired.configured) : [];
      for (const key of keys) for (const freeing of deletesByKey.get(key) ?? []) needs(d, freeing);
    }
  }
}

const OP_ORDER: Record<OperationKind, number> = { delete: 0, update: 1, create: 2 };

function compareOps(a: PlannedOperation, b: PlannedOperation): number {
  const byKind = a.op === 'delete' ? KIND_ORDER[b.kind] - KIND_ORDER[a.kind] : KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  return a.phase - b.phase || OP_ORDER[a.op] - OP_ORDER[b.op] || byKind || compareText(a.name, b.name);
}

/** The ordered operations of a resolved index. */
export function buildOperations(index: PlanIndex): PlannedOperation[] {
  const all = index.entries.flatMap(drafts);
  link(all);
  const byId = new Map(all.map((d) => [d.id, d]));
  const phases = new Map<string, number>();
  const phaseOf = (d: Draft): number => {
    const known = phases.get(d.id);
    if (known !== undefined) return known;
    const deps = d.dependsOn.map((id) => byId.get(id)).filter((x) => x !== undefined);
    const phase = deps.reduce((max, dep) => Math.max(max, phaseOf(dep) + 1), 0);
    phases.set(d.id, phase);
    return phase;
  };
  const operations = all.map(({ entry: _entry, dependsOn, ...rest }) => ({
    ...rest,
    dependsOn: [...dependsOn].sort(compareText),
    phase: phaseOf(byId.get(rest.id) as Draft),
  }));
  return operations.sort(compareOps);
}
