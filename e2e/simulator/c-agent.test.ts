/** The simulated C core agent: its own tables and namespaces, count/offset, 403s and silences. */
import { describe, expect, it } from 'vitest';
import { ROUTER_VERSION } from './c-rows.js';
import { T, testRouter } from './test-support/router.js';

const ADDRESS = T('router.config.address');
const AUTO_LINK = T('router.config.autoLink');

describe('router.config.address and router.config.autoLink', () => {
  it('creates with C semantics: unknown attributes ignored, prefix shown without /#, priority -1 when unset', () => {
    const r = testRouter();
    const created = r.must({ operation: 'CREATE', type: ADDRESS, name: 'a' }, { prefix: '/queue.', waypoint: true, distribution: 'unavailable' });
    expect(created.statusCode).toBe(201);
    expect(created.body).toMatchObject({ name: 'a', type: ADDRESS, prefix: 'queue', pattern: null, distribution: null, priority: -1 });
    expect(typeof (created.body as { identity: unknown }).identity).toBe('string');
  });

  it('answers errors with the C texts and a null body', () => {
    const r = testRouter();
    r.must({ operation: 'CREATE', type: ADDRESS, name: 'a' }, { prefix: 'q' });
    expect(r.must({ operation: 'CREATE', type: ADDRESS, name: 'a' }, { prefix: 'z' })).toEqual({
      statusCode: 400, statusDescription: 'Name conflicts with an existing entity', body: null,
    });
    expect(r.must({ operation: 'CREATE', type: ADDRESS, name: 'b' }, { pattern: 'q/#' }).statusDescription).toBe('Already exists');
    expect(r.must({ operation: 'CREATE', type: ADDRESS, name: 'c' }, {}).statusDescription).toBe("Either a 'prefix' or 'pattern' attribute must be provided");
    expect(r.must({ operation: 'CREATE', type: ADDRESS, name: 'd' }, { prefix: 'x', priority: 10 }).statusDescription).toBe(
      'Priority value, if present, must be between 0 and QDR_MAX_PRIORITY',
    );
    expect(r.must({ operation: 'CREATE', type: AUTO_LINK, name: 'l' }, { address: 'x' }).statusDescription).toBe('address and direction fields are mandatory');
    expect(r.must({ operation: 'CREATE', type: AUTO_LINK, name: 'l' }, { address: 'x', direction: 'sideways' }).statusDescription).toBe(
      "Invalid value for 'direction'",
    );
  });

  it('reads by identity first, deletes, and answers 404 "Not Found" with an empty map', () => {
    const r = testRouter();
    const identity = (r.must({ operation: 'CREATE', type: AUTO_LINK, name: 'l' }, { address: 'x', direction: 'in' }).body as { identity: string }).identity;
    expect(r.must({ operation: 'READ', type: AUTO_LINK, identity, name: 'whatever' }).body).toMatchObject({ name: 'l', operStatus: 'inactive' });
    expect(r.must({ operation: 'DELETE', type: AUTO_LINK, name: 'l' })).toEqual({ statusCode: 204, statusDescription: 'No Content', body: {} });
    expect(r.must({ operation: 'DELETE', type: AUTO_LINK, name: 'l' })).toEqual({ statusCode: 404, statusDescription: 'Not Found', body: {} });
    expect(r.must({ operation: 'READ', type: AUTO_LINK })).toMatchObject({ statusCode: 400, statusDescription: 'No name or identity provided' });
  });

  it('QUERY honours count and offset and turns an unknown column into column 0', () => {
    const r = testRouter();
    for (const p of ['a', 'b', 'c']) r.must({ operation: 'CREATE', type: ADDRESS, name: p }, { prefix: p });
    const page = r.must({ operation: 'QUERY', entityType: ADDRESS, count: 1, offset: 1 }, { attributeNames: ['prefix', 'frob'] });
    expect(page.body).toEqual({ attributeNames: ['prefix', 'name'], results: [['b', 'b']] });
  });

  it('is reached only with the long name and the exact upper-case operation', () => {
    const r = testRouter();
    r.must({ operation: 'CREATE', type: ADDRESS, name: 'a' }, { prefix: 'q' });
    expect(r.must({ operation: 'READ', type: 'router.config.address', name: 'a' }).statusCode).toBe(404);
    expect(r.must({ operation: 'query', entityType: ADDRESS }, {}).body).toMatchObject({ results: [] });
  });
});

describe('operational C types', () => {
  it('routerMetrics answers QUERY with the router id and an uptime from the router clock, its version one column late; READ is 403', () => {
    const r = testRouter();
    r.advance(42_000);
    const q = r.must({ operation: 'QUERY', entityType: T('routerMetrics') }, { attributeNames: ['id', 'version', 'uptimeSeconds'] });
    expect(q.body).toEqual({ attributeNames: ['id', 'version', 'uptimeSeconds'], results: [['r1', null, 42]] });
    const all = r.must({ operation: 'QUERY', entityType: T('routerMetrics') }, { attributeNames: [] }).body as { attributeNames: string[]; results: unknown[][] };
    expect(all.attributeNames).toHaveLength(32);
    expect(all.attributeNames.slice(-2)).toEqual(['version', '']);
    expect(all.results[0]?.slice(-2)).toEqual([null, ROUTER_VERSION]);
    expect(r.must({ operation: 'READ', type: T('routerMetrics'), identity: '1' })).toMatchObject({ statusCode: 403, statusDescription: 'Forbidden' });
    expect(r.must({ operation: 'DELETE', type: T('connection'), identity: '1' }).statusCode).toBe(403);
  });

  it('never answers the requests 3.5.1 drops', () => {
    const r = testRouter();
    expect(r.call({ operation: 'READ', type: T('router.link'), identity: '1' })).toBe('no-reply');
    expect(r.call({ operation: 'CREATE', type: T('connection'), name: 'c' })).toBe('no-reply');
    expect(r.call({ operation: 'CREATE', type: T('router.address'), name: 'a' })).toBe('no-reply');
    expect(r.call({ operation: 'UPDATE', type: ADDRESS, name: 'a' })).toBe('no-reply');
    expect(r.call({ operation: 'UPDATE', type: AUTO_LINK, name: 'a' })).toBe('no-reply');
    expect(r.call({ operation: 'UPDATE', type: T('router.address'), name: 'a' })).toBe('no-reply');
    expect(r.call({ operation: 'DELETE', type: T('router.address'), name: 'a' })).toBe('no-reply');
  });
});
