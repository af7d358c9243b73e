import { describe, expect, it } from 'vitest';
import { chooseApiVersion } from './agent-api.js';
import { configText, parseV1Reply, parseV2Reply } from './envelope.js';
import { EdgeletError } from './errors.js';

const url = 'https://edgelet.default.svc.bridge.local:54321/v1/microservices/config';
const reply = (status: number, body: unknown) => ({ status, url, text: typeof body === 'string' ? body : JSON.stringify(body) });

function errorOf(fn: () => unknown): EdgeletError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EdgeletError) return error;
    throw error;
  }
  throw new Error('expected an EdgeletError');
}

describe('v1 envelope', () => {
  it('takes config delivered as an object (pretty-printed for located errors)', () => {
    const got = parseV1Reply(reply(200, { success: true, data: { microserviceUuid: 'u-1', config: { metadata: { id: 'r' } } } }));
    expect(JSON.parse(got.text)).toEqual({ metadata: { id: 'r' } });
    expect(got.text).toContain('\n');
    expect(got.microserviceUuid).toBe('u-1');
    expect(got.url).toBe(url);
  });

  it('takes config delivered as a JSON string, keeping the text as stored', () => {
    const stored = '{"metadata":{"id":"r"}}';
    expect(parseV1Reply(reply(200, { success: true, data: { config: stored } })).text).toBe(stored);
  });

  it('treats a 2xx body that is not an envelope as the payload', () => {
    expect(JSON.parse(parseV1Reply(reply(200, { config: { a: 1 } })).text)).toEqual({ a: 1 });
  });

  it.each([
    [{ success: true, data: { config: '{"a":' } }, /edgelet config: field "config" is not JSON: .*\(https:/, 'invalid-config'],
    [{ success: true, data: { config: '42' } }, /field "config" is a JSON string holding a number, not an object/, 'invalid-config'],
    [{ success: true, data: { config: 7 } }, /field "config" must be an object or a JSON string, not a number/, 'invalid-config'],
    [{ success: true, data: { config: true } }, /field "config" must be an object or a JSON string, not a boolean/, 'invalid-config'],
    [{ success: true, data: { config: null } }, /field "config" is null, not an object/, 'invalid-config'],
    [{ success: true, data: { config: 'null' } }, /field "config" is a JSON string holding null, not an object/, 'invalid-config'],
    [{ success: true, data: {} }, /the reply has no field "config"/, 'envelope'],
    [{ success: true, data: 'x' }, /field "data" must be an object, not a string/, 'envelope'],
    [{ success: true, data: { config: '  ' } }, /field "config" is empty/, 'not-found'],
    ['<html>oops</html>', /edgelet config: the reply is not JSON/, 'envelope'],
  ])('rejects %j with a message naming the problem', (body, message, kind) => {
    const error = errorOf(() => parseV1Reply(reply(200, body)));
    expect(error.message).toMatch(message);
    expect(error.kind).toBe(kind);
  });

  it.each([
    [401, 'UNAUTHORIZED', 'unauthorized'],
    [403, 'FORBIDDEN', 'forbidden'],
    [404, 'NOT_FOUND', 'not-found'],
    [500, 'INTERNAL', 'http'],
  ] as const)('turns a %i error envelope into a typed error', (status, code, kind) => {
    const error = errorOf(() => parseV1Reply(reply(status, { success: false, error: { code, message: 'nope', details: { x: 1 } } })));
    expect(error).toMatchObject({ kind, status, code, details: { x: 1 } });
    expect(error.message).toBe(`edgelet config: ${status} ${code}: nope (${url})`);
    expect(error.transient).toBe(status === 404 || status === 500);
  });

  it('reports success:false even with a 200 status', () => {
    const error = errorOf(() => parseV1Reply(reply(200, { success: false, error: { code: 'X', message: 'bad' } })));
    expect(error.message).toMatch(/X: bad/);
  });

  it('keeps a plain-text error body (as the websocket handler sends)', () => {
    expect(errorOf(() => parseV1Reply(reply(401, 'Invalid JWT token\n'))).message).toMatch(/401: Invalid JWT token/);
  });

  it('accepts an array config (a skrouterd file) as well as an object', () => {
    expect(configText([['router', {}]], url)).toContain('router');
  });
});

describe('v2 reply', () => {
  it('parses {status, config: "<string>"}', () => {
    expect(parseV2Reply(reply(200, { status: 'okay', config: '{"a":1}' })).text).toBe('{"a":1}');
  });

  it('names the agent and its message on 400', () => {
    const error = errorOf(() => parseV2Reply(reply(400, { status: 'failed', message: 'unknown id' })));
    expect(error.message).toMatch(/^ioFog agent config: 400: unknown id/);
  });
});

describe('chooseApiVersion', () => {
  const base = { tokenDir: '/sa' };
  it.each([
    [{ api: 'auto', tokenExists: true, microserviceUid: 'u' }, 'v1'],
    [{ api: 'auto', tokenExists: true, microserviceUid: 'u', selfName: 's' }, 'v1'],
    [{ api: 'auto', tokenExists: false, selfName: 's' }, 'v2'],
    [{ api: 'auto', tokenExists: false, microserviceUid: 'u' }, 'v1'],
    [{ api: 'v2', tokenExists: true, selfName: 's' }, 'v2'],
    [{ api: 'v1', tokenExists: false, microserviceUid: 'u', selfName: 's' }, 'v1'],
  ] as const)('%j → %s', (input, expected) => {
    expect(chooseApiVersion({ ...base, ...input })).toBe(expected);
  });

  it('says which variable is missing', () => {
    expect(() => chooseApiVersion({ ...base, api: 'auto', tokenExists: true })).toThrow(/EDGELET_MICROSERVICE_UID is not set/);
    expect(() => chooseApiVersion({ ...base, api: 'auto', tokenExists: false })).toThrow(/or SELFNAME .*no token at \/sa\/token/);
    expect(() => chooseApiVersion({ ...base, api: 'v2', tokenExists: false, microserviceUid: 'u' })).toThrow(/SELFNAME is not set/);
    const error = (() => {
      try {
        chooseApiVersion({ ...base, api: 'v1', tokenExists: true, microserviceUid: ' ' });
      } catch (e) {
        return e as EdgeletError;
      }
      return undefined;
    })();
    expect(error?.kind).toBe('identity');
    expect(error?.terminal).toBe(true);
  });
});
