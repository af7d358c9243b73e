/**
 * sslProfiles backed by the TLS directory (`SSL_PROFILE_PATH/<profile>/{ca.crt,tls.crt,tls.key}`):
 * which directory a desired profile uses, its files resolved to that directory, its `ordinal`
 * raised when the content changes, and what must be held back because files are missing. Pure:
 * the directory is read by `controller/tls`, which hands over {@link ProfileMaterials}.
 *
 * Binding: a desired sslProfile whose file attributes lie under the profile directory (or one
 * of `configRoots`, the path the Controller writes into PoT configs) uses the sub-directory they
 * name; one without any file attribute uses the directory of its own name, when there is one.
 * Anything else (e.g. `system-default` with the system CA bundle) passes through untouched.
 *
 * Held back: the router accepts a profile whose files are missing and fails later, when a
 * listener or connector loads it, and it refuses to boot from a file naming missing files. So a
 * bound profile whose material is missing is left out of the desired state, together with every
 * entity referencing it (directly or through another held-back entity). The caller also protects
 * their names for the pass, so that what the router already has is neither deleted nor changed
 * until the files are back.
 *
 * Ordinals: `0` is what the router assumes and does not report, so `ordinal` and
 * `oldestValidOrdinal` are only written when positive (otherwise a pass would never settle).
 */
import { posix } from 'node:path';
import type { DesiredEntity, DesiredState, EntityKind } from '../schemas/index.js';
import type { CanonicalAttributes } from './normalise.js';
import { OLDEST_VALID_ORDINALS } from '../schemas/settings.js';
import type { ActualState } from './plan-types.js';
import { referencesOf, refId } from './references.js';

/** The TLS files of one profile directory, or why they cannot be used. Paths are absolute. */
export type ProfileMaterial =
  | { readonly caCertFile: string; readonly certFile?: string; readonly privateKeyFile?: string; readonly hash: string }
  | { readonly missing: string };

/** Directory name → material, as discovered under the profile directory. */
export type ProfileMaterials = ReadonlyMap<string, ProfileMaterial>;

/** Per desired sslProfile: the content hash the ordinal belongs to. */
export interface OrdinalRecord {
  readonly hash: string;
  readonly ordinal: number;
}
export type OrdinalBook = ReadonlyMap<string, OrdinalRecord>;

/**
 * How far `oldestValidOrdinal` follows a rotation:
 * - `keep` (default): never raised; connections made with older certificates stay up;
 * - `previous`: ordinal − 1; connections two or more rotations old are closed;
 * - `current`: ordinal; every connection made with an older certificate is closed at once.
 */
export type OldestValidOrdinalPolicy = (typeof OLDEST_VALID_ORDINALS)[number];
export const OLDEST_VALID_ORDINAL_POLICIES: readonly OldestValidOrdinalPolicy[] = OLDEST_VALID_ORDINALS;

export interface SslProfileOptions {
  /** The profile directory (`SSL_PROFILE_PATH`), absolute. */
  readonly profileDir: string;
  /** Other roots config paths may use for the same tree. Default `['/etc/skupper-router-certs']`. */
  readonly configRoots?: readonly string[];
  /** Default `keep`. */
  readonly oldestValidOrdinal?: OldestValidOrdinalPolicy;
}

export interface HeldBackEntity {
  readonly kind: EntityKind;
  readonly name: string;
  /** The sslProfile whose files are missing (the root cause). */
  readonly profile: string;
  readonly reason: string;
}

export interface SslResolution {
  /** Desired state without held-back entities, directory-backed profiles resolved. */
  readonly state: DesiredState;
  readonly heldBack: readonly HeldBackEntity[];
  /** Names to protect for this pass (the held-back entities): the router keeps what it has. */
  readonly protectedNames: readonly string[];
}

const ROLES = [
  { attribute: 'caCertFile', file: 'ca.crt' },
  { attribute: 'certFile', file: 'tls.crt' },
  { attribute: 'privateKeyFile', file: 'tls.key' },
] as const;
type RoleAttribute = (typeof ROLES)[number]['attribute'];

/** Profile directory names: no separators, no `.`/`..`, no hidden names. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

export function isValidProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}

type Binding =
  | { readonly dir: string; readonly roles: readonly RoleAttribute[] | 'all' }
  | { readonly problem: string }
  | undefined;

function roots(options: SslProfileOptions): string[] {
  return [options.profileDir, ...(options.configRoots ?? ['/etc/skupper-router-certs'])].map((r) => posix.normalize(r).replace(/\/+$/, ''));
}

/** Which directory a desired sslProfile uses, if any. */
function bindingOf(entity: DesiredEntity, materials: ProfileMaterials, options: SslProfileOptions): Binding {
  const configured = ROLES.filter((r) => typeof entity.attributes[r.attribute] === 'string');
  if (configured.length === 0) return materials.has(entity.name) ? { dir: entity.name, roles: 'all' } : undefined;
  const dirs = new Set<string>();
  const roles: RoleAttribute[] = [];
  for (const role of configured) {
    const path = entity.attributes[role.attribute] as string;
    for (const root of roots(options)) {
      if (!path.startsWith(`${root}/`)) continue;
      const normal = posix.normalize(path);
      if (!normal.startsWith(`${root}/`)) return { problem: `${role.attribute} "${path}" leaves ${root}` };
      const dir = normal.slice(root.length + 1).split('/')[0] ?? '';
      dirs.add(dir);
      roles.push(role.attribute);
      break;
    }
  }
  if (dirs.size === 0) return undefined;
  if (dirs.size > 1) return { problem: `its files come from several profile directories (${[...dirs].join(', ')})` };
  const [dir] = dirs;
  return { dir: dir ?? '', roles };
}

/** Content hash per desired sslProfile bound to a directory with usable material. */
export function profileHashes(state: DesiredState, materials: ProfileMaterials, options: SslProfileOptions): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const entity of state.entities) {
    if (entity.kind !== 'sslProfile') continue;
    const binding = bindingOf(entity, materials, options);
    const material = binding && 'dir' in binding ? materials.get(binding.dir) : undefined;
    if (material && 'hash' in material) hashes.set(entity.name, material.hash);
  }
  return hashes;
}

/** The ordinal the router holds per sslProfile name (absent means 0). */
export function routerOrdinals(actual: ActualState): Map<string, number> {
  const ordinals = new Map<string, number>();
  for (const row of actual.sslProfile ?? []) {
    const value = typeof row['ordinal'] === 'string' ? Number(row['ordinal']) : row['ordinal'];
    if (typeof row['name'] === 'string' && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ordinals.set(row['name'], value);
  }
  return ordinals;
}

/**
 * Next ordinal per profile: one more than before (or than the router's, whichever is higher) when
 * the hash changed; otherwise never lower than the router's, so that after a controller restart
 * the count continues from what the router holds. Profiles absent from `current` keep their
 * record, so material that disappears and comes back changed still counts as a change.
 */
export function nextOrdinals(previous: OrdinalBook, current: ReadonlyMap<string, string>, router: ReadonlyMap<string, number>): Map<string, OrdinalRecord> {
  const next = new Map(previous);
  for (const [name, hash] of current) {
    const before = previous.get(name);
    const onRouter = router.get(name) ?? 0;
    if (before === undefined) next.set(name, { hash, ordinal: onRouter });
    else if (before.hash !== hash) next.set(name, { hash, ordinal: Math.max(before.ordinal, onRouter) + 1 });
    else if (onRouter > before.ordinal) next.set(name, { hash, ordinal: onRouter });
  }
  return next;
}

function describeMissing(binding: Binding, materials: ProfileMaterials, options: SslProfileOptions): string | undefined {
  if (binding === undefined) return undefined;
  if ('problem' in binding) return binding.problem;
  const where = posix.join(options.profileDir, binding.dir);
  const material = isValidProfileName(binding.dir) ? materials.get(binding.dir) : undefined;
  if (material === undefined) return `${where} does not exist`;
  if ('missing' in material) return material.missing;
  if (binding.roles === 'all') return undefined;
  for (const role of ROLES) {
    if (binding.roles.includes(role.attribute) && material[role.attribute] === undefined) return `${where} has no ${role.file} (${role.attribute})`;
  }
  return undefined;
}

function resolvedProfile(entity: DesiredEntity, binding: Binding, materials: ProfileMaterials, ordinals: OrdinalBook, options: SslProfileOptions): DesiredEntity {
  if (binding === undefined || 'problem' in binding) return entity;
  const material = materials.get(binding.dir);
  if (material === undefined || 'missing' in material) return entity;
  const attributes: Record<string, DesiredEntity['attributes'][string]> = { ...entity.attributes };
  for (const role of ROLES) {
    const path = material[role.attribute];
    if (path !== undefined && (binding.roles === 'all' || binding.roles.includes(role.attribute))) attributes[role.attribute] = path;
  }
  const configuredOrdinal = typeof entity.attributes['ordinal'] === 'number' ? entity.attributes['ordinal'] : 0;
  const ordinal = Math.max(configuredOrdinal, ordinals.get(entity.name)?.ordinal ?? 0);
  if (ordinal > 0) attributes['ordinal'] = ordinal;
  const policy = options.oldestValidOrdinal ?? 'keep';
  const configuredOldest = typeof entity.attributes['oldestValidOrdinal'] === 'number' ? entity.attributes['oldestValidOrdinal'] : 0;
  const oldest = Math.min(ordinal, Math.max(configuredOldest, policy === 'current' ? ordinal : policy === 'previous' ? ordinal - 1 : 0));
  if (oldest > 0) attributes['oldestValidOrdinal'] = oldest;
  return { ...entity, attributes };
}

export function resolveSslProfiles(
  state: DesiredState,
  materials: ProfileMaterials,
  ordinals: OrdinalBook,
  options: SslProfileOptions,
): SslResolution {
  const held = new Map<string, HeldBackEntity>();
  const resolved = new Map<DesiredEntity, DesiredEntity>();
  for (const entity of state.entities) {
    if (entity.kind !== 'sslProfile') continue;
    const binding = bindingOf(entity, materials, options);
    const missing = describeMissing(binding, materials, options);
    if (missing !== undefined) {
      held.set(refId(entity), { kind: entity.kind, name: entity.name, profile: entity.name, reason: `sslProfile '${entity.name}': ${missing}` });
    } else {
      resolved.set(entity, resolvedProfile(entity, binding, materials, ordinals, options));
    }
  }
  // Follow references until nothing more is held back (listenerAddress → tcpListener → sslProfile).
  for (let grew = held.size > 0; grew; ) {
    grew = false;
    for (const entity of state.entities) {
      if (held.has(refId(entity))) continue;
      const cause = referencesOf(entity.kind, entity.attributes as CanonicalAttributes)
        .map((ref) => held.get(refId(ref)))
        .find((h) => h !== undefined);
      if (cause === undefined) continue;
      held.set(refId(entity), {
        kind: entity.kind,
        name: entity.name,
        profile: cause.profile,
        reason: `references ${cause.kind} '${cause.name}', which is held back (${cause.kind === 'sslProfile' ? cause.reason.replace(/^sslProfile '[^']*': /, '') : cause.reason})`,
      });
      grew = true;
    }
  }
  const entities = state.entities.filter((e) => !held.has(refId(e))).map((e) => resolved.get(e) ?? e);
  const heldBack = [...held.values()];
  return { state: { ...state, entities }, heldBack, protectedNames: [...new Set(heldBack.map((h) => h.name))] };
}

/** Content hashes of usable material, by directory (for change detection). */
export function materialSignature(materials: ProfileMaterials): string {
  return [...materials.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, m]) => `${name}=${'hash' in m ? m.hash : `missing:${m.missing}`}`)
    .join('\n');
}
