/**
 * What the supervisor knows about the router process, for `/status` and `/readyz`: whether it is
 * crash-looping, how it last ended, its own last stderr lines, which boot file it runs from, and
 * how often it was restarted and why.
 */

/** Which boot file the running (or next) router boots from. */
export type BootSource =
  /** the desired state minus what the router refused */
  | 'desired'
  /** the last boot file a router answered management from, after the desired one failed at boot */
  | 'last-bootable'
  /** only the router entity and the management listener: no boot file of this run has booted yet */
  | 'minimal';

export type RestartCause = 'crash' | 'restartOnly' | 'bootFailure';

export interface RouterExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: string;
  /** It exited before answering management: the boot file it started from did not boot. */
  readonly duringBoot: boolean;
  /** Its last stderr lines. */
  readonly stderr: readonly string[];
}

export interface RouterProcessHealth {
  readonly running: boolean;
  readonly pid?: number;
  /** The router answered management since its last start. */
  readonly booted: boolean;
  /** Exited unasked this many times in a row, without a stable run between: {@link CRASH_LOOP_EXITS} or more. */
  readonly crashLooping: boolean;
  readonly consecutiveExits: number;
  readonly lastExit?: RouterExit;
  /** The router's last stderr lines (at most {@link STDERR_TAIL_LINES}, each cut at {@link STDERR_LINE_CHARS}). */
  readonly stderrTail: readonly string[];
  readonly bootSource: BootSource;
  readonly restarts: Readonly<Record<RestartCause, number>>;
  /** A restart is scheduled: when (ISO time) and why. */
  readonly nextRestart?: { readonly at: string; readonly cause: RestartCause };
}

export const CRASH_LOOP_EXITS = 3;
export const STDERR_TAIL_LINES = 20;
export const STDERR_LINE_CHARS = 500;

/** A bounded tail of lines. */
export class LineTail {
  readonly #lines: string[] = [];
  readonly #max: number;
  readonly #width: number;

  constructor(max = STDERR_TAIL_LINES, width = STDERR_LINE_CHARS) {
    this.#max = max;
    this.#width = width;
  }

  push(line: string): void {
    if (line.trim() === '') return;
    this.#lines.push(line.length > this.#width ? `${line.slice(0, this.#width)}…` : line);
    if (this.#lines.length > this.#max) this.#lines.shift();
  }

  get lines(): readonly string[] {
    return [...this.#lines];
  }
}

/**
 * One line for `/readyz` when the router process is why the controller is not ready (crash loop,
 * not running), else undefined. A router running from a fallback boot file is ready: the loop
 * applies the rest live, and what the router refuses fails the pass, which `/readyz` reports.
 */
export function routerNotReadyReason(h: RouterProcessHealth): string | undefined {
  const last = h.lastExit;
  const how = last ? (last.signal !== null ? `signal ${last.signal}` : `code ${String(last.code)}`) : '';
  const said = last?.stderr.at(-1);
  if (h.crashLooping) return `router crash-looping: ${h.consecutiveExits} exits in a row, the last with ${how}${said !== undefined ? `: ${said}` : ''}`;
  if (!h.running) return `router not running${last ? ` (exited with ${how}${said !== undefined ? `: ${said}` : ''})` : ''}`;
  return undefined;
}
