/**
 * Timing helpers that keep the event loop free: "working" is a timer, never a busy loop, and
 * every pending timer can be cancelled at once when the simulator closes.
 */

/** Runs jobs one after the other (an agent handles one request at a time). */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  push(job: () => Promise<void>): void {
    // A failing job must not stop the ones behind it; the agents answer errors themselves.
    this.tail = this.tail.then(job).catch(() => undefined);
  }
}

/** Cancellable sleeps: `cancelAll` resolves every pending sleep immediately. */
export class Sleeper {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  cancelAll(): void {
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve();
    }
    this.pending.clear();
  }
}
