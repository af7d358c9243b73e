/** How a pass ends when it does not converge, besides {@link OperationsFailedError} (reconciler.ts). */
import { describeError } from './status.js';
import { TerminalError } from './work-queue.js';

/** The controller is stopping: the pass ended at an operation boundary (nothing retried). */
export class PassStoppedError extends Error {
  readonly passId: number;
  /** Operations that ended before the stop, of how many planned (when the apply had started). */
  readonly done: number | undefined;
  readonly planned: number | undefined;

  constructor(passId: number, done?: number, planned?: number) {
    super(`pass ${passId} stopped${planned !== undefined ? ` after ${done ?? 0} of ${planned} operation(s)` : ''}: the controller is stopping`);
    this.passId = passId;
    this.done = done;
    this.planned = planned;
  }

  override get name(): string {
    return 'PassStoppedError';
  }
}

/**
 * The router refused entities in their current desired value (see sync-ledger.ts). Retrying the
 * same value cannot help, so the pass is terminal: the next input change or resync runs again.
 */
export class RefusedError extends TerminalError {
  readonly refused: readonly { readonly key: string; readonly error: string }[];

  constructor(refused: readonly { readonly key: string; readonly error: string }[]) {
    const first = refused[0];
    super(`${refused.length} entit${refused.length === 1 ? 'y' : 'ies'} refused by the router until their desired value changes${first ? `; first: ${first.key}: ${first.error}` : ''}`);
    this.refused = refused;
  }

  override get name(): string {
    return 'RefusedError';
  }
}

/**
 * The router holds listeners it could not bind (`listener-binds.ts`). Terminal for the queue: the
 * listener retries run on their own backoff, and each one triggers a pass.
 */
export class ListenersNotBoundError extends TerminalError {
  readonly failed: readonly { readonly key: string; readonly error: string }[];

  constructor(failed: readonly { readonly key: string; readonly error: string }[]) {
    const first = failed[0];
    super(`${failed.length} listener(s) not bound by the router, retried with backoff${first ? `; first: ${first.key}: ${first.error}` : ''}`);
    this.failed = failed;
  }

  override get name(): string {
    return 'ListenersNotBoundError';
  }
}

/**
 * The source could not be read; the pass held the router to the last good state. Retryable: the
 * queue's backoff reads the source again.
 */
export class SourceUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`desired state source not readable (the router holds the last good state): ${describeError(cause)}`, { cause });
  }

  override get name(): string {
    return 'SourceUnavailableError';
  }
}
