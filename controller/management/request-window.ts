/**
 * The bounded window of requests: at most `maxInFlight` are sent and unanswered, the rest wait
 * in FIFO order. Every request has its own timer, started when it is added, so it also bounds
 * the time spent waiting for a connection. A request that times out frees its slot at once and
 * its correlation id is forgotten, so a late reply finds nothing and is dropped.
 */
import { ManagementUnavailableError } from '../../reconcilers/management.js';
import type { RequestSubject } from './reply.js';

/** Application property values the router reads (strings; integers for QUERY count/offset). */
export type ApplicationPropertyValue = string | number | boolean;

/** A request as it goes on the wire. */
export interface OutgoingRequest {
  readonly correlationId: string;
  readonly subject: RequestSubject;
  readonly applicationProperties: Readonly<Record<string, ApplicationPropertyValue>>;
  readonly body: unknown;
}

/** The parts of a reply message the client reads. */
export interface RawReply {
  readonly applicationProperties: unknown;
  readonly body: unknown;
}

interface Entry extends OutgoingRequest {
  /** `taken`: out of the queue, being sent. */
  state: 'queued' | 'taken' | 'sent' | 'done';
  timer: NodeJS.Timeout | undefined;
  resolve(reply: RawReply): void;
  reject(error: Error): void;
}

export class RequestWindow {
  readonly #maxInFlight: number;
  readonly #onSlotFreed: () => void;
  readonly #sent = new Map<string, Entry>();
  #queue: Entry[] = [];
  #head = 0;
  #queued = 0;

  /** `onSlotFreed` runs when a timeout frees a slot, so the owner can send the next request. */
  constructor(maxInFlight: number, onSlotFreed: () => void) {
    this.#maxInFlight = maxInFlight;
    this.#onSlotFreed = onSlotFreed;
  }

  get inFlight(): number {
    return this.#sent.size;
  }

  get queued(): number {
    return this.#queued;
  }

  /** Queue a request; the promise settles with its reply, or rejects on timeout or failure. */
  add(request: OutgoingRequest, timeoutMs: number): Promise<RawReply> {
    return new Promise<RawReply>((resolve, reject) => {
      const entry: Entry = { ...request, state: 'queued', timer: undefined, resolve, reject };
      entry.timer = setTimeout(() => this.#timeout(entry), timeoutMs);
      this.#queue.push(entry);
      this.#queued += 1;
    });
  }

  /**
   * Send queued requests while the window has room and `canSend` allows (connected, link credit).
   * `send` may throw; the request is then failed with the error as cause.
   */
  pump(canSend: () => boolean, send: (request: OutgoingRequest) => void): void {
    while (this.#sent.size < this.#maxInFlight && this.#queued > 0 && canSend()) {
      const entry = this.#dequeue();
      if (entry === undefined) break;
      try {
        send(entry);
      } catch (cause) {
        this.#finish(entry);
        entry.reject(new ManagementUnavailableError(entry.subject.operation, 'disconnected', { cause }));
        continue;
      }
      entry.state = 'sent';
      this.#sent.set(entry.correlationId, entry);
    }
  }

  /** Deliver a reply. False when no sent request waits for this id (late, duplicate or foreign). */
  settle(correlationId: string, reply: RawReply): boolean {
    const entry = this.#sent.get(correlationId);
    if (entry === undefined) return false;
    this.#finish(entry);
    entry.resolve(reply);
    return true;
  }

  /** The subject of a sent request, for error context. */
  subjectOf(correlationId: string): RequestSubject | undefined {
    return this.#sent.get(correlationId)?.subject;
  }

  /** Fail every sent request (their replies can no longer arrive); queued ones keep waiting. */
  failSent(reason: 'disconnected' | 'closed', cause?: unknown): number {
    const entries = [...this.#sent.values()];
    for (const entry of entries) {
      this.#finish(entry);
      entry.reject(new ManagementUnavailableError(entry.subject.operation, reason, { cause }));
    }
    return entries.length;
  }

  /** Fail every request, sent or queued. */
  failAll(reason: 'disconnected' | 'closed', cause?: unknown): number {
    let failed = this.failSent(reason, cause);
    for (let entry = this.#dequeue(); entry !== undefined; entry = this.#dequeue()) {
      this.#finish(entry);
      entry.reject(new ManagementUnavailableError(entry.subject.operation, reason, { cause }));
      failed += 1;
    }
    return failed;
  }

  #dequeue(): Entry | undefined {
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head];
      this.#queue[this.#head] = undefined as unknown as Entry;
      this.#head += 1;
      if (entry !== undefined && entry.state === 'queued') {
        entry.state = 'taken';
        this.#queued -= 1;
        this.#compact();
        return entry;
      }
    }
    this.#compact();
    return undefined;
  }

  #compact(): void {
    // Timed-out entries stay in the array until reached; drop the consumed prefix now and then.
    if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #finish(entry: Entry): void {
    if (entry.state === 'queued') this.#queued -= 1;
    if (entry.state === 'sent') this.#sent.delete(entry.correlationId);
    entry.state = 'done';
    clearTimeout(entry.timer);
    entry.timer = undefined;
  }

  #timeout(entry: Entry): void {
    const wasSent = entry.state === 'sent';
    this.#finish(entry);
    entry.reject(new ManagementUnavailableError(entry.subject.operation, 'timeout'));
    if (wasSent) this.#onSlotFreed();
  }
}
