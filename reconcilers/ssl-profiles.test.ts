import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../schemas/config/index.js';
import type { DesiredEntity, DesiredState } from '../schemas/index.js';
import { plan } from './plan.js';
import { reportedState } from './reported-state.js';
import {
  nextOrdinals,
  OLDEST_VALID_ORDINAL_POLICIES,
  profileHashes,
  resolveSslProfiles,
  routerOrdinals,
  type OldestValidOrdinalPolicy,
  type OrdinalRecord,
  type ProfileMaterial,
  type SslProfileOptions,
} from './ssl-profiles.js';

const DIR = '/certs';
const OPTIONS: SslProfileOptions = { profileDir: DIR };
const CONF = '/etc/skupper-router-certs';

const present = (name: string, hash = `h-${name}`, withCert = true): ProfileMaterial => ({
  caCertFile: `${DIR}/${name}/ca.crt`,
  ...(withCert ? { certFile: `${DIR}/${name}/tls.crt`, privateKeyFile: `${DIR}/${name}/tls.key` } : {}),
  hash,
});

/** A PoT config like the Controller's: two directory profiles, the system bundle, users of each. */
function potState(): DesiredState {
  const files = (p: string) => ({ caCertFile: `${CONF}/${p}/ca.crt`, certFile: `${CONF}/${p}/tls.crt`, privateKeyFile: `${CONF}/${p}/tls.key` });
  const text = JSON.stringify({
    metadata: { id: 'r1', mode: 'interior' },
    sslProfiles: {
      'system-default': { name: 'system-default', caCertFile: '/etc/pki/tls/certs/ca-bundle.crt' },
      site: { name: 'site', ...files('site') },
      local: { name: 'local', ...files('local') },
    },
    listeners: {
      amqps: { name: 'amqps', port: 5671, sslProfile: 'local', authenticatePeer: true, saslMechanisms: 'EXTERNAL' },
      'inter-router': { name: 'inter-router', port: 55671, role: 'inter-router', sslProfile: 'site' },
      amqp: { name: 'amqp', port: 5672 },
    },
    connectors: { up: { name: 'up', host: 'h', port: '45671', role: 'edge', sslProfile: 'site' } },
    bridges: {
      tcpListeners: { 'web-listener': { name: 'web-listener', port: '30001', address: 'web', sslProfile: 'local' } },
      tcpConnectors: { 'db-connector': { name: 'db-connector', host: 'db', port: '5432', address: 'db', sslProfile: 'system-default' } },
    },
  });
  return loadConfigOrThrow(text, { file: 'pot.json' }).state;
}

const find = (state: DesiredState, kind: string, name: string): DesiredEntity | undefined =>
  state.entities.find((e) => e.kind === kind && e.name === name);

describe('resolveSslProfiles', () => {
  it('points directory profiles at the discovered files and leaves others alone', () => {
    const materials = new Map([['site', present('site')], ['local', present('local')]]);
    const { state, heldBack } = resolveSslProfiles(potState(), materials, new Map(), OPTIONS);
    expect(heldBack).toEqual([]);
    expect(find(state, 'sslProfile', 'site')?.attributes).toEqual({
      caCertFile: '/certs/site/ca.crt',
      certFile: '/certs/site/tls.crt',
      privateKeyFile: '/certs/site/tls.key',
    });
    expect(find(state, 'sslProfile', 'system-default')?.attributes).toEqual({ caCertFile: '/etc/pki/tls/certs/ca-bundle.crt' });
    expect(state.entities).toHaveLength(potState().entities.length);
  });

  it('holds back a profile with missing files and everything that references it, with reasons', () => {
    const materials = new Map<string, ProfileMaterial>([['site', { missing: '/certs/site/ca.crt is missing' }], ['local', present('local')]]);
    const result = resolveSslProfiles(potState(), materials, new Map(), OPTIONS);
    expect(result.heldBack).toEqual([
      { kind: 'sslProfile', name: 'site', profile: 'site', reason: "sslProfile 'site': /certs/site/ca.crt is missing" },
      { kind: 'listener', name: 'inter-router', profile: 'site', reason: "references sslProfile 'site', which is held back (/certs/site/ca.crt is missing)" },
      { kind: 'connector', name: 'up', profile: 'site', reason: "references sslProfile 'site', which is held back (/certs/site/ca.crt is missing)" },
    ]);
    expect(result.protectedNames).toEqual(['site', 'inter-router', 'up']);
    expect(find(result.state, 'listener', 'amqps')).toBeDefined();
    expect(find(result.state, 'connector', 'up')).toBeUndefined();
  });

  it('holds back a profile whose directory does not exist, and a role the directory lacks', () => {
    const materials = new Map([['local', present('local', 'h', false)]]);
    const { heldBack } = resolveSslProfiles(potState(), materials, new Map(), OPTIONS);
    const reasons = Object.fromEntries(heldBack.filter((h) => h.kind === 'sslProfile').map((h) => [h.name, h.reason]));
    expect(reasons).toEqual({
      site: "sslProfile 'site': /certs/site does not exist",
      local: "sslProfile 'local': /certs/local has no tls.crt (certFile)",
    });
    expect(heldBack.map((h) => h.name)).toContain('web-listener');
  });

  it('follows references through held-back entities (listenerAddress → tcpListener → sslProfile)', () => {
    const text = JSON.stringify([
      ['router', { id: 'r', mode: 'interior' }],
      ['sslProfile', { name: 'p', caCertFile: `${DIR}/p/ca.crt` }],
      ['tcpListener', { name: 'tl', port: '9000', multiAddressStrategy: 'priority', sslProfile: 'p' }],
      ['listenerAddress', { name: 'la', listener: 'tl', address: 'b', value: 1 }],
    ]);
    const state = loadConfigOrThrow(text, { file: 'x.json' }).state;
    const result = resolveSslProfiles(state, new Map(), new Map(), OPTIONS);
    expect(result.heldBack.map((h) => `${h.kind}/${h.name}`)).toEqual(['sslProfile/p', 'tcpListener/tl', 'listenerAddress/la']);
    expect(result.heldBack[2]?.reason).toMatch(/^references tcpListener 'tl', which is held back \(references sslProfile 'p'/);
  });

  it('resolves a profile named without files from the directory of its name', () => {
    const state: DesiredState = { entities: [{ kind: 'sslProfile', name: 'p', attributes: {} }] };
    const { state: out } = resolveSslProfiles(state, new Map([['p', present('p')]]), new Map(), OPTIONS);
    expect(out.entities[0]?.attributes).toEqual({ caCertFile: '/certs/p/ca.crt', certFile: '/certs/p/tls.crt', privateKeyFile: '/certs/p/tls.key' });
  });

  it('refuses config paths that climb out of the profile directory', () => {
    const state: DesiredState = { entities: [{ kind: 'sslProfile', name: 'p', attributes: { caCertFile: `${DIR}/p/../../etc/shadow` } }] };
    const { heldBack } = resolveSslProfiles(state, new Map([['p', present('p')]]), new Map(), OPTIONS);
    expect(heldBack[0]?.reason).toBe(`sslProfile 'p': caCertFile "${DIR}/p/../../etc/shadow" leaves ${DIR}`);
  });

  it('sets ordinals only when positive, and oldestValidOrdinal per policy', () => {
    const state = potState();
    const materials = new Map([['site', present('site')], ['local', present('local')]]);
    const book = new Map<string, OrdinalRecord>([['site', { hash: 'x', ordinal: 3 }], ['local', { hash: 'y', ordinal: 0 }]]);
    const attrs = (policy: OldestValidOrdinalPolicy) => {
      const out = resolveSslProfiles(state, materials, book, { ...OPTIONS, oldestValidOrdinal: policy }).state;
      return [find(out, 'sslProfile', 'site')?.attributes, find(out, 'sslProfile', 'local')?.attributes];
    };
    const [keepSite, keepLocal] = attrs('keep');
    expect(keepSite).toMatchObject({ ordinal: 3 });
    expect(keepSite).not.toHaveProperty('oldestValidOrdinal');
    expect(keepLocal).not.toHaveProperty('ordinal');
    expect(attrs('previous')[0]).toMatchObject({ ordinal: 3, oldestValidOrdinal: 2 });
    expect(attrs('current')[0]).toMatchObject({ ordinal: 3, oldestValidOrdinal: 3 });
  });

  it('plans one UPDATE of the rotated profile only, and nothing once the router has it', () => {
    const desired = potState();
    const materials = new Map([['site', present('site')], ['local', present('local')]]);
    let book = nextOrdinals(new Map(), profileHashes(desired, materials, OPTIONS), new Map());
    const before = resolveSslProfiles(desired, materials, book, OPTIONS).state;
    const actual = reportedState(before);
    expect(plan(before, actual).operations).toEqual([]);
    const rotated = new Map([...materials, ['site', present('site', 'h-site-2')]]);
    book = nextOrdinals(book, profileHashes(desired, rotated, OPTIONS), routerOrdinals(actual));
    const after = resolveSslProfiles(desired, rotated, book, OPTIONS).state;
    const ops = plan(after, actual).operations;
    expect(ops.map((o) => `${o.op} ${o.kind}/${o.name}`)).toEqual(['update sslProfile/site']);
    expect(ops[0]?.attributes).toEqual({ ordinal: 1 });
    expect(plan(after, reportedState(after)).operations).toEqual([]);
  });
});

describe('nextOrdinals', () => {
  it('bumps only the profile whose hash changed', () => {
    const previous = new Map([['a', { hash: '1', ordinal: 2 }], ['b', { hash: '1', ordinal: 5 }]]);
    const next = nextOrdinals(previous, new Map([['a', '2'], ['b', '1']]), new Map());
    expect(Object.fromEntries(next)).toEqual({ a: { hash: '2', ordinal: 3 }, b: { hash: '1', ordinal: 5 } });
  });

  it('continues from the router after a controller restart', () => {
    const first = nextOrdinals(new Map(), new Map([['a', '1'], ['new', '1']]), new Map([['a', 7]]));
    expect(Object.fromEntries(first)).toEqual({ a: { hash: '1', ordinal: 7 }, new: { hash: '1', ordinal: 0 } });
    expect(nextOrdinals(first, new Map([['a', '2']]), new Map([['a', 7]])).get('a')).toEqual({ hash: '2', ordinal: 8 });
  });

  it('remembers a profile that went missing, so it counts as changed when it comes back different', () => {
    const book = nextOrdinals(new Map([['a', { hash: '1', ordinal: 1 }]]), new Map(), new Map());
    expect(nextOrdinals(book, new Map([['a', '2']]), new Map()).get('a')?.ordinal).toBe(2);
  });

  const name = fc.constantFrom<string>('a', 'b', 'c', 'd');
  const hashes = fc.array(fc.tuple(name, fc.constantFrom('h1', 'h2', 'h3')), { maxLength: 4 }).map((e) => new Map(e));
  const router = fc.array(fc.tuple(name, fc.nat(20)), { maxLength: 4 }).map((e) => new Map(e));

  it('never lowers an ordinal, bumps exactly on a change, and is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(hashes, router), { minLength: 1, maxLength: 8 }), (steps) => {
        let book = new Map<string, OrdinalRecord>();
        for (const [current, onRouter] of steps) {
          const next = nextOrdinals(book, current, onRouter);
          for (const [key, record] of next) {
            const before = book.get(key);
            if (before !== undefined) expect(record.ordinal).toBeGreaterThanOrEqual(before.ordinal);
            expect(record.ordinal).toBeGreaterThanOrEqual(current.has(key) ? (onRouter.get(key) ?? 0) : 0);
            if (before !== undefined && current.has(key)) {
              const floor = Math.max(before.ordinal, onRouter.get(key) ?? 0);
              expect(record.ordinal).toBe(before.hash !== current.get(key) ? floor + 1 : floor);
            }
          }
          for (const key of book.keys()) expect(next.has(key)).toBe(true);
          expect(nextOrdinals(next, current, onRouter)).toEqual(next);
          book = next;
        }
      }),
      { seed: 20260601, numRuns: 300 },
    );
  });
});

describe('resolveSslProfiles (property)', () => {
  /** Per profile: no directory, unusable, CA only, or CA with a certificate and key. */
  const material = fc.constantFrom('absent', 'missing', 'ca-only', 'full');

  it('never leaves an entity that references a held-back one, and keeps ordinals valid', () => {
    fc.assert(
      fc.property(fc.tuple(material, material), fc.tuple(fc.nat(5), fc.nat(5)), fc.constantFrom(...OLDEST_VALID_ORDINAL_POLICIES), (m, ords, policy) => {
        const materials = new Map<string, ProfileMaterial>();
        (['site', 'local'] as const).forEach((p, i) => {
          const kind = m[i];
          if (kind === 'missing') materials.set(p, { missing: 'gone' });
          else if (kind !== 'absent') materials.set(p, present(p, `h${i}`, kind === 'full'));
        });
        const book = new Map([['site', { hash: 'h0', ordinal: ords[0] }], ['local', { hash: 'h1', ordinal: ords[1] }]]);
        const input = potState();
        const { state, heldBack, protectedNames } = resolveSslProfiles(input, materials, book, { ...OPTIONS, oldestValidOrdinal: policy });
        const kept = new Set(state.entities.map((e) => `${e.kind}/${e.name}`));
        expect(kept.size + heldBack.length).toBe(input.entities.length);
        for (const h of heldBack) expect(kept.has(`${h.kind}/${h.name}`)).toBe(false);
        expect(protectedNames).toEqual([...new Set(heldBack.map((h) => h.name))]);
        for (const e of state.entities) {
          const ref = e.attributes['sslProfile'];
          if (typeof ref === 'string') expect(kept.has(`sslProfile/${ref}`)).toBe(true);
          if (e.kind === 'sslProfile') {
            const ordinal = e.attributes['ordinal'] ?? 0;
            const oldest = e.attributes['oldestValidOrdinal'] ?? 0;
            expect(oldest).toBeLessThanOrEqual(ordinal as number);
            expect(ordinal === 0 || (ordinal as number) > 0).toBe(true);
          }
        }
      }),
      { seed: 424242, numRuns: 200 },
    );
  });
});
