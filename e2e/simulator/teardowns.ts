/**
 * Socket teardowns still in progress, shared by the listener plane (amqp-listeners.ts) and the
 * TCP data plane (tcp-plane.ts): a crash or a close starts them, and `settled` waits until every
 * handle they release is gone, so the ports are free before a restarted router binds them again.
 */
export class Teardowns {
  private readonly pending = new Set<Promise<void>>();

  /** Waits for `teardown` in `settled`; it leaves the set once done. */
  track(teardown: Promise<void>): void {
    const tracked = teardown.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Resolves once every teardown started so far, and any started meanwhile, is done. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
