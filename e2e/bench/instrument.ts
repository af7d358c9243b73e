/**
 * Zero-cost probes around the real pieces of a pass: a {@link Management} that timestamps and
 * counts requests, and a {@link DesiredSource} that timestamps the trigger and the read. One
 * {@link PassTrace} per pass; `performance.now()` only, nothing logged.
 */
import type { Attributes, Management } from '../../reconcilers/management.js';
import type { DesiredSource, SourceSnapshot } from '../../controller/sources/source.js';

export interface PassTrace {
  /** The source called the loop's trigger (the debounce timer fired and the content changed). */
  triggeredAt?: number;
  /** The pass started reading the desired input. */
  readStartAt?: number;
  readEndAt?: number;
  firstQueryAt?: number;
  lastQueryReplyAt?: number;
  firstWriteAt?: number;
  lastWriteReplyAt?: number;
  queries: number;
  /** Kinds whose QUERY returned at least one row. */
  nonEmptyKinds: number;
  writes: number;
  reads: number;
}

export function emptyTrace(): PassTrace {
  return { queries: 0, nonEmptyKinds: 0, writes: 0, reads: 0 };
}

/** Holds the trace of the pass in progress; `next()` starts a new one. */
export class Tracer {
  current: PassTrace = emptyTrace();

  next(): PassTrace {
    const done = this.current;
    this.current = emptyTrace();
    return done;
  }
}

export class TimedManagement implements Management {
  readonly #inner: Management;
  readonly #tracer: Tracer;

  constructor(inner: Management, tracer: Tracer) {
    this.#inner = inner;
    this.#tracer = tracer;
  }

  async query(longType: string, attributeNames?: readonly string[]): Promise<Attributes[]> {
    const t = this.#tracer.current;
    t.queries++;
    t.firstQueryAt ??= performance.now();
    const rows = await this.#inner.query(longType, attributeNames);
    t.lastQueryReplyAt = performance.now();
    if (rows.length > 0) t.nonEmptyKinds++;
    return rows;
  }

  /** READ is not a write (apply uses it after a duplicate CREATE); counted on its own. */
  read(longType: string, name: string): Promise<Attributes> {
    this.#tracer.current.reads++;
    return this.#inner.read(longType, name);
  }

  create(longType: string, name: string, attributes: Attributes): Promise<Attributes> {
    return this.#write(() => this.#inner.create(longType, name, attributes));
  }

  update(longType: string, name: string, attributes: Attributes): Promise<Attributes> {
    return this.#write(() => this.#inner.update(longType, name, attributes));
  }

  delete(longType: string, name: string): Promise<void> {
    return this.#write(() => this.#inner.delete(longType, name));
  }

  async #write<T>(send: () => Promise<T>): Promise<T> {
    const t = this.#tracer.current;
    t.writes++;
    t.firstWriteAt ??= performance.now();
    try {
      return await send();
    } finally {
      t.lastWriteReplyAt = performance.now();
    }
  }
}

export class TimedSource implements DesiredSource {
  readonly #inner: DesiredSource;
  readonly #tracer: Tracer;

  constructor(inner: DesiredSource, tracer: Tracer) {
    this.#inner = inner;
    this.#tracer = tracer;
  }

  async read(): Promise<SourceSnapshot> {
    const t = this.#tracer.current;
    t.readStartAt = performance.now();
    const snapshot = await this.#inner.read();
    t.readEndAt = performance.now();
    return snapshot;
  }

  start(onChange: (reason: string) => void): Promise<void> {
    return this.#inner.start((reason) => {
      this.#tracer.current.triggeredAt ??= performance.now();
      onChange(reason);
    });
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  describe(): { kind: string; location: string } {
    return this.#inner.describe();
  }
}
