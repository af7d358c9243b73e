/**
 * The desired-state side of a pass: reads the source, validates what it read, keeps the last good
 * state, and reports both in `/status`. A source that cannot be read does not stop the pass: the
 * router is still read and held to the last good state, and the failure is reported beside it
 * (`source.up: false`, `source.error`, `source.since`, `source.consecutiveFailures`).
 */
import { loadConfig, type ConfigIssue, type LocateEntity } from '../../schemas/config/index.js';
import type { DesiredState } from '../../schemas/index.js';
import { configLoadOptions, type ConfigLimits } from '../config-limits.js';
import type { Metrics } from '../http/metrics.js';
import type { Log } from '../log.js';
import { SourceHealthTracker, failureReason, type SourceHealth } from '../sources/health.js';
import type { DesiredSource } from '../sources/source.js';
import { internEntities } from './intern.js';
import { describeError, type StatusStore } from './status.js';
import { TerminalError } from './work-queue.js';
import { countByType } from '../../reconcilers/boot-cost.js';

/** Issues of a rejected input kept in /status and logged. */
export const MAX_REPORTED_ISSUES = 100;

/**
 * Checks of a valid config that need the file system (e.g. `checks/output-file.ts`); any issue
 * rejects the input like a validation error.
 */
export type DesiredCheck = (state: DesiredState, file: string, locate: LocateEntity) => Promise<readonly ConfigIssue[]>;

export interface DesiredInputOptions {
  readonly source: DesiredSource;
  readonly status: StatusStore;
  readonly metrics: Metrics;
  readonly loadLimits?: ConfigLimits;
  readonly check?: DesiredCheck;
  readonly onDesired?: (state: DesiredState, revision: string) => Promise<void>;
}

export interface InputRead {
  /** Revision of what was read (of the last good state when the source could not be read). */
  readonly revision: string;
  readonly valid: boolean;
  /** Set when the source could not be read: the pass goes on with the last good state. */
  readonly sourceError?: unknown;
  /**
   * The `onDesired` hook of a new valid state (the boot file rewrite), still running: it is off
   * the path to the router, and the pass awaits it before a restart and before it ends.
   */
  readonly written?: Promise<void>;
}

export class DesiredInput {
  readonly #o: DesiredInputOptions;
  /** Outcomes of the loop's own reads, for a source that does not report its health. */
  readonly #reads = new SourceHealthTracker();
  #lastGood: { state: DesiredState; revision: string } | undefined;
  #reportedRejection: string | undefined;

  constructor(options: DesiredInputOptions) {
    this.#o = options;
  }

  get lastGood(): { readonly state: DesiredState; readonly revision: string } | undefined {
    return this.#lastGood;
  }

  adopt(state: DesiredState, revision: string): void {
    this.#lastGood = { state, revision };
    this.#o.metrics.setDesired(countByType(state.entities));
  }

  health(): SourceHealth {
    return this.#o.source.health?.() ?? this.#reads.snapshot();
  }

  /**
   * Reads and validates the input. A valid new revision becomes the last good state; an invalid
   * one is reported and the last good state stays. Throws only when there is no last good state
   * to hold the router to (terminal when retrying cannot help).
   */
  async read(log: Log): Promise<InputRead> {
    const { source, status, metrics } = this.#o;
    let snapshot;
    try {
      snapshot = await source.read();
      this.#reads.success();
    } catch (error) {
      this.#reads.failure(describeError(error), failureReason(error));
      const lastGood = this.#lastGood;
      if (lastGood) {
        log.warn('desired state source not readable; holding the router to the last good state', { error: describeError(error), revision: lastGood.revision });
        // An input rejected before the source became unreadable is still the input: still rejected.
        return { revision: lastGood.revision, valid: this.#reportedRejection === undefined, sourceError: error };
      }
      // A source that says retrying cannot help (e.g. revoked credentials) waits for a trigger.
      if (isTerminal(error)) throw new TerminalError(describeError(error), { cause: error });
      throw error;
    }
    // An unchanged input is not parsed again (large configs cost tens of ms and garbage per pass).
    if (snapshot.revision === this.#lastGood?.revision && this.#reportedRejection === undefined) {
      status.update({ source: { ...status.document.source, ...source.describe(), revision: snapshot.revision } });
      return { revision: snapshot.revision, valid: true };
    }
    const loaded = snapshot.unusable
      ? { ok: false as const, errors: [{ file: snapshot.file, path: '$', message: snapshot.unusable, severity: 'error' as const }], warnings: [] }
      : await loadChecked(snapshot.text, snapshot.file, this.#o.loadLimits, this.#o.check);
    let written: Promise<void> | undefined;
    if (loaded.ok) {
      status.clear('rejected');
      this.#reportedRejection = undefined;
      if (this.#lastGood?.revision !== snapshot.revision) {
        // Unchanged entities keep their objects, so caches keyed by entity hit (`intern.ts`).
        const state = internEntities(this.#lastGood?.state, loaded.state);
        this.#lastGood = { state, revision: snapshot.revision };
        metrics.setDesired(countByType(state.entities));
        written = this.#o.onDesired?.(state, snapshot.revision);
        // Handled here too: a pass that fails before awaiting it must not leave it unhandled.
        written?.catch(() => undefined);
      }
    } else {
      this.#reject(log, snapshot.revision, loaded.errors);
      if (!this.#lastGood) throw new TerminalError(`desired state in ${snapshot.file} is invalid: ${loaded.errors.length} error(s)`);
    }
    // `appliedRevision` moves only when the pass is recorded: readers wait on it.
    status.update({ source: { ...status.document.source, ...source.describe(), revision: snapshot.revision } });
    return { revision: snapshot.revision, valid: loaded.ok, ...(written ? { written } : {}) };
  }

  #reject(log: Log, revision: string, errors: readonly ConfigIssue[]): void {
    // At most MAX_REPORTED_ISSUES in /status and the log line; a file with an error per entity stays readable.
    const shown = errors.length > MAX_REPORTED_ISSUES
      ? [
          ...errors.slice(0, MAX_REPORTED_ISSUES),
          { file: errors[0]?.file ?? '', path: '$', message: `and ${errors.length - MAX_REPORTED_ISSUES} more error(s)`, severity: 'error' as const },
        ]
      : errors;
    this.#o.status.update({ rejected: { revision, errors: shown } });
    if (this.#reportedRejection === revision) return;
    this.#reportedRejection = revision;
    this.#o.metrics.rejectedConfigs.inc();
    log.error(`desired state rejected; ${this.#lastGood ? 'keeping the last good state' : 'nothing applied'}`, {
      revision,
      errors: shown.map((e) => `${e.file}${e.line !== undefined ? `:${e.line}:${e.column ?? 0}` : ''}: ${e.path}: ${e.message}`),
    });
  }
}

/** `loadConfig`, then `check` on a valid result: its issues make the result invalid. */
export async function loadChecked(text: string, file: string, limits: ConfigLimits | undefined, check: DesiredCheck | undefined): Promise<ReturnType<typeof loadConfig>> {
  const loaded = loadConfig(text, configLoadOptions(file, limits));
  if (!loaded.ok || !check) return loaded;
  const errors = await check(loaded.state, file, loaded.locate);
  return errors.length === 0 ? loaded : { ok: false, errors, warnings: loaded.warnings };
}

function isTerminal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'terminal' in error && error.terminal === true;
}
