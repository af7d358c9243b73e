/**
 * Replays every request of the real 3.5.1 transcript, in order, against a fresh simulator booted
 * with what the transcript implies (router `conformance`, interior; DEFAULT log at warning+; a
 * management listener `mgmt` on 127.0.0.1:25673 with ANONYMOUS). Each step must match after
 * normalising volatile fields; steps that match only after normalising are listed here with the
 * reason, and the test fails if that list drifts:
 *
 * - 4  QUERY router: `hostName` is the machine's host name (the transcript's router said `localhost`).
 *
 * `identity` of addresses and autoLinks is the C core's counter, which also counts links (the
 * client's two, each tcpConnector's one): it matches because the replay attaches the same links
 * first, and is normalised in case a client attaches more.
 *
 * Map key order is not compared (AMQP maps keep it, but it carries no meaning); the step count
 * whose key order also matches is printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReply } from './test-support/client.js';
import { inexactSteps, loadTranscript, normaliseBody, replay, type IsVolatile, type Replay } from './test-support/transcript.js';

const CONFORMANCE_BOOT = JSON.stringify([
  ['router', { id: 'conformance', mode: 'interior' }],
  ['log', { module: 'DEFAULT', enable: 'warning+' }],
  ['listener', { name: 'mgmt', host: '127.0.0.1', port: 25673, saslMechanisms: 'ANONYMOUS' }],
]);

/** Steps (by index) that match only after normalising; see the file comment for why. */
const NORMALISED_ONLY = [4];

const VOLATILE = new Set([
  'connectionsOpened', 'connectionsClosed', 'bytesIn', 'bytesOut', 'connectionMsg', 'connectionStatus', 'operStatus',
  'failoverUrls', 'hostName', 'uptimeSeconds',
]);
const C_TYPES = ['io.skupper.router.router.config.address', 'io.skupper.router.router.config.autoLink'];

const isVolatile: IsVolatile = (key, map) => VOLATILE.has(key) || (C_TYPES.includes(String(map['type'])) && key === 'identity');
const normalise = (body: unknown): unknown => normaliseBody(body, isVolatile);

describe('conformance with the skrouterd 3.5.1 transcript', () => {
  const steps = loadTranscript('skrouterd-3.5.1-management-transcript.json');
  let replies: TestReply[] = [];
  let run: Replay | undefined;

  beforeAll(async () => {
    run = await replay(steps, CONFORMANCE_BOOT);
    replies = run.replies;
  });

  afterAll(async () => {
    await run?.close();
  });

  it('replays all 51 steps', () => {
    expect(steps.length).toBe(51);
    expect(replies.length).toBe(steps.length);
  });

  it.each(steps.map((s, i) => [i, s.step] as const))('step %i %s: status and normalised body match', (i) => {
    const expected = steps[i];
    const actual = replies[i];
    expect(actual?.statusCode).toBe(expected?.response.applicationProperties.statusCode);
    expect(actual?.statusDescription).toBe(expected?.response.applicationProperties.statusDescription);
    expect(normalise(actual?.body)).toEqual(normalise(expected?.response.body));
  });

  it('matches exactly everywhere except the documented volatile steps', () => {
    const { inexact, keyOrder } = inexactSteps(steps, replies);
    console.info(`conformance: ${steps.length - inexact.length}/${steps.length} exact, ${keyOrder} also in key order; normalised-only: ${inexact.join(', ')}`);
    expect(inexact).toEqual(NORMALISED_ONLY);
  });
});
