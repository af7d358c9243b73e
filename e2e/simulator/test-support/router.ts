/**
 * Drives the simulated agents directly, without AMQP, for the simulator's unit tests: boot a
 * state and send it requests the way the server routes them (C agent first, else Python).
 */
import { bootRouter } from '../boot.js';
import { cAgentTarget, handleCRequest } from '../c-agent.js';
import { handlePythonRequest } from '../python-agent.js';
import type { ManagementReply } from '../request.js';
import type { RouterState } from '../state.js';

export const INTERIOR_BOOT = JSON.stringify([
  ['router', { id: 'r1', mode: 'interior' }],
  ['listener', { name: 'mgmt', host: '127.0.0.1', port: 5672, saslMechanisms: 'ANONYMOUS' }],
]);

export interface TestRouter {
  readonly state: RouterState;
  /** Sends one request; `no-reply` for the requests the router never answers. */
  call(properties: Record<string, unknown>, body?: unknown): ManagementReply | 'no-reply';
  /** Like call, but a reply is required. */
  must(properties: Record<string, unknown>, body?: unknown): ManagementReply;
  /** Moves the router's clock forward. */
  advance(ms: number): void;
}

export function testRouter(boot: string = INTERIOR_BOOT, options: { checkTlsFiles?: boolean } = {}): TestRouter {
  let now = 1_700_000_000_000;
  const state = bootRouter({ text: boot }, { now: () => now, checkTlsFiles: options.checkTlsFiles ?? false }, 'sim');
  const call = (properties: Record<string, unknown>, body: unknown = {}): ManagementReply | 'no-reply' => {
    const target = cAgentTarget(properties);
    const reply = target ? handleCRequest(state, target, { properties, body }) : handlePythonRequest(state, { properties, body });
    return reply ?? 'no-reply';
  };
  return {
    state,
    call,
    must(properties, body) {
      const reply = call(properties, body);
      if (reply === 'no-reply') throw new Error(`no reply to ${JSON.stringify(properties)}`);
      return reply;
    },
    advance(ms) {
      now += ms;
    },
  };
}

/** Long type name. */
export const T = (short: string): string => `io.skupper.router.${short}`;
