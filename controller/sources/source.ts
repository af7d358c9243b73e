/** Where the desired state comes from: a watched file (kubernetes) or the Edgelet (pot). */
import type { SourceHealth } from './health.js';

export type { SourceHealth } from './health.js';

export interface SourceSnapshot {
  /** The desired configuration as text (a skrouterd array file or a PoT config object). */
  readonly text: string;
  /** Name used in error messages (a path, or a URL for the Edgelet). */
  readonly file: string;
  /** Content hash: equal revisions mean equal input. */
  readonly revision: string;
  /** Set when the input was read but cannot be used as text (e.g. not UTF-8): it is rejected like invalid input. */
  readonly unusable?: string;
}

export interface DesiredSource {
  /** Reads the whole desired input now. Throws when it cannot be read (retried with backoff). */
  read(): Promise<SourceSnapshot>;
  /** Starts watching; `onChange` only asks for a pass. */
  start(onChange: (reason: string) => void): Promise<void>;
  close(): Promise<void>;
  describe(): { kind: string; location: string };
  /**
   * How its reads are going, its watcher's included (see {@link SourceHealth}). Optional: for a
   * source without it the loop reports the outcomes of its own reads.
   */
  health?(): SourceHealth;
}
