/**
 * Writes the boot file from what the controller knows, so that it only ever holds a bootable
 * state: the last good desired state (else what the file holds if valid, else nothing), with
 * sslProfiles resolved and the entities whose TLS material is missing left out (the router refuses
 * to boot from a file that names missing certificates), and without what the router refused live
 * and what names it (`reconcilers/boot-exclusions.ts`: the router exits at boot on those values).
 * Of that bootable state, only what the router loads faster from a file than over management goes
 * into it (`reconcilers/boot-split.ts`); the first pass after boot creates the rest. The whole
 * bootable state is then kept beside it (`<boot>.complete`), for a start that knows no desired
 * state: that start boots everything from the file, since no pass would create the rest.
 * Writes run one after the other, so the last one asked is the one on disk.
 */
import { rm } from 'node:fs/promises';
import { loadConfig } from '../../schemas/config/index.js';
import type { DesiredEntity, DesiredState } from '../../schemas/index.js';
import { bootableState, describeExclusions, entityKey } from '../../reconcilers/boot-exclusions.js';
import { countByType } from '../../reconcilers/boot-cost.js';
import { splitBoot, type BootSplit, type BootSplitOptions } from '../../reconcilers/boot-split.js';
import { CONFIG_LIMIT_SETTINGS, configLoadOptions, type ConfigLimits } from '../config-limits.js';
import { readBoundedText } from '../fs/read-bounded.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { Log } from '../log.js';
import { bootConfig, writeBootFile } from './boot-file.js';

export interface BootWriterOptions {
  readonly file: string;
  readonly log: Log;
  /** Limits for reading a valid state back from the file when no desired state is known. */
  readonly limits: ConfigLimits;
  /** The last good desired state; undefined before the first valid input. */
  readonly desired: () => DesiredState | undefined;
  /** Keys (`kind/name`) the router refused in their current desired value (the loop's `refusedKeys()`). */
  readonly refused: () => ReadonlySet<string>;
  /** sslProfiles resolved against the profile directory, entities missing TLS material left out. */
  readonly resolve: (state: DesiredState) => Promise<{ readonly state: DesiredState }>;
  /**
   * The cold-start plan (`reconcilers/boot-split.ts`): its options, or `false` for everything in
   * the file. Default: the measured costs of skrouterd 3.5.1.
   */
  readonly split?: BootSplitOptions | false;
}

/** The whole bootable state, beside a boot file that leaves some of it to management. */
export const completeFile = (bootFile: string): string => `${bootFile}.complete`;

const keyOf = (refused: ReadonlySet<string>): string => [...refused].sort().join('\n');

export class BootWriter {
  readonly #o: BootWriterOptions;
  #chain: Promise<void> = Promise.resolve();
  /** The refused keys the file was last written without. */
  #written = '';
  /** The types the file was last written without, for logging a change of plan once. */
  #deferred = '';
  #afterBoot: ReadonlySet<string> = new Set();

  constructor(options: BootWriterOptions) {
    this.#o = options;
  }

  /** What the router refused changed since the last write: the file may hold a refused entity. */
  get stale(): boolean {
    return keyOf(this.#o.refused()) !== this.#written;
  }

  /**
   * Keys (`kind/name`) of the desired entities the last boot file written leaves for management:
   * a router booted from it lacks them until the first pass creates them (not drift, not refused).
   */
  get afterBootKeys(): ReadonlySet<string> {
    return this.#afterBoot;
  }

  /** Writes the boot file with the management channel's entities. */
  write(channel: readonly DesiredEntity[]): Promise<void> {
    const next = this.#chain.catch(() => undefined).then(() => this.#write(channel));
    this.#chain = next;
    return next;
  }

  /** The fallback when nothing of this run booted yet: the desired router entity and the management channel. */
  async writeMinimal(file: string, channel: readonly DesiredEntity[]): Promise<void> {
    const router = this.#o.desired()?.entities.filter((e) => e.kind === 'router') ?? [];
    await writeBootFile(file, { entities: router }, channel);
  }

  async #write(channel: readonly DesiredEntity[]): Promise<void> {
    const { file, limits } = this.#o;
    const desired = this.#o.desired();
    // Read back without reserved ports: the file holds the controller's own management listener.
    const readBack = { maxBytes: limits.maxBytes, maxEntities: limits.maxEntities };
    const state = desired ?? (await readValidFile(completeFile(file), readBack)) ?? (await readValidFile(file, readBack)) ?? { entities: [] };
    const resolved = await this.#o.resolve(state);
    const refused = this.#o.refused();
    const bootable = bootableState(resolved.state, refused);
    if (bootable.excluded.length > 0) this.#o.log.warn('left out of the boot file: the router refused them', { excluded: describeExclusions(bootable.excluded) });
    // Without a desired state no pass creates what the file leaves out: then everything goes in.
    const split = desired === undefined || this.#o.split === false ? undefined : splitBoot(bootable.state, this.#o.split);
    this.#logSplit(split);
    if (split && split.afterBoot.length > 0) {
      await writeFileAtomic(completeFile(file), bootConfig(bootable.state, []));
      await writeBootFile(file, split.boot, channel);
    } else {
      await writeBootFile(file, bootable.state, channel);
      await rm(completeFile(file), { force: true });
    }
    this.#written = keyOf(refused);
    this.#afterBoot = new Set(split?.afterBoot.map(entityKey) ?? []);
  }

  #logSplit(split: BootSplit | undefined): void {
    const deferred = split?.deferredKinds.join(',') ?? '';
    if (deferred === this.#deferred) return;
    this.#deferred = deferred;
    if (!split || split.afterBoot.length === 0) {
      this.#o.log.info('boot file holds the whole desired state');
      return;
    }
    const seconds = (s: number) => Math.round(s * 10) / 10;
    this.#o.log.info('left out of the boot file: created over management right after boot (faster on skrouterd 3.5.1)', {
      afterBoot: countByType(split.afterBoot),
      predictedSeconds: { split: seconds(split.predicted.seconds), allInFile: seconds(split.predicted.allInFile), allOverManagement: seconds(split.predicted.allOverManagement) },
    });
  }
}

async function readValidFile(file: string, limits: ConfigLimits): Promise<DesiredState | undefined> {
  try {
    const text = await readBoundedText(file, { maxBytes: limits.maxBytes, limitName: CONFIG_LIMIT_SETTINGS.maxBytes });
    const loaded = loadConfig(text, configLoadOptions(file, limits));
    return loaded.ok ? loaded.state : undefined;
  } catch {
    return undefined;
  }
}
