import { describe, expect, it } from 'vitest';
import { ManagementError } from '../../reconcilers/management.js';
import { UNREADABLE_REPLY, checkReply, queryRows, stringListsOf, type RequestSubject } from './reply.js';

const subject: RequestSubject = { operation: 'CREATE', entityType: 'io.skupper.router.listener', entityName: 'l1' };

function failure(props: unknown, body: unknown = {}, about: RequestSubject = subject): ManagementError {
  try {
    checkReply(about, props, body);
  } catch (error) {
    if (error instanceof ManagementError) return error;
    throw error;
  }
  throw new Error('reply was accepted');
}

describe('checkReply: status code → result or ManagementError', () => {
  it.each([
    [200, 'OK'],
    [201, 'Created'],
    [204, 'No Content'],
  ])('%i succeeds and keeps the body', (statusCode, statusDescription) => {
    const reply = checkReply(subject, { statusCode, statusDescription }, { a: 1 });
    expect(reply).toMatchObject({ statusCode, statusDescription, body: { a: 1 } });
  });

  it.each([
    [400, 'Unknown attribute \'frobnicate\' for \'io.skupper.router.listener\'', {}],
    [401, 'Unauthorized', {}],
    [403, 'Forbidden', {}],
    [404, 'No entity with name=l1', { notFound: true }],
    [409, 'Conflict', {}],
    [500, 'CError: Not found: sslProfile \'nope\' not found', { dataPlaneRejection: true }],
    [500, 'AttributeError: ', {}],
    [501, "Operation 'UPDATE' not implemented for 'io.skupper.router.listener'", { notImplemented: true }],
    [202, 'Accepted', {}],
    [302, 'Found', {}],
    [418, 'teapot', {}],
    [503, 'Service Unavailable', {}],
    [999, 'made up', {}],
  ])('%i is a ManagementError with everything the request was about', (statusCode, statusDescription, flags) => {
    const error = failure({ statusCode, statusDescription });
    expect(error).toBeInstanceOf(ManagementError);
    expect(error).toMatchObject({ statusCode, statusDescription, ...subject });
    const expected = { notFound: false, duplicate: false, notImplemented: false, dataPlaneRejection: false, ...flags };
    expect({
      notFound: error.notFound,
      duplicate: error.duplicate,
      notImplemented: error.notImplemented,
      dataPlaneRejection: error.dataPlaneRejection,
    }).toEqual(expected);
  });

  it('recognises a duplicate CREATE by its 400 description', () => {
    const error = failure({ statusCode: 400, statusDescription: "adding ListenerEntity(...) duplicates unique attribute 'name' from existing ListenerEntity(...)" });
    expect(error.duplicate).toBe(true);
  });

  it('reads a status code sent as a numeric string', () => {
    expect(failure({ statusCode: '404', statusDescription: 'No entity' }).statusCode).toBe(404);
  });

  it.each([[{}], [{ statusCode: 'OK' }], [{ statusCode: 2.5 }], [null], ['text']])(
    'a reply without a usable status (%j) is a ManagementError with status 0',
    (props) => {
      const error = failure(props);
      expect(error.statusCode).toBe(UNREADABLE_REPLY);
      expect(error.statusDescription).toMatch(/no statusCode/);
      expect(error.entityName).toBe('l1');
    },
  );
});

describe('queryRows', () => {
  const query: RequestSubject = { operation: 'QUERY', entityType: 'io.skupper.router.listener' };
  const ok = (body: unknown) => checkReply(query, { statusCode: 200, statusDescription: 'OK' }, body);

  it('zips rows against the attribute names of the reply, not of the request', () => {
    const rows = queryRows(query, ok({ attributeNames: ['port', 'name', 'host'], results: [['5672', 'a', ''], ['amqp', 'b', null]] }));
    expect(rows).toEqual([
      { port: '5672', name: 'a', host: '' },
      { port: 'amqp', name: 'b', host: null },
    ]);
  });

  it('reads missing cells of a short row as null and ignores extra cells', () => {
    expect(queryRows(query, ok({ attributeNames: ['a', 'b'], results: [['x'], ['x', 'y', 'z']] }))).toEqual([
      { a: 'x', b: null },
      { a: 'x', b: 'y' },
    ]);
  });

  it('returns no rows for an empty result', () => {
    expect(queryRows(query, ok({ attributeNames: ['a'], results: [] }))).toEqual([]);
  });

  it.each([[null], [{ results: [] }], [{ attributeNames: ['a'] }], [{ attributeNames: [1], results: [] }], [{ attributeNames: ['a'], results: ['row'] }]])(
    'a body of the wrong shape (%j) is a ManagementError with status 0',
    (body) => {
      expect(() => queryRows(query, ok(body))).toThrow(expect.objectContaining({ statusCode: UNREADABLE_REPLY, operation: 'QUERY' }));
    },
  );
});

describe('stringListsOf', () => {
  const about: RequestSubject = { operation: 'GET-TYPES' };
  it('accepts a map of string lists and rejects anything else', () => {
    const ok = (body: unknown) => checkReply(about, { statusCode: 200 }, body);
    expect(stringListsOf(about, ok({ 'io.skupper.router.log': ['io.skupper.router.entity'] }))).toEqual({
      'io.skupper.router.log': ['io.skupper.router.entity'],
    });
    expect(() => stringListsOf(about, ok({ x: [1] }))).toThrow(ManagementError);
    expect(() => stringListsOf(about, ok([]))).toThrow(ManagementError);
  });
});
