/**
 * Replays every request of the real 3.5.1 transcript, in order, against a fresh simulator booted
 * with what the transcript implies (router `conformance`, interior; DEFAULT log at warning+; a
 * management listener `mgmt` on 127.0.0.1:25673 with ANONYMOUS). Each step must match after
 * normalising volatile fields; steps that match only after normalising are listed here with the
 * reason, and the test fails if that list drifts:
 *
 * - 4  QUERY router: `hostName` is the machine's host name (the transcript's router said `localhost`).
 * - 32 CREATE address, 33 CREATE autoLink, 34/35 QUERY of them: `identity` is the C core's counter,
 *   which also counts connections and links, so its value depends on what was connected before.
 *
 * Map key order is not compared (AMQP maps keep it, but it carries no meaning); the step count
 * whose key order also matches is printed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index.js';
import { TestClient, type TestReply } from './test-support/client.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const transcriptFile = resolve(repoRoot, 'e2e/reference/skrouterd-3.5.1-management-transcript.json');

interface Step {
  step: string;
  request: { applicationProperties: Record<string, unknown>; body: unknown };
  response: { applicationProperties: { statusCode: number; statusDescription: string }; body: unknown };
}

const CONFORMANCE_BOOT = JSON.stringify([
  ['router', { id: 'conformance', mode: 'interior' }],
  ['log', { module: 'DEFAULT', enable: 'warning+' }],
  ['listener', { name: 'mgmt', host: '127.0.0.1', port: 25673, saslMechanisms: 'ANONYMOUS' }],
]);

/** Steps (by index) that match only after normalising; see the file comment for why. */
const NORMALISED_ONLY = [4, 32, 33, 34, 35];

const VOLATILE = new Set([
  'connectionsOpened', 'connectionsClosed', 'bytesIn', 'bytesOut', 'connectionMsg', 'connectionStatus', 'operStatus',
  'failoverUrls', 'hostName', 'uptimeSeconds',
]);
const C_TYPES = ['io.skupper.router.router.config.address', 'io.skupper.router.router.config.autoLink'];

function normaliseMap(map: Record<string, unknown>): Record<string, unknown> {
  const cType = C_TYPES.includes(String(map['type']));
  return Object.fromEntries(
    Object.entries(map).map(([k, v]) => [k, VOLATILE.has(k) || (cType && k === 'identity') ? '<volatile>' : v]),
  );
}

/** Volatile values replaced by a marker, in attribute maps and in QUERY rows alike. */
function normalise(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const map = body as Record<string, unknown>;
  const names = map['attributeNames'];
  const results = map['results'];
  if (Array.isArray(names) && Array.isArray(results)) {
    const rows = results.map((row) => {
      const asMap = Object.fromEntries((names as string[]).map((n, i) => [n, (row as unknown[])[i]]));
      const normal = normaliseMap(asMap);
      return (names as string[]).map((n) => normal[n]);
    });
    return { attributeNames: names, results: rows };
  }
  return normaliseMap(map);
}

function sameKeyOrder(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.every((x, i) => sameKeyOrder(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return isDeepStrictEqual(ka, kb) && ka.every((k) => sameKeyOrder((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

describe('conformance with the skrouterd 3.5.1 transcript', () => {
  const steps = JSON.parse(readFileSync(transcriptFile, 'utf8')) as Step[];
  const replies: TestReply[] = [];
  let simulator: Simulator;
  let client: TestClient;

  beforeAll(async () => {
    simulator = await startSimulator({ boot: { text: CONFORMANCE_BOOT }, latency: false });
    client = await TestClient.connect(simulator.port);
    for (const step of steps) {
      const reply = await client.request(step.request.applicationProperties, step.request.body);
      if (reply === 'no-reply') throw new Error(`no reply to step ${step.step}`);
      replies.push(reply);
    }
  });

  afterAll(async () => {
    await client.close();
    await simulator.close();
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
    const inexact: number[] = [];
    let keyOrder = 0;
    steps.forEach((step, i) => {
      const actual = replies[i];
      const exact = isDeepStrictEqual(actual?.body, step.response.body) && actual?.statusCode === step.response.applicationProperties.statusCode;
      if (!exact) inexact.push(i);
      if (exact && sameKeyOrder(actual?.body, step.response.body)) keyOrder++;
    });
    console.info(`conformance: ${steps.length - inexact.length}/${steps.length} exact, ${keyOrder} also in key order; normalised-only: ${inexact.join(', ')}`);
    expect(inexact).toEqual(NORMALISED_ONLY);
  });
});
