import { describe, expect, it } from 'vitest';
import { StatusStore } from './status.js';

const pass = (id: number) => ({ id, result: 'converged' as const, at: '2026-12-06T00:00:00.000Z', durationMs: 1, operations: 0, failed: 0 });

describe('StatusStore readiness', () => {
  it('after a reconnect, waits for a pass that saw the router again', () => {
    const status = new StatusStore({ kind: 'file', location: '/tmp/x.json' });
    status.update({ router: { reachable: true }, lastPass: pass(3) });
    expect(status.readiness()).toEqual({ ok: true });
    status.reconnected();
    expect(status.readiness()).toEqual({ ok: false, reason: 'router reconnected: waiting for a pass' });
    status.update({ lastPass: pass(4) });
    expect(status.readiness()).toEqual({ ok: true });
  });

  it('names the router first when the connection is down', () => {
    const status = new StatusStore({ kind: 'file', location: '/tmp/x.json' });
    status.update({ router: { reachable: false, lastError: 'connect ECONNREFUSED' }, lastPass: pass(1) });
    expect(status.readiness()).toEqual({ ok: false, reason: 'router not reachable: connect ECONNREFUSED' });
  });
});
