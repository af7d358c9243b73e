/**
 * Typed readers of the recordings in this folder, for the tests that hold our code to them (the
 * product never reads them). One place for each file's shape.
 */
import { readFileSync } from 'node:fs';

const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as T;

/** A live reply to CREATE or UPDATE of a refused value; `stored`: a later READ shows the value. */
export interface RefusalReply {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly stored: boolean;
}

/** How a refused boot ends: an exit status, or a signal. */
export type RefusalBootExit = { readonly exitCode: number } | { readonly signal: string };

/** One case of `skrouterd-3.5.1-boot-refusals.json`. */
export interface RefusalCase {
  readonly entity: string;
  readonly attribute: string;
  readonly with?: readonly (readonly [string, Record<string, unknown>])[];
  readonly base: Record<string, unknown>;
  readonly values: readonly unknown[];
  readonly accepted: readonly unknown[];
  readonly boot: RefusalBootExit;
  readonly message: string | null;
  readonly liveCreate: RefusalReply | null;
  readonly liveUpdate?: RefusalReply & { readonly name: string };
}

export const bootRefusals = (): { readonly router: string; readonly cases: readonly RefusalCase[] } => read('skrouterd-3.5.1-boot-refusals.json');

/** Counts of entities by type (`tcpConnector: 1000`). */
export type RecordedCounts = Readonly<Record<string, number>>;

/** One row of `skrouterd-3.5.1-boot-costs-by-type.json`: seconds, or a range when one was observed. */
export interface CostMeasurement {
  readonly path: 'bootFile' | 'management';
  readonly counts: RecordedCounts;
  readonly seconds?: number;
  readonly secondsMin?: number;
  readonly secondsMax?: number;
}

export const bootCostsByType = (): readonly CostMeasurement[] => read<{ measurements: CostMeasurement[] }>('skrouterd-3.5.1-boot-costs-by-type.json').measurements;

/** One point of `skrouterd-3.5.1-timing.json` (N tcpConnectors booted from the file). */
export interface TimingPoint {
  readonly entities: number;
  readonly boot_s: number;
  readonly create_ms: number;
  readonly query_all_rows_ms: number;
  readonly read_ms: number;
  readonly delete_ms: number;
  readonly log_update_ms: number;
}

export const timingProfile = (): readonly TimingPoint[] => read<{ points: TimingPoint[] }>('skrouterd-3.5.1-timing.json').points;

/** `skrouterd-3.5.1-listener-binds.json`: the lines and outcomes of a listener bind that fails, as templates. */
export interface ListenerBindFacts {
  readonly description: string;
  readonly amqp: { readonly error: string; readonly bound: string; readonly bootFileListener: { readonly line: string; readonly exitCode: number } };
  readonly tcp: { readonly error: string; readonly bound: string; readonly connectionMsg: string };
}

export const listenerBinds = (): ListenerBindFacts => read('skrouterd-3.5.1-listener-binds.json');

/** A template of `listenerBinds()` with its `{placeholders}` filled. */
export const fill = (template: string, values: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (values[key] === undefined ? whole : String(values[key])));
