/**
 * Which file a router start boots from, so that one bad entity never keeps the router down:
 *
 * 1. the desired boot file (`<boot>`), unless that exact content already exited during boot;
 * 2. else `<boot>.last-good`: a copy of the last boot file a router of this controller answered
 *    management from (kept in `<boot>.booting` until then);
 * 3. else `<boot>.minimal`: the router entity and the management listener only, which the
 *    controller writes on demand; the loop then applies the rest over management, where a value
 *    the router cannot take is a refused entity and not an outage.
 *
 * The last-good copy names this run's management certificates, so a copy left by an earlier run
 * is removed at start and never used.
 */
import { createHash } from 'node:crypto';
import { copyFile, readFile, rename, rm } from 'node:fs/promises';
import type { BootSource } from './router-health.js';

/** Content hashes of desired boot files that exited during boot, kept at most this many. */
const MAX_FAILED = 32;

export interface BootChoice {
  readonly file: string;
  readonly source: BootSource;
  /** Hash of the desired boot file's content at this start. */
  readonly desiredHash: string;
}

export class BootFiles {
  readonly desired: string;
  readonly lastGood: string;
  readonly booting: string;
  readonly minimal: string;
  readonly #failed: string[] = [];
  #lastGoodUsable = false;

  constructor(bootFile: string) {
    this.desired = bootFile;
    this.lastGood = `${bootFile}.last-good`;
    this.booting = `${bootFile}.booting`;
    this.minimal = `${bootFile}.minimal`;
  }

  /** Every file a router of this controller may have been started with. */
  get all(): readonly string[] {
    return [this.desired, this.lastGood, this.minimal];
  }

  /** Removes copies an earlier run left (they name its management certificates). */
  async clearStale(): Promise<void> {
    this.#lastGoodUsable = false;
    await Promise.all([this.lastGood, this.booting, this.minimal].map((f) => rm(f, { force: true })));
  }

  /**
   * Picks the file for a start, after the desired boot file was written. `writeMinimal` writes the
   * minimal boot file to the path it is given.
   */
  async choose(writeMinimal: ((file: string) => Promise<void>) | undefined): Promise<BootChoice> {
    const desiredHash = createHash('sha256').update(await readFile(this.desired)).digest('hex');
    let choice: BootChoice = { file: this.desired, source: 'desired', desiredHash };
    if (this.#failed.includes(desiredHash)) {
      if (this.#lastGoodUsable) choice = { file: this.lastGood, source: 'last-bootable', desiredHash };
      else if (writeMinimal) {
        await writeMinimal(this.minimal);
        choice = { file: this.minimal, source: 'minimal', desiredHash };
      }
    }
    if (choice.source !== 'last-bootable') await copyFile(choice.file, this.booting);
    return choice;
  }

  /** The router answered management: what it booted from becomes the last good boot file. */
  async booted(choice: BootChoice): Promise<void> {
    if (choice.source === 'last-bootable') return;
    await rename(this.booting, this.lastGood);
    this.#lastGoodUsable = true;
  }

  /** The router exited during boot from `choice`: never boot that desired content again. */
  failedAtBoot(choice: BootChoice): void {
    if (choice.source !== 'desired' || this.#failed.includes(choice.desiredHash)) return;
    this.#failed.push(choice.desiredHash);
    if (this.#failed.length > MAX_FAILED) this.#failed.shift();
  }

  /** Whether the next start would boot something other than what just failed. */
  hasFallback(choice: BootChoice, canWriteMinimal: boolean): boolean {
    if (choice.source === 'desired') return this.#lastGoodUsable || canWriteMinimal;
    return false;
  }
}
