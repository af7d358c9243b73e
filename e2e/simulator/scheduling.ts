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

/**
 * Holds one agent's replies for their modelled cost on a running clock, so costs below Node's
 * 1 ms timer floor add up as they do on the router (a 0.3 ms C-agent CREATE is not a 1 ms sleep):
 * the time still owed is carried to the next request, and a timer that fired late is repaid.
 * One per serial queue: its requests never overlap.
 */
export class Pacer {
  #owedMs = 0;

  constructor(
    private readonly sleeper: Pick<Sleeper, 'sleep'>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async hold(ms: number): Promise<void> {
    this.#owedMs += ms;
    if (this.#owedMs < 1) return;
    const started = this.now();
    await this.sleeper.sleep(this.#owedMs);
    // A late timer is repaid, but by at most this request's cost (a suspended process owes nothing).
    this.#owedMs = Math.max(this.#owedMs - (this.now() - started), -ms);
  }
}
