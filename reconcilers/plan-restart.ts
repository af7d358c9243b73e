/**
 * Differences only a router restart can apply: the `router`, `site` and `policy` types and
 * `network.tenantId`. They are compared only on the attributes the desired entity sets after
 * defaults (so the id a router generates for itself, or a setting the desired state leaves to the
 * router, never asks for a restart). A missing desired `router`/`policy` is an empty one (the
 * router adds it empty at start-up, so its defaults apply); a missing desired `site` compares
 * nothing.
 */
import { ENTITY_FACTS, type DesiredState, type EntityKind } from '../schemas/index.js';
import { normaliseActual, normaliseDesired, withDefaults, type NormalisedEntity } from './normalise.js';
import { diffAttributes } from './plan-decide.js';
import type { ActualState, RestartChange } from './plan-types.js';

const SINGLETONS = ['router', 'network', 'policy'] as const satisfies readonly EntityKind[];

function restartAttributes(kind: EntityKind, desired: NormalisedEntity): string[] {
  const facts = ENTITY_FACTS[kind];
  const set = kind === 'network' ? desired.configured : desired.full;
  return Object.keys(set).filter((a) => facts.restartOnly || facts.attributes[a]?.restartOnly === true);
}

function changesOf(desired: NormalisedEntity, actual: NormalisedEntity | undefined): RestartChange[] {
  const { kind, name } = desired;
  const attributes = restartAttributes(kind, desired);
  const actualFull = actual?.full ?? {};
  const changes: RestartChange[] = diffAttributes(kind, desired.full, actualFull, attributes).map((c) => ({ kind, name, ...c }));
  if (!actual && changes.length === 0) changes.push({ kind, name, attribute: 'name', from: null, to: name });
  return changes;
}

function rows(actual: ActualState, kind: EntityKind): NormalisedEntity[] {
  return (actual[kind] ?? []).map((row) => normaliseActual(kind, row)).filter((n) => n !== undefined);
}

export function restartChanges(desired: DesiredState, actual: ActualState): RestartChange[] {
  const out: RestartChange[] = [];
  const wanted = (kind: EntityKind) => desired.entities.filter((e) => e.kind === kind).map(normaliseDesired);
  for (const kind of SINGLETONS) {
    const [row] = rows(actual, kind);
    if (!row) continue;
    const [d] = wanted(kind);
    const empty: NormalisedEntity = { kind, name: kind, key: kind, configured: {}, full: withDefaults(kind, {}) };
    out.push(...changesOf(d ?? empty, row));
  }
  if (actual.site !== undefined) {
    const sites = wanted('site');
    const reported = rows(actual, 'site');
    for (const d of sites) {
      const byName = reported.find((r) => r.name === d.name);
      const only = sites.length === 1 && reported.length === 1 ? reported[0] : undefined;
      const row = byName ?? only;
      out.push(...changesOf(d, row));
      // a site matched only because it is the one site: its name is part of its flow records
      if (!byName && row && d.name !== 'site') out.push({ kind: 'site', name: d.name, attribute: 'name', from: row.name, to: d.name });
    }
  }
  return out;
}
