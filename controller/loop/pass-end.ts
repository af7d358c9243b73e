/**
 * What the controller does when a pass ends, whatever ended it: the pass metrics, a log line for
 * a pass that did not succeed, and a `lastPass` in `/status` for one that failed before the
 * reconciler could record it (e.g. the router could not be read).
 */
import type { Metrics } from '../http/metrics.js';
import { errorFields, type Log } from '../log.js';
import { describeError, type StatusStore } from './status.js';
import type { PassContext, PassOutcome } from './work-queue.js';

export function reportPassEnd(ctx: PassContext, outcome: PassOutcome, o: { readonly metrics: Metrics; readonly status: StatusStore; readonly log: Log }): void {
  o.metrics.passes.inc({ result: outcome.result });
  o.metrics.passDuration.observe(outcome.durationMs / 1000);
  if (outcome.result === 'success') return;
  const log = o.log.child({ reconcileId: ctx.id });
  if (outcome.result === 'stopped') {
    log.info('pass stopped: the controller is stopping', errorFields(outcome.error));
    return;
  }
  if (outcome.result === 'terminal') log.error('pass stopped: waiting for new input', errorFields(outcome.error));
  else log.warn('pass failed; retrying', { retryInMs: outcome.retryInMs, ...errorFields(outcome.error) });
  if (o.status.document.lastPass?.id === ctx.id) return;
  o.status.update({
    lastPass: {
      id: ctx.id,
      result: 'failed',
      at: new Date().toISOString(),
      durationMs: Math.round(outcome.durationMs),
      operations: 0,
      failed: 0,
      error: describeError(outcome.error),
    },
  });
}
