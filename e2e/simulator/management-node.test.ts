/** QUERY and the GET-* operations of the simulated management node. */
import { describe, expect, it } from 'vitest';
import { T, testRouter } from './test-support/router.js';

describe('QUERY (Python agent)', () => {
  it('answers columns in the requested order and omits rows whose columns are all null', () => {
    const r = testRouter();
    r.must({ operation: 'CREATE', type: T('sslProfile'), name: 'a' }, { caCertFile: '/ca' });
    r.must({ operation: 'CREATE', type: T('sslProfile'), name: 'b' }, { certFile: '/crt' });
    const q = r.must({ operation: 'QUERY', entityType: T('sslProfile') }, { attributeNames: ['certFile', 'caCertFile'] });
    expect(q.body).toEqual({ attributeNames: ['certFile', 'caCertFile'], results: [[null, '/ca'], ['/crt', null]] });
    const sparse = r.must({ operation: 'QUERY', entityType: T('sslProfile') }, { attributeNames: ['password'] });
    expect(sparse.body).toEqual({ attributeNames: ['password'], results: [] });
  });

  it('lists every Python entity without entityType, subtypes with a base type, none for C types', () => {
    const r = testRouter();
    const all = r.must({ operation: 'QUERY' }, { attributeNames: ['type'] }).body as { results: string[][] };
    expect(all.results[0]).toEqual([T('management')]);
    expect(all.results.some(([t]) => t === T('allocator'))).toBe(true);
    const config = r.must({ operation: 'QUERY', entityType: T('configurationEntity') }, { attributeNames: ['type'] }).body as { results: string[][] };
    expect(new Set(config.results.map(([t]) => t))).toEqual(new Set([T('log'), T('router'), T('network'), T('policy'), T('listener')]));
    // A short C-type name goes to Python, which has no such entities.
    expect(r.must({ operation: 'QUERY', entityType: 'connection' }, { attributeNames: [] }).body).toMatchObject({ results: [] });
  });

  it('rejects unknown attributes (404), unknown types and a type in `type` (400)', () => {
    const r = testRouter();
    expect(r.must({ operation: 'QUERY', entityType: T('listener') }, { attributeNames: ['name', 'frob'] }).statusDescription).toBe(
      "Unknown attributes ['frob'] for type io.skupper.router.listener.",
    );
    expect(r.must({ operation: 'QUERY' }, { attributeNames: ['frob'] })).toMatchObject({ statusCode: 404, statusDescription: "Unknown attributes ['frob']." });
    expect(r.must({ operation: 'QUERY', entityType: T('frob') }, {}).statusDescription).toBe("No such entity type 'io.skupper.router.frob'");
    expect(r.must({ operation: 'QUERY', type: T('listener') }, {}).statusDescription).toBe('io.skupper.router.listener: No name or identity provided');
  });

  it('accepts lower-case operations (the Python agent lower-cases them)', () => {
    const r = testRouter();
    expect(r.must({ operation: 'query', entityType: T('listener') }, { attributeNames: ['name'] }).body).toEqual({ attributeNames: ['name'], results: [['mgmt']] });
    expect(r.must({ operation: 'FROB' }).statusDescription).toMatch(/^Operation 'FROB' not implemented for 'io.skupper.router.management' \[/);
  });
});

describe('GET-* operations', () => {
  it('GET-SCHEMA has the router dump shape, without create/update flags and falsy fields', () => {
    const r = testRouter();
    const schema = r.must({ operation: 'GET-SCHEMA' }).body as { prefix: string; entityTypes: Record<string, Record<string, unknown>> };
    expect(schema.prefix).toBe('io.skupper.router');
    const listener = schema.entityTypes['listener'] as { attributes: Record<string, Record<string, unknown>>; operations: string[] };
    expect(listener.operations).toEqual(['CREATE', 'DELETE', 'READ']);
    expect(Object.keys(listener.attributes).slice(0, 4)).toEqual(['host', 'port', 'socketAddressFamily', 'role']);
    expect(listener.attributes['port']).toMatchObject({ type: 'string', default: 'amqp' });
    expect(listener.attributes['authenticatePeer']).not.toHaveProperty('default');
    expect(listener.attributes['role']?.['type']).toEqual(['normal', 'inter-router', 'route-container', 'edge', 'inter-edge', 'inter-network']);
    expect(JSON.stringify(schema)).not.toMatch(/"(create|update)":/);
    expect(schema.entityTypes['address']).toMatchObject({ fullyQualifiedType: T('router.config.address') });
    expect(schema.entityTypes['entity']).not.toHaveProperty('operations');
    const json = r.must({ operation: 'GET-JSON-SCHEMA', indent: 2 }).body as string;
    expect(JSON.parse(json)).toEqual(schema);
  });

  it('GET-TYPES / GET-OPERATIONS / GET-ATTRIBUTES filter by entityType', () => {
    const r = testRouter();
    const types = r.must({ operation: 'GET-TYPES', entityType: T('configurationEntity') }).body as Record<string, string[]>;
    expect(types[T('listener')]).toEqual([T('configurationEntity'), T('entity')]);
    expect(types[T('connection')]).toBeUndefined();
    expect(r.must({ operation: 'GET-OPERATIONS', entityType: T('tcpListener') }).body).toEqual({ [T('tcpListener')]: ['CREATE', 'UPDATE', 'DELETE', 'READ'] });
    const attrs = r.must({ operation: 'GET-ATTRIBUTES', entityType: T('listenerAddress') }).body as Record<string, string[]>;
    expect(attrs[T('listenerAddress')]).toEqual(['address', 'value', 'listener', 'connectionsOpened', 'name', 'identity', 'type']);
    expect(r.must({ operation: 'GET-MGMT-NODES' }).body).toEqual(['amqp:/_topo/0/r1/$management']);
  });
});
