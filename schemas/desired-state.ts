/**
 * The one model of what the router should look like, built from either input format
 * (skrouterd array file or PoT config object) and written back as a skrouterd array file.
 */
import type { EntityKind } from './entity.js';

/** Attribute values as written in the input (before normalisation to the router's form). */
export type AttributeValue = string | number | boolean | null | Record<string, unknown>;

export interface DesiredEntity {
  readonly kind: EntityKind;
  /**
   * The key the controller reconciles by. Inputs that leave it out get a stable derived name:
   * `log/<MODULE>` for logs, `<kind>` for singletons and site, `address/<prefix|pattern>` for
   * addresses, `autoLink/<address>/<direction>` for autoLinks.
   */
  readonly name: string;
  /** Configured attributes, without `name`. */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

export interface DesiredState {
  /** Entities in a canonical order: by kind (ENTITY_KINDS order), then by name. */
  readonly entities: readonly DesiredEntity[];
}
