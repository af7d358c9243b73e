/**
 * Replaying a recorded transcript of a real 3.5.1 router against a simulator: the steps as the
 * recordings in `e2e/reference/` hold them, the replay itself, and the comparison helpers the
 * conformance tests share (volatile values replaced by a marker, key order checked apart).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { startSimulator, type Simulator } from '../index.js';
import { TestClient, type TestReply } from './client.js';

const referenceDir = resolve(import.meta.dirname, '../../reference');

export interface TranscriptStep {
  step: string;
  request: { applicationProperties: Record<string, unknown>; body: unknown };
  response: { applicationProperties: { statusCode: number; statusDescription: string }; body: unknown };
}

/** A transcript of `e2e/reference/` by file name. */
export function loadTranscript(file: string): TranscriptStep[] {
  return JSON.parse(readFileSync(resolve(referenceDir, file), 'utf8')) as TranscriptStep[];
}

export interface Replay {
  readonly simulator: Simulator;
  readonly client: TestClient;
  readonly replies: TestReply[];
  close(): Promise<void>;
}

/**
 * Boots a simulator from `bootText` (on the clock `now`, default the real one), connects one
 * client (over SASL ANONYMOUS with `sasl`, its request link attached first with `senderFirst`)
 * and sends every step in order, each after the previous reply; `before(i)` runs before step i.
 */
export async function replay(
  steps: readonly TranscriptStep[],
  bootText: string,
  options: { sasl?: boolean; senderFirst?: boolean; now?: () => number; before?: (index: number, simulator: Simulator) => void } = {},
): Promise<Replay> {
  const simulator = await startSimulator({ boot: { text: bootText }, latency: false, ...(options.now ? { now: options.now } : {}) });
  const client = await TestClient.connect(simulator.port, { sasl: options.sasl ?? false, senderFirst: options.senderFirst ?? false });
  const replies: TestReply[] = [];
  for (const [i, step] of steps.entries()) {
    options.before?.(i, simulator);
    const reply = await client.request(step.request.applicationProperties, step.request.body);
    if (reply === 'no-reply') throw new Error(`no reply to step ${i} ${step.step}`);
    replies.push(reply);
  }
  return {
    simulator,
    client,
    replies,
    close: async () => {
      await client.close();
      await simulator.close();
    },
  };
}

export const VOLATILE_MARK = '<volatile>';

/** Decides which values are volatile: by attribute name, given the whole map (or QUERY row as a map). */
export type IsVolatile = (key: string, map: Readonly<Record<string, unknown>>) => boolean;

function normaliseMap(map: Record<string, unknown>, isVolatile: IsVolatile): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, isVolatile(k, map) ? VOLATILE_MARK : v]));
}

/** Volatile values replaced by a marker, in attribute maps and in QUERY rows alike. */
export function normaliseBody(body: unknown, isVolatile: IsVolatile): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const map = body as Record<string, unknown>;
  const names = map['attributeNames'];
  const results = map['results'];
  if (Array.isArray(names) && Array.isArray(results)) {
    const rows = results.map((row) => {
      const values = row as unknown[];
      // Index by position: a column name may repeat nothing, but "" is a real column of 3.5.1.
      const asMap = Object.fromEntries((names as string[]).map((n, i) => [n, values[i]]));
      const normal = normaliseMap(asMap, isVolatile);
      return (names as string[]).map((n) => normal[n]);
    });
    return { attributeNames: names, results: rows };
  }
  return normaliseMap(map, isVolatile);
}

/** Maps (at every depth) list their keys in the same order. */
export function sameKeyOrder(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.every((x, i) => sameKeyOrder(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return isDeepStrictEqual(ka, kb) && ka.every((k) => sameKeyOrder((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Steps whose status or body differ at all from the recording (before any normalising). */
export function inexactSteps(steps: readonly TranscriptStep[], replies: readonly TestReply[]): { inexact: number[]; keyOrder: number } {
  const inexact: number[] = [];
  let keyOrder = 0;
  steps.forEach((step, i) => {
    const actual = replies[i];
    const exact =
      isDeepStrictEqual(actual?.body, step.response.body) &&
      actual?.statusCode === step.response.applicationProperties.statusCode &&
      actual.statusDescription === step.response.applicationProperties.statusDescription;
    if (!exact) inexact.push(i);
    if (exact && sameKeyOrder(actual.body, step.response.body)) keyOrder++;
  });
  return { inexact, keyOrder };
}
