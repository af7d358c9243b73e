/**
 * The sslProfile overlay of a pass: the material found under `SSL_PROFILE_PATH`, the ordinal
 * bookkeeping across passes, and the pure resolution (reconcilers/ssl-profiles.ts) that resolves
 * profile files, raises `ordinal` on rotation and holds back profiles whose files are missing
 * together with every entity that references them.
 */
import type { DesiredState } from '../../schemas/index.js';
import type { ActualState } from '../../reconcilers/plan-types.js';
import {
  nextOrdinals,
  profileHashes,
  resolveSslProfiles,
  routerOrdinals,
  type OrdinalBook,
  type SslProfileOptions,
  type SslResolution,
} from '../../reconcilers/ssl-profiles.js';
import type { SslProfileDirectory } from './ssl-profile-dir.js';

export class SslProfileOverlay {
  readonly #dir: SslProfileDirectory;
  readonly #options: SslProfileOptions;
  #book: OrdinalBook = new Map();

  constructor(dir: SslProfileDirectory, options: Omit<SslProfileOptions, 'profileDir'>) {
    this.#dir = dir;
    this.#options = { ...options, profileDir: dir.dir };
  }

  start(onChange: (reason: string) => void): Promise<void> {
    return this.#dir.start(onChange);
  }

  close(): Promise<void> {
    return this.#dir.close();
  }

  /**
   * Resolves `state` against the directory as it is now. `actual` (what the router reports)
   * lets the ordinals continue from the router's after a controller restart; the boot file is
   * resolved without it.
   */
  async resolve(state: DesiredState, actual?: ActualState): Promise<SslResolution> {
    const materials = await this.#dir.scan();
    this.#book = nextOrdinals(this.#book, profileHashes(state, materials, this.#options), actual ? routerOrdinals(actual) : new Map());
    return resolveSslProfiles(state, materials, this.#book, this.#options);
  }
}
