/**
 * Plans and revisions as RFC 6902 JSON Patches between router documents (`document.ts`), with
 * `fast-json-patch`. The patch is a second rendering of the planner's diff, not a second diff:
 * both read the same comparison (`comparedScope`), and a property test holds them together.
 *
 * Secrets (`AttributeFacts.secret`) are masked in a patch exactly as in the plan's table and JSON:
 * the value becomes `MASK`, the path stays.
 */
import jsonPatch, { type Operation } from 'fast-json-patch';
import type { DesiredState, EntityKind } from '../schemas/index.js';
import { ENTITY_FACTS } from '../schemas/index.js';
import { parsePointer, planDocuments, type EntityDocument, type RouterDocument } from './document.js';
import { MASK } from './format-plan.js';
import type { ActualState, PlanOptions } from './plan-types.js';

export type PatchOperation = Operation;

/** The operations that turn `from` into `to` (`fast-json-patch` `compare`; neither is changed). */
export function diffDocuments(from: RouterDocument, to: RouterDocument): PatchOperation[] {
  return jsonPatch.compare(from, to);
}

/** The plan for these inputs as a patch from the router's document to the desired one. */
export function planPatch(desired: DesiredState, actual: ActualState, options: PlanOptions = {}): PatchOperation[] {
  const docs = planDocuments(desired, actual, options);
  return diffDocuments(docs.actual, docs.desired);
}

/** `patch` applied to a copy of `doc` (validated; throws `JsonPatchError` when it does not apply). */
export function applyDocumentPatch(doc: RouterDocument, patch: readonly PatchOperation[]): RouterDocument {
  return jsonPatch.applyPatch(doc, [...patch], true, false).newDocument;
}

function isSecret(kind: string, attribute: string): boolean {
  return (ENTITY_FACTS as Partial<Record<string, (typeof ENTITY_FACTS)[EntityKind]>>)[kind]?.attributes[attribute]?.secret === true;
}

function maskEntity(kind: string, entity: EntityDocument): EntityDocument {
  return Object.fromEntries(Object.entries(entity).map(([a, v]) => [a, isSecret(kind, a) ? MASK : v]));
}

function maskKind(kind: string, entities: Readonly<Record<string, EntityDocument>>): Readonly<Record<string, EntityDocument>> {
  return Object.fromEntries(Object.entries(entities).map(([key, entity]) => [key, maskEntity(kind, entity)]));
}

/** The same document with every secret value replaced by `MASK`. */
export function maskDocument(doc: RouterDocument): RouterDocument {
  return Object.fromEntries(Object.entries(doc).map(([kind, entities]) => [kind, maskKind(kind, entities)]));
}

/** The value of an operation at `path`, masked for what the path points at. */
function maskValue(path: string, value: unknown): unknown {
  const target = parsePointer(path);
  if (!target) return maskDocument(value as RouterDocument);
  if (target.key === undefined) return maskKind(target.kind, value as Readonly<Record<string, EntityDocument>>);
  if (target.attribute === undefined) return maskEntity(target.kind, value as EntityDocument);
  return isSecret(target.kind, target.attribute) ? MASK : value;
}

/** The same patch with every secret value replaced by `MASK` (removes carry no value). */
export function maskPatch(patch: readonly PatchOperation[]): PatchOperation[] {
  return patch.map((op) => ('value' in op ? { ...op, value: maskValue(op.path, op.value) } : op) as PatchOperation);
}

/** What a patch does to one entity: adds it, removes it, or changes these attributes. */
export type EntityTouch = { readonly kind: 'add' } | { readonly kind: 'remove' } | { readonly kind: 'attributes'; readonly attributes: ReadonlySet<string> };

/**
 * The entities a patch touches, by `<kind>/<key>` (unescaped), in the patch's order. A patch of
 * documents from `document.ts` only ever adds or removes whole entities or touches attributes.
 */
export function patchTargets(patch: readonly PatchOperation[]): Map<string, EntityTouch> {
  const out = new Map<string, EntityTouch>();
  for (const op of patch) {
    const target = parsePointer(op.path);
    if (!target || target.key === undefined) throw new RangeError(`patch operation on a whole kind or document: ${op.op} '${op.path}'`);
    const id = `${target.kind}/${target.key}`;
    if (target.attribute === undefined) {
      if (op.op !== 'add' && op.op !== 'remove') throw new RangeError(`patch operation ${op.op} on a whole entity: '${op.path}'`);
      out.set(id, { kind: op.op });
      continue;
    }
    const known = out.get(id);
    const attributes = new Set(known?.kind === 'attributes' ? known.attributes : []);
    attributes.add(target.attribute);
    out.set(id, { kind: 'attributes', attributes });
  }
  return out;
}

/** The patch as the document `plan --format patch` prints: RFC 6902 JSON, secrets masked. */
export function formatPatchJson(patch: readonly PatchOperation[]): string {
  return `${JSON.stringify(maskPatch(patch), null, 2)}\n`;
}
