import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DesiredEntity } from '../../schemas/index.js';
import type { OperationOutcome } from '../../reconcilers/apply.js';
import type { PlannedOperation } from '../../reconcilers/plan-types.js';
import { fill, listenerBinds } from '../../e2e/reference/fixtures.js';
import { listenerBindEvent } from '../router/router-log.js';
import { ListenerBinds, SETTLE_MS, listenerHostPort } from './listener-binds.js';

/** The lines 3.5.1 writes (read in its sources: e2e/reference/skrouterd-3.5.1-listener-binds.json). */
const BINDS = listenerBinds();
const listener = (name: string, attributes: DesiredEntity['attributes']): DesiredEntity => ({ kind: 'listener', name, attributes });
const busy = listener('busy', { host: '127.0.0.1', port: 5701 });
const other = listener('other', { host: '127.0.0.1', port: '5702' });
const desired = [busy, other, { kind: 'tcpListener', name: 'tl', attributes: { host: '127.0.0.1', port: 5701, address: 'a' } } as DesiredEntity];
const created = (name: string, status: OperationOutcome['status'] = 'applied'): OperationOutcome => ({
  operation: { op: 'create', kind: 'listener', name } as PlannedOperation,
  status,
});
const failure = (hostPort: string, reason = 'Address already in use - listen on 127.0.0.1:5701') => ({ kind: 'listener', hostPort, bound: false, reason, at: hostPort }) as const;

describe('listenerBindEvent reads the lines skrouterd 3.5.1 logs for a listener socket', () => {
  it('an error, with or without the timestamp, and a bind; nothing else', () => {
    expect(listenerBindEvent(`2026-12-06 04:00:01.123456 +0000 ${fill(BINDS.amqp.error, { hostPort: '127.0.0.1:5701', description: 'Address already in use - listen on 127.0.0.1:5701' })}`)).toEqual({
      kind: 'listener',
      hostPort: '127.0.0.1:5701',
      bound: false,
      reason: 'Address already in use - listen on 127.0.0.1:5701',
      at: '127.0.0.1:5701',
    });
    expect(listenerBindEvent('SERVER (error) Listener error on :::5672: Address family not supported by protocol - listen on :::5672 (proton:io)')).toMatchObject({ hostPort: ':::5672', bound: false });
    expect(listenerBindEvent(fill(BINDS.amqp.bound, { hostPort: '127.0.0.1:5701' }))).toEqual({ kind: 'listener', hostPort: '127.0.0.1:5701', bound: true });
    // The TCP adaptor names the listener: the condition's name, then its description.
    expect(listenerBindEvent(fill(BINDS.tcp.error, { name: 'web: in', hostPort: '127.0.0.1:9000', description: 'Address already in use - listen on 127.0.0.1:9000' }))).toEqual({
      kind: 'tcpListener',
      name: 'web: in',
      bound: false,
      reason: 'Address already in use - listen on 127.0.0.1:9000',
      at: '127.0.0.1:9000',
    });
    expect(listenerBindEvent(fill(BINDS.tcp.bound, { name: 'web', hostPort: '127.0.0.1:9000', backlog: 4096 }))).toEqual({ kind: 'tcpListener', name: 'web', bound: true });
    expect(listenerBindEvent('TCP_ADAPTOR (info) Listener web: stopped listening for client connections on 127.0.0.1:9000')).toBeUndefined();
    // A port-0 listener names its assigned address; other modules and lines are not about binds.
    expect(listenerBindEvent('SERVER (info) Listening on 127.0.0.1:41234 (l0)')).toBeUndefined();
    expect(listenerBindEvent('ROUTER (info) Listening on 127.0.0.1:5701')).toBeUndefined();
    expect(listenerBindEvent(fill(BINDS.amqp.bootFileListener.line, { hostPort: '127.0.0.1:5701' }))).toBeUndefined();
    expect(listenerBindEvent('Listening on 127.0.0.1:5701')).toBeUndefined();
  });

  it('host:port as the router forms it from the configured attributes', () => {
    expect(listenerHostPort({ host: '0.0.0.0', port: 5672 })).toBe('0.0.0.0:5672');
    expect(listenerHostPort({ port: 'amqps' })).toBe(':amqps');
    expect(listenerHostPort({})).toBe(':amqp');
  });
});

describe('ListenerBinds', () => {
  let now = 0;
  let triggers: string[] = [];
  let binds: ListenerBinds;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000_000;
    triggers = [];
    binds = new ListenerBinds({ trigger: (r) => triggers.push(r), now: () => now });
  });
  afterEach(() => {
    binds.close();
    vi.useRealTimers();
  });
  const advance = (ms: number) => {
    now += ms;
    vi.advanceTimersByTime(ms);
  };

  it('fails every desired listener at the host:port, and nothing else, until a retry is due', () => {
    binds.event(failure('127.0.0.1:5701'));
    expect(triggers).toEqual(['listener bind failed: listener@127.0.0.1:5701']);
    expect(binds.failedKeys(desired)).toEqual(new Set(['listener/busy']));
    const first = binds.review(desired);
    expect(first.recreate).toEqual(new Set());
    expect([...first.failed.keys()]).toEqual(['listener/busy']);
    expect(first.failed.get('listener/busy')).toMatch(/^the router could not bind 127\.0\.0\.1:5701: Address already in use .*\(1 try; next try at /);
    advance(1000);
    expect(triggers.at(-1)).toBe('listener bind retry: listener@127.0.0.1:5701');
    expect(binds.review(desired).recreate).toEqual(new Set(['listener/busy']));
  });

  it('backs off 1 s, 2 s, 4 s ... to 60 s as the bind keeps failing', () => {
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      binds.event(failure('127.0.0.1:5701'));
      let waited = 0;
      while (binds.review(desired).recreate.size === 0) {
        advance(500);
        waited += 500;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it('a CREATE that went through and no new error for the settle time: bound; a new error: failed again', () => {
    binds.event(failure('127.0.0.1:5701'));
    advance(1000);
    binds.review(desired);
    binds.applied(desired, [created('busy')]);
    advance(SETTLE_MS - 1);
    expect(binds.review(desired).failed.get('listener/busy')).toContain('created again; waiting for the router to bind it');
    binds.applied(desired, []);
    advance(1);
    expect(triggers.at(-1)).toBe('listener bind check: listener@127.0.0.1:5701');
    expect(binds.review(desired)).toEqual({ recreate: new Set(), failed: new Map() });
    expect(binds.failedKeys(desired).size).toBe(0);
  });

  it('an error logged after the review answers that pass\'s CREATE: still failed, retried later', () => {
    binds.event(failure('127.0.0.1:5701'));
    advance(1000);
    expect(binds.review(desired).recreate.size).toBe(1);
    advance(5);
    binds.event(failure('127.0.0.1:5701'));
    binds.applied(desired, [created('busy')]);
    advance(SETTLE_MS);
    const review = binds.review(desired);
    expect(review.failed.get('listener/busy')).toContain('2 tries');
    expect(review.recreate.size).toBe(1);
  });

  it('a failed CREATE does not count as a retry', () => {
    binds.event(failure('127.0.0.1:5701'));
    advance(1000);
    binds.review(desired);
    binds.applied(desired, [created('busy', 'failed')]);
    advance(SETTLE_MS);
    expect(binds.review(desired).recreate).toEqual(new Set(['listener/busy']));
  });

  it('the router logging the bind clears it at once; so does a desired state without a listener there', () => {
    binds.event(failure('127.0.0.1:5701'));
    binds.event({ kind: 'listener', hostPort: '127.0.0.1:5701', bound: true });
    expect(triggers.at(-1)).toBe('listener bound: listener@127.0.0.1:5701');
    expect(binds.failedKeys(desired).size).toBe(0);
    binds.event(failure('127.0.0.1:5702'));
    expect(binds.review([busy]).failed.size).toBe(0);
    expect(binds.failedKeys(desired).size).toBe(0);
  });

  it('after close no timer fires', () => {
    binds.event(failure('127.0.0.1:5701'));
    binds.close();
    advance(120_000);
    expect(triggers).toEqual(['listener bind failed: listener@127.0.0.1:5701']);
  });

  it('a tcpListener by name, not by port: the AMQP listener on the same port is not about it', () => {
    binds.event({ kind: 'tcpListener', name: 'tl', bound: false, reason: 'Address already in use - listen on 127.0.0.1:5701', at: '127.0.0.1:5701' });
    const review = binds.review(desired);
    expect([...review.failed.keys()]).toEqual(['tcpListener/tl']);
    expect(review.failed.get('tcpListener/tl')).toMatch(/^the router could not bind 127\.0\.0\.1:5701: Address already in use/);
    advance(1000);
    expect(binds.review(desired).recreate).toEqual(new Set(['tcpListener/tl']));
    binds.event({ kind: 'tcpListener', name: 'tl', bound: true });
    expect(binds.failedKeys(desired).size).toBe(0);
  });
});
