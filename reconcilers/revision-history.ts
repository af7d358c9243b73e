/**
 * The last desired revisions and what each changed: for `/status` (`history`) and the log line of
 * a new revision. Pure: the loop passes times in and reports each pass's outcome.
 *
 * Each revision keeps the JSON Patch from the previous revision's desired document to its own
 * (`document.ts`: paths `/<kind>/<key>/<attribute>`, values normalised), secrets masked. The
 * history has a fixed memory cap whatever the configs: at most `maxRevisions` revisions; per
 * revision at most `maxOperations` operations and `maxPatchBytes` bytes of them (as JSON), a
 * prefix of the patch, with the total count; revision, source and error texts cut to
 * {@link MAX_TEXT} characters. With the defaults that is under 20 × (8 KiB + 1.5 KiB) ≈ 190 KiB.
 * The previous desired state is held by reference only (the loop holds it anyway).
 */
import type { DesiredState } from '../schemas/index.js';
import { desiredDocument } from './document.js';
import { diffDocuments, maskPatch, type PatchOperation } from './patch.js';

/** Bounds of a {@link RevisionHistory}; each defaults as documented. */
export interface RevisionHistoryOptions {
  /** Revisions kept, newest first. Default 20. */
  readonly maxRevisions?: number;
  /** Patch operations kept per revision. Default 50. */
  readonly maxOperations?: number;
  /** UTF-8 bytes of the kept operations of one revision, as JSON. Default 8192. */
  readonly maxPatchBytes?: number;
}

export const REVISION_HISTORY_DEFAULTS: Required<RevisionHistoryOptions> = { maxRevisions: 20, maxOperations: 50, maxPatchBytes: 8192 };

/** Longest revision, source or error text kept (characters). */
export const MAX_TEXT = 512;

/**
 * How the passes that applied a revision ended: `pending` until one ends; `failed` may still
 * become `converged` on a retry; `superseded` when a newer revision arrived first.
 */
export type RevisionOutcome = 'pending' | 'converged' | 'failed' | 'superseded';

export interface Revision {
  readonly revision: string;
  /** When the revision was read (ISO 8601). */
  readonly at: string;
  /** Where it came from: a file path or an Edgelet URL. */
  readonly source: string;
  /** Operations in the patch from the previous revision (the first revision: from nothing). */
  readonly operations: number;
  /** Its first operations, within the bounds, secrets masked. */
  readonly patch: readonly PatchOperation[];
  /** `operations - patch.length`. */
  readonly omitted: number;
  readonly outcome: RevisionOutcome;
  /** Id of the pass that last settled it, when it ended, and its error. */
  readonly pass?: number;
  readonly settledAt?: string;
  readonly error?: string;
}

export interface NewRevision {
  readonly revision: string;
  readonly at: string;
  readonly source: string;
  readonly state: DesiredState;
}

export interface Settlement {
  readonly outcome: 'converged' | 'failed';
  readonly at: string;
  readonly pass?: number;
  readonly error?: string;
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** The longest prefix of `patch` within `maxOperations` operations and `maxBytes` bytes of JSON. */
export function boundPatch(patch: readonly PatchOperation[], maxOperations: number, maxBytes: number): PatchOperation[] {
  const kept: PatchOperation[] = [];
  let bytes = 2; // the brackets of the JSON array
  for (const op of patch) {
    if (kept.length >= maxOperations) break;
    const size = Buffer.byteLength(JSON.stringify(op)) + (kept.length > 0 ? 1 : 0);
    if (bytes + size > maxBytes) break;
    bytes += size;
    kept.push(op);
  }
  return kept;
}

export class RevisionHistory {
  readonly #options: Required<RevisionHistoryOptions>;
  #entries: readonly Revision[] = [];
  #previous: DesiredState | undefined;

  constructor(options: RevisionHistoryOptions = {}) {
    this.#options = { ...REVISION_HISTORY_DEFAULTS, ...options };
    for (const [name, value] of Object.entries(this.#options)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`RevisionHistory: ${name} must be a positive integer, not ${value}`);
    }
  }

  /** Newest first. */
  get entries(): readonly Revision[] {
    return this.#entries;
  }

  /**
   * Records a new valid desired revision and returns it (`pending`); revisions still pending
   * become `superseded`. The same revision as the newest is not recorded twice.
   */
  record(input: NewRevision): Revision {
    const newest = this.#entries[0];
    if (newest && newest.revision === cut(input.revision)) return newest;
    const from = desiredDocument(this.#previous ?? { entities: [] });
    const full = diffDocuments(from, desiredDocument(input.state));
    const patch = boundPatch(maskPatch(full), this.#options.maxOperations, this.#options.maxPatchBytes);
    const entry: Revision = {
      revision: cut(input.revision),
      at: input.at,
      source: cut(input.source),
      operations: full.length,
      patch,
      omitted: full.length - patch.length,
      outcome: 'pending',
    };
    const older = this.#entries.map((e): Revision => (e.outcome === 'pending' ? { ...e, outcome: 'superseded' } : e));
    this.#entries = [entry, ...older].slice(0, this.#options.maxRevisions);
    this.#previous = input.state;
    return entry;
  }

  /**
   * Sets how the pass that applied `revision` ended. A revision already `converged` or
   * `superseded` keeps its outcome; an unknown revision is ignored. Returns whether it changed.
   */
  settle(revision: string, settlement: Settlement): boolean {
    const key = cut(revision);
    const index = this.#entries.findIndex((e) => e.revision === key);
    const entry = this.#entries[index];
    if (!entry || entry.outcome === 'converged' || entry.outcome === 'superseded') return false;
    const { error: _previousError, ...rest } = entry;
    const settled: Revision = {
      ...rest,
      outcome: settlement.outcome,
      settledAt: settlement.at,
      ...(settlement.pass === undefined ? {} : { pass: settlement.pass }),
      ...(settlement.error === undefined ? {} : { error: cut(settlement.error) }),
    };
    this.#entries = this.#entries.map((e, i) => (i === index ? settled : e));
    return true;
  }
}

function operationText(op: PatchOperation): string {
  return 'value' in op ? `${op.op} ${op.path} ${JSON.stringify(op.value)}` : `${op.op} ${op.path}`;
}

/**
 * The log line of a new revision: its count of operations, then as many of its (masked)
 * operations as fit in `maxChars` characters, then how many more there are (none shown when
 * not even the first fits).
 */
export function formatRevisionLog(entry: Revision, maxChars = 1024): string {
  const count = `${entry.operations} operation${entry.operations === 1 ? '' : 's'}`;
  let line = `desired revision ${entry.revision} from ${entry.source}: ${count}`;
  let shown = 0;
  for (const op of entry.patch) {
    const text = `${shown === 0 ? ': ' : '; '}${operationText(op)}`;
    const more = entry.operations - shown - 1;
    const reserve = more > 0 ? `; and ${more} more`.length : 0;
    if (line.length + text.length + reserve > maxChars) break;
    line += text;
    shown += 1;
  }
  return shown > 0 && shown < entry.operations ? `${line}; and ${entry.operations - shown} more` : line;
}
