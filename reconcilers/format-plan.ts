/**
 * Human and machine renderings of a plan. Secrets (`AttributeFacts.secret`: passwords) are masked
 * in both, in the attributes to send and in the displayed changes alike.
 */
import { ENTITY_FACTS, type EntityKind } from '../schemas/index.js';
import type { CanonicalValue } from './normalise.js';
import type { AttributeChange, Plan, PlannedOperation, RestartChange } from './plan-types.js';

/** What a secret value is shown as. */
export const MASK = '******';

function isSecret(kind: EntityKind, attribute: string): boolean {
  return ENTITY_FACTS[kind].attributes[attribute]?.secret === true;
}

function mask(kind: EntityKind, attribute: string, value: CanonicalValue | null): CanonicalValue | null {
  return value !== null && isSecret(kind, attribute) ? MASK : value;
}

function maskChange<C extends AttributeChange>(kind: EntityKind, change: C): C {
  return { ...change, from: mask(kind, change.attribute, change.from), to: mask(kind, change.attribute, change.to) };
}

/** The same plan with every secret value replaced by {@link MASK}. */
export function maskPlan(plan: Plan): Plan {
  return {
    operations: plan.operations.map((op) => ({
      ...op,
      attributes: Object.fromEntries(Object.entries(op.attributes).map(([a, v]) => [a, mask(op.kind, a, v)])),
      changes: op.changes.map((c) => maskChange(op.kind, c)),
    })),
    restart: plan.restart.map((c) => maskChange(c.kind, c)),
    warnings: plan.warnings,
  };
}

/** One line: how many operations of each kind, restart changes and warnings. */
export function summarisePlan(plan: Plan): string {
  const count = (op: PlannedOperation['op']) => plan.operations.filter((o) => o.op === op).length;
  const replaces = plan.operations.filter((o) => o.op === 'create' && o.reason !== 'missing').length;
  const parts: string[] = [];
  if (plan.operations.length > 0) {
    const replaced = replaces > 0 ? ` (${replaces} replaced)` : '';
    parts.push(`${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete${replaced}`);
  }
  if (plan.restart.length > 0) parts.push(`${plan.restart.length} restart-only change${plan.restart.length === 1 ? '' : 's'}`);
  if (plan.warnings.length > 0) parts.push(`${plan.warnings.length} warning${plan.warnings.length === 1 ? '' : 's'}`);
  return parts.length === 0 ? 'Nothing to do.' : `Plan: ${parts.join(', ')}.`;
}

function show(value: CanonicalValue | null): string {
  return value === null ? '(unset)' : JSON.stringify(value);
}

function changeText(c: AttributeChange): string {
  return `${c.attribute}: ${show(c.from)} → ${show(c.to)}`;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

function restartLine(c: RestartChange): string {
  return `  ${c.kind} '${c.name}' ${changeText(c)}`;
}

/** The plan as a table: phase, operation, type, name, reason, and one line per changed attribute. */
export function formatPlanTable(plan: Plan): string {
  const masked = maskPlan(plan);
  const lines: string[] = [];
  if (masked.operations.length > 0) {
    const rows: string[][] = [['PHASE', 'OP', 'TYPE', 'NAME', 'REASON', 'CHANGES']];
    for (const op of masked.operations) {
      const [first, ...rest] = op.changes.map(changeText);
      rows.push([String(op.phase), op.op, op.kind, op.name, op.reason, first ?? '']);
      for (const line of rest) rows.push(['', '', '', '', '', line]);
    }
    lines.push(...table(rows));
  }
  if (masked.restart.length > 0) lines.push('', 'Needs a router restart:', ...masked.restart.map(restartLine));
  if (masked.warnings.length > 0) {
    lines.push('', 'Warnings:', ...masked.warnings.map((w) => `  [${w.code}] ${w.message}`));
  }
  lines.push(...(lines.length > 0 ? [''] : []), summarisePlan(plan));
  return `${lines.join('\n')}\n`;
}

/** The plan as JSON (secrets masked), with its one-line summary. */
/** The plan as JSON, secrets masked; with `maskedPatch` (`patch.ts` `maskPatch`), the same diff as RFC 6902 operations beside it. */
export function formatPlanJson(plan: Plan, maskedPatch?: readonly object[]): string {
  return `${JSON.stringify({ summary: summarisePlan(plan), ...maskPlan(plan), ...(maskedPatch ? { patch: maskedPatch } : {}) }, null, 2)}\n`;
}
