/**
 * Turns a random list of entities into a configuration the validator would accept: one entity per
 * name in each namespace, one vhost per hostname and address per prefix or pattern, references only
 * to entities of the same configuration, a tcpListener with exactly one of address and strategy,
 * listenerAddresses only on multi-address listeners. Entities come out in canonical order.
 */
import { ENTITY_FACTS, ENTITY_KINDS, type AttributeValue, type DesiredEntity } from '../../schemas/index.js';
import { text } from './router-values.js';

const order = (e: DesiredEntity) => ENTITY_KINDS.indexOf(e.kind);

export function sanitise(entities: readonly DesiredEntity[]): DesiredEntity[] {
  const sorted = [...entities].sort((a, b) => order(a) - order(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const taken = new Set<string>();
  const accepted = new Map<string, Record<string, AttributeValue>>();
  const out: DesiredEntity[] = [];
  for (const e of sorted) {
    const facts = ENTITY_FACTS[e.kind];
    const nameKey = `${facts.agent === 'c' ? 'c' : 'python'}:${e.name}`;
    if (taken.has(nameKey)) continue;
    const attributes: Record<string, AttributeValue> = { ...e.attributes };
    let valid = true;
    for (const [name, attr] of Object.entries(facts.attributes)) {
      const target = attributes[name];
      if (!attr.references || target === undefined) continue;
      if (accepted.has(`${attr.references}/${text(target)}`)) continue;
      if (attr.required) valid = false;
      delete attributes[name];
    }
    if (e.kind === 'tcpListener') {
      if ((attributes['multiAddressStrategy'] ?? 'none') !== 'none') delete attributes['address'];
      else attributes['address'] ??= 'svc-a';
    }
    if (e.kind === 'listenerAddress') {
      const listener = accepted.get(`tcpListener/${text(attributes['listener'])}`);
      valid &&= (listener?.['multiAddressStrategy'] ?? 'none') !== 'none';
    }
    if (e.kind === 'address') {
      if (attributes['prefix'] !== undefined) delete attributes['pattern'];
      else if (attributes['pattern'] === undefined) attributes['prefix'] = e.name;
    }
    const uniques = [
      ...(e.kind === 'vhost' ? [`vhost:${text(attributes['hostname'])}`] : []),
      ...(e.kind === 'address'
        ? [attributes['prefix'] === undefined ? `pattern:${text(attributes['pattern'])}` : `prefix:${text(attributes['prefix'])}`]
        : []),
    ];
    if (!valid || uniques.some((u) => taken.has(u))) continue;
    for (const key of [nameKey, ...uniques]) taken.add(key);
    accepted.set(`${e.kind}/${e.name}`, attributes);
    out.push({ kind: e.kind, name: e.name, attributes });
  }
  return out;
}
