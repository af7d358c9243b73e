/**
 * Injected failures that do not need the transport: armed "fail the next N operations" entries
 * and the reply-stall mode. Connection drops and crashes act on the server and live there.
 */
import { reply, type ManagementReply } from './request.js';

export type StallMode = 'hold' | 'drop' | false;

interface ArmedFailure {
  remaining: number;
  readonly statusCode: number;
  readonly description: string | undefined;
  readonly operation: string | undefined;
}

export class FaultPlan {
  private armed: ArmedFailure[] = [];
  stall: StallMode = false;

  /** The next `count` requests (of `operation` only, when given) are answered with this status. */
  failNext(count: number, statusCode: number, description?: string, operation?: string): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
    if (count === 0) return;
    this.armed.push({ remaining: count, statusCode, description, operation: operation?.toUpperCase() });
  }

  /** The failure a request of this operation gets instead of being executed, if one is armed. */
  take(operation: string): ManagementReply | undefined {
    const op = operation.toUpperCase();
    const entry = this.armed.find((f) => f.operation === undefined || f.operation === op);
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining === 0) this.armed = this.armed.filter((f) => f !== entry);
    return reply(entry.statusCode, {}, entry.description);
  }
}
