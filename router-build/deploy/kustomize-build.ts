/**
 * The part of `kustomize build` these manifests use, for their tests (no kustomize binary here):
 * `resources` (files, or directories holding a kustomization.yaml) and `patches` with a `path` to
 * a JSON 6902 patch (a YAML list of operations) and a `target` (group, version, kind, name).
 * Anything else in a kustomization fails loudly, so a manifest never leans on a feature this
 * builder would silently skip. Patches are applied with fast-json-patch, which implements RFC
 * 6902 as kustomize does (`test` included).
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import yaml from 'js-yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: unknown };
  [key: string]: unknown;
}

interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
}

const KNOWN_KEYS = new Set(['apiVersion', 'kind', 'resources', 'patches']);

export class KustomizeError extends Error {
  readonly file: string;
  constructor(file: string, message: string, options?: ErrorOptions) {
    super(`${file}: ${message}`, options);
    this.file = file;
  }
}

function loadAll(file: string): unknown[] {
  return yaml.loadAll(readFileSync(file, 'utf8')).filter((d) => d !== null && d !== undefined);
}

function matches(object: K8sObject, target: Target): boolean {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  return (
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version) &&
    (target.kind === undefined || target.kind === object.kind) &&
    (target.name === undefined || target.name === object.metadata.name)
  );
}

/** The objects `kustomize build DIR` would print, in resource order. */
export function kustomizeBuild(dir: string): K8sObject[] {
  const file = join(dir, 'kustomization.yaml');
  const [k] = loadAll(file) as [Record<string, unknown> | undefined];
  if (k === undefined) throw new KustomizeError(file, 'empty');
  for (const key of Object.keys(k)) if (!KNOWN_KEYS.has(key)) throw new KustomizeError(file, `field "${key}" is not supported by this builder`);
  if (k['kind'] !== 'Kustomization') throw new KustomizeError(file, 'not a Kustomization');
  const objects: K8sObject[] = [];
  for (const resource of (k['resources'] ?? []) as string[]) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) objects.push(...kustomizeBuild(path));
    else objects.push(...(loadAll(path) as K8sObject[]));
  }
  for (const patch of (k['patches'] ?? []) as { path?: string; target?: Target; patch?: string }[]) {
    if (patch.path === undefined || patch.target === undefined) throw new KustomizeError(file, 'only patches with a path and a target are supported');
    const operations = loadAll(join(dirname(file), patch.path))[0] as Operation[];
    if (!Array.isArray(operations)) throw new KustomizeError(file, `${patch.path} is not a JSON 6902 patch (a list of operations)`);
    const targets = objects.filter((o) => matches(o, patch.target ?? {}));
    if (targets.length === 0) throw new KustomizeError(file, `patch ${patch.path} matches no resource`);
    for (const target of targets) {
      const index = objects.indexOf(target);
      try {
        objects[index] = fastJsonPatch.applyPatch(structuredClone(target), operations, true, false).newDocument;
      } catch (error) {
        throw new KustomizeError(file, `patch ${patch.path} does not apply to ${target.kind}/${target.metadata.name}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  return objects;
}
