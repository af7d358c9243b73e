/**
 * Writes the boot file from what the controller knows, so that it only ever holds a bootable
 * state: the last good desired state (else what the file holds if valid, else nothing), with
 * sslProfiles resolved and the entities whose TLS material is missing left out (the router refuses
 * to boot from a file that names missing certificates), and without what the router refused live
 * and what names it (`reconcilers/boot-exclusions.ts`: the router exits at boot on those values).
 * Writes run one after the other, so the last one asked is the one on disk.
 */
import { loadConfig } from '../../schemas/config/index.js';
import type { DesiredEntity, DesiredState } from '../../schemas/index.js';
import { bootableState, describeExclusions } from '../../reconcilers/boot-exclusions.js';
import { CONFIG_LIMIT_SETTINGS, configLoadOptions, type ConfigLimits } from '../config-limits.js';
import { readBoundedText } from '../fs/read-bounded.js';
import type { Log } from '../log.js';
import { writeBootFile } from './boot-file.js';

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
}

const keyOf = (refused: ReadonlySet<string>): string => [...refused].sort().join('\n');

export class BootWriter {
  readonly #o: BootWriterOptions;
  #chain: Promise<void> = Promise.resolve();
  /** The refused keys the file was last written without. */
  #written = '';

  constructor(options: BootWriterOptions) {
    this.#o = options;
  }

  /** What the router refused changed since the last write: the file may hold a refused entity. */
  get stale(): boolean {
    return keyOf(this.#o.refused()) !== this.#written;
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
    const state = this.#o.desired() ?? (await readValidFile(file, limits)) ?? { entities: [] };
    const resolved = await this.#o.resolve(state);
    const refused = this.#o.refused();
    const bootable = bootableState(resolved.state, refused);
    if (bootable.excluded.length > 0) this.#o.log.warn('left out of the boot file: the router refused them', { excluded: describeExclusions(bootable.excluded) });
    await writeBootFile(file, bootable.state, channel);
    this.#written = keyOf(refused);
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
