import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManagementUnavailableError } from '../../reconcilers/management.js';
import { RequestWindow, type OutgoingRequest } from './request-window.js';

function request(n: number): OutgoingRequest {
  return { correlationId: `c${n}`, subject: { operation: 'READ', entityName: `e${n}` }, applicationProperties: {}, body: {} };
}

describe('RequestWindow', () => {
  let sent: string[];
  let freed: number;
  let window: RequestWindow;
  const send = (r: OutgoingRequest) => void sent.push(r.correlationId);
  const always = () => true;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    freed = 0;
    window = new RequestWindow(2, () => (freed += 1));
  });
  afterEach(() => vi.useRealTimers());

  it('sends at most maxInFlight, in FIFO order, and the next one as a reply frees a slot', async () => {
    const replies = [1, 2, 3].map((n) => window.add(request(n), 1_000));
    window.pump(always, send);
    expect(sent).toEqual(['c1', 'c2']);
    expect(window.queued).toBe(1);
    expect(window.settle('c2', { applicationProperties: { statusCode: 200 }, body: 'two' })).toBe(true);
    window.pump(always, send);
    expect(sent).toEqual(['c1', 'c2', 'c3']);
    window.settle('c1', { applicationProperties: {}, body: 'one' });
    window.settle('c3', { applicationProperties: {}, body: 'three' });
    expect((await Promise.all(replies)).map((r) => r.body)).toEqual(['one', 'two', 'three']);
  });

  it('does not send while the link cannot', () => {
    void window.add(request(1), 1_000).catch(() => undefined);
    window.pump(() => false, send);
    expect(sent).toEqual([]);
    expect(window.queued).toBe(1);
  });

  it('times out a sent request, frees its slot, tells the owner, and drops its late reply', async () => {
    const first = window.add(request(1), 100);
    const second = window.add(request(2), 10_000);
    window.pump(always, send);
    vi.advanceTimersByTime(100);
    await expect(first).rejects.toEqual(new ManagementUnavailableError('READ', 'timeout'));
    expect(window.inFlight).toBe(1);
    expect(freed).toBe(1);
    expect(window.settle('c1', { applicationProperties: {}, body: 'late' })).toBe(false);
    window.settle('c2', { applicationProperties: {}, body: 'two' });
    await expect(second).resolves.toMatchObject({ body: 'two' });
  });

  it('times out a queued request without it ever being sent', async () => {
    const w = new RequestWindow(1, () => (freed += 1));
    const first = w.add(request(1), 10_000);
    const second = w.add(request(2), 50);
    w.pump(always, send);
    vi.advanceTimersByTime(50);
    await expect(second).rejects.toMatchObject({ reason: 'timeout' });
    expect(w.queued).toBe(0);
    w.settle('c1', { applicationProperties: {}, body: null });
    w.pump(always, send);
    expect(sent).toEqual(['c1']);
    expect(freed).toBe(0);
    await first;
  });

  it('fails a request whose send throws, with the error as cause, and goes on with the next', async () => {
    const first = window.add(request(1), 1_000);
    const second = window.add(request(2), 1_000);
    const boom = new Error('boom');
    window.pump(always, (r) => {
      if (r.correlationId === 'c1') throw boom;
      send(r);
    });
    await expect(first).rejects.toMatchObject({ reason: 'disconnected', cause: boom });
    expect(sent).toEqual(['c2']);
    window.settle('c2', { applicationProperties: {}, body: null });
    await second;
  });

  it('on a lost connection fails the sent requests and keeps the queued ones', async () => {
    const results = [1, 2, 3].map((n) => window.add(request(n), 1_000).then(() => 'ok', (e: ManagementUnavailableError) => e.reason));
    window.pump(always, send);
    expect(window.failSent('disconnected')).toBe(2);
    expect(window.queued).toBe(1);
    window.pump(always, send);
    window.settle('c3', { applicationProperties: {}, body: null });
    expect(await Promise.all(results)).toEqual(['disconnected', 'disconnected', 'ok']);
  });

  it('failAll fails sent and queued requests and leaves no timer behind', async () => {
    const results = [1, 2, 3].map((n) => window.add(request(n), 1_000).catch((e: ManagementUnavailableError) => e.reason));
    window.pump(always, send);
    expect(window.failAll('closed')).toBe(3);
    expect(await Promise.all(results)).toEqual(['closed', 'closed', 'closed']);
    expect(vi.getTimerCount()).toBe(0);
    expect(window.inFlight + window.queued).toBe(0);
  });

  it('stays correct across many timed-out queued entries (queue compaction)', async () => {
    const w = new RequestWindow(1, () => undefined);
    const blocker = w.add(request(0), 100_000);
    w.pump(always, send);
    const expired = Array.from({ length: 1_100 }, (_, i) => w.add(request(i + 1), 10).catch(() => 'timeout'));
    const survivor = w.add(request(9_999), 100_000);
    vi.advanceTimersByTime(10);
    expect(await Promise.all(expired)).toEqual(Array(1_100).fill('timeout'));
    w.settle('c0', { applicationProperties: {}, body: null });
    w.pump(always, send);
    expect(sent).toEqual(['c0', 'c9999']);
    w.settle('c9999', { applicationProperties: {}, body: 'last' });
    await blocker;
    await expect(survivor).resolves.toMatchObject({ body: 'last' });
  });
});
