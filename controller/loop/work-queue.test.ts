import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TerminalError, WorkQueue, type PassContext, type PassOutcome } from './work-queue.js';

/** A pass whose completion the test controls. */
function controllablePass() {
  const calls: PassContext[] = [];
  const pending: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  const run = (ctx: PassContext) => {
    calls.push(ctx);
    return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return { run, calls, finish: () => pending.shift()?.resolve(), fail: (e: unknown) => pending.shift()?.reject(e) };
}

describe('WorkQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('coalesces triggers that arrive during a pass into exactly one more pass', async () => {
    const p = controllablePass();
    const q = new WorkQueue(p.run, { resyncMs: 60_000, jitter: 0 });
    q.trigger('file');
    await vi.advanceTimersByTimeAsync(0);
    expect(p.calls).toHaveLength(1);
    q.trigger('file');
    q.trigger('signal');
    q.trigger('cert');
    p.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(p.calls).toHaveLength(2);
    expect(p.calls[1]?.reasons).toEqual(['file', 'signal', 'cert']);
    p.finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(p.calls).toHaveLength(2);
    await q.stop();
  });

  it('retries failures with capped exponential backoff and resets it on success', async () => {
    const p = controllablePass();
    const outcomes: PassOutcome[] = [];
    const q = new WorkQueue(p.run, { backoffBaseMs: 100, backoffMaxMs: 400, resyncMs: 60_000, jitter: 0, onPassEnd: (_c, o) => outcomes.push(o) });
    q.trigger('start');
    await vi.advanceTimersByTimeAsync(0);
    p.fail(new Error('router down'));
    await vi.advanceTimersByTimeAsync(0);
    // each retry runs exactly after its delay: 100, 200, 400, then capped at 400
    const delays = [100, 200, 400, 400];
    for (const delay of delays) {
      await vi.advanceTimersByTimeAsync(delay - 1);
      const before = p.calls.length;
      await vi.advanceTimersByTimeAsync(1);
      expect(p.calls.length).toBe(before + 1);
      p.fail(new Error('router down'));
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(q.failures).toBe(5);
    expect(outcomes.map((o) => ('retryInMs' in o ? o.retryInMs : undefined))).toEqual([100, 200, 400, 400, 400]);
    await vi.advanceTimersByTimeAsync(400);
    p.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.failures).toBe(0);
    expect(outcomes.at(-1)?.result).toBe('success');
    await q.stop();
  });

  it('does not retry a terminal error, but runs again on the next trigger', async () => {
    const p = controllablePass();
    const q = new WorkQueue(p.run, { backoffBaseMs: 10, resyncMs: 60_000, jitter: 0 });
    q.trigger('file');
    await vi.advanceTimersByTimeAsync(0);
    p.fail(new TerminalError('invalid config'));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(p.calls).toHaveLength(1);
    expect(q.failures).toBe(0);
    q.trigger('file');
    await vi.advanceTimersByTimeAsync(0);
    expect(p.calls).toHaveLength(2);
    p.finish();
    await q.stop();
  });

  it('resyncs periodically with jitter inside the documented band', async () => {
    const p = controllablePass();
    const q = new WorkQueue(p.run, { resyncMs: 1000, jitter: 0.1, random: () => 1 });
    q.trigger('start');
    await vi.advanceTimersByTimeAsync(0);
    p.finish();
    await vi.advanceTimersByTimeAsync(1099);
    expect(p.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(p.calls).toHaveLength(2);
    expect(p.calls[1]?.reasons).toEqual(['resync']);
    p.finish();
    await q.stop();
  });

  it('an earlier trigger replaces a later scheduled pass, and stop waits for the pass in progress', async () => {
    const p = controllablePass();
    const q = new WorkQueue(p.run, { resyncMs: 60_000, jitter: 0 });
    q.trigger('debounced', 500);
    q.trigger('now');
    await vi.advanceTimersByTimeAsync(0);
    expect(p.calls).toHaveLength(1);
    let stopped = false;
    const stopping = q.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    p.finish();
    await stopping;
    expect(stopped).toBe(true);
    q.trigger('after stop');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(p.calls).toHaveLength(1);
  });

  it('runs a pass for a trigger that lands right after a pass returns (before the queue settles)', async () => {
    const calls: PassContext[] = [];
    const q: WorkQueue = new WorkQueue(
      (ctx) => {
        calls.push(ctx);
        // The trigger arrives one microtask after this pass resolves.
        if (ctx.id === 1) queueMicrotask(() => queueMicrotask(() => q.trigger('late')));
        return Promise.resolve();
      },
      { resyncMs: 60_000, jitter: 0 },
    );
    q.trigger('start');
    await vi.advanceTimersByTimeAsync(10);
    expect(calls.map((c) => c.reasons)).toEqual([['start'], ['late']]);
    await q.stop();
  });

  it("names a pass 'resync' only when the resync timer is what started it", async () => {
    const p = controllablePass();
    const q = new WorkQueue(p.run, { resyncMs: 1_000, jitter: 0 });
    q.trigger('start');
    await vi.advanceTimersByTimeAsync(0);
    p.finish();
    await vi.advanceTimersByTimeAsync(100);
    q.trigger('file');
    await vi.advanceTimersByTimeAsync(0);
    p.finish();
    await vi.advanceTimersByTimeAsync(1_000);
    p.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(p.calls.map((c) => c.reasons)).toEqual([['start'], ['file'], ['resync']]);
    await q.stop();
  });

  it('stop fires the signal of the pass in progress, reports it stopped, and retries nothing', async () => {
    const outcomes: PassOutcome['result'][] = [];
    const q = new WorkQueue(
      (ctx) =>
        new Promise<void>((_resolve, reject) => {
          // A pass that ends only when told to stop, as the apply step does at its next boundary.
          ctx.signal.addEventListener('abort', () => reject(new Error('stopped at an operation boundary')));
        }),
      { resyncMs: 60_000, jitter: 0, backoffBaseMs: 10, onPassEnd: (_ctx, o) => outcomes.push(o.result) },
    );
    q.trigger('start');
    await vi.advanceTimersByTimeAsync(0);
    expect(q.busy).toBe(true);
    await q.stop();
    expect(q.busy).toBe(false);
    expect(outcomes).toEqual(['stopped']);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(outcomes).toEqual(['stopped']);
  });
  it('marks a pass full unless only input changes triggered it since a full pass within the resync period', async () => {
    const p = controllablePass();
    const q = new WorkQueue(p.run, { resyncMs: 10_000, jitter: 0.1 });
    const pass = async (...reasons: string[]) => {
      for (const r of reasons) q.trigger(r);
      await vi.advanceTimersByTimeAsync(0);
      p.finish();
      await vi.advanceTimersByTimeAsync(0);
      return p.calls.at(-1)?.full;
    };
    expect(await pass('file-changed')).toBe(true); // the first pass
    expect(await pass('file-changed')).toBe(false);
    expect(await pass('edgelet-signal', 'file-changed')).toBe(false);
    expect(await pass('file-changed', 'router restarted (detected)')).toBe(true);
    expect(await pass('router reconnected')).toBe(true);
    expect(await pass('anything else')).toBe(true);
    // Input changes every 2 s keep postponing the resync timer: a full pass still comes within
    // the shortest resync period (9 s) of the last one.
    const fulls: boolean[] = [];
    for (let k = 0; k < 6; k++) {
      await vi.advanceTimersByTimeAsync(2_000);
      fulls.push((await pass('file-changed')) === true);
    }
    expect(fulls).toEqual([false, false, false, false, true, false]);
    // A failed pass makes the next one full, whatever triggered it.
    q.trigger('file-changed');
    await vi.advanceTimersByTimeAsync(0);
    p.fail(new Error('router down'));
    await vi.advanceTimersByTimeAsync(0);
    q.trigger('file-changed');
    await vi.advanceTimersByTimeAsync(0);
    expect(p.calls.at(-1)?.full).toBe(true);
    p.finish();
    await q.stop();
  });
});
