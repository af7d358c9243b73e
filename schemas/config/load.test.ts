import { describe, expect, it } from 'vitest';
import { DesiredStateError, formatIssues, loadConfig, loadConfigOrThrow, type LoadResult } from './index.js';
import { utf8Length, utf8LengthExceeds } from './json-text.js';
import { interior, pot } from './test-support/reject-table.js';

function ok(result: LoadResult): Extract<LoadResult, { ok: true }> {
  if (!result.ok) throw new Error(`not ok: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

function fail(result: LoadResult): Extract<LoadResult, { ok: false }> {
  if (result.ok) throw new Error('unexpectedly valid');
  return result;
}

const load = (text: string) => loadConfig(text, { file: 'f.json' });

describe('loadConfig: canonical DesiredState', () => {
  it('coerces values the way the router stores them and fills no defaults', () => {
    const state = ok(load(interior(['listener', { name: 'l', port: 5672, authenticatePeer: 'yes', cost: '3' }]))).state;
    const listener = state.entities.find((e) => e.kind === 'listener');
    expect(listener?.attributes).toEqual({ port: '5672', authenticatePeer: true, cost: 3 });
  });

  it('gives the same state for ports as numbers or strings, in either format', () => {
    const a = ok(load(interior(['tcpConnector', { name: 'c', address: 'a', port: 8080 }]))).state;
    const b = ok(load(interior(['tcpConnector', { name: 'c', address: 'a', port: '8080' }]))).state;
    const c = ok(load(pot({ bridges: { tcpConnectors: { c: { name: 'c', address: 'a', port: 8080 } } } }))).state;
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('derives the names the router would give unnamed entities', () => {
    const state = ok(
      load(
        interior(
          ['listener', { port: 5672 }],
          ['connector', { role: 'normal' }],
          ['tcpConnector', { address: 'a', port: 8080 }],
          ['tcpListener', { address: 'a', port: 9090, host: '0.0.0.0' }],
          ['vhost', { hostname: 'example.com' }],
          ['autoLink', { address: 'q', direction: 'in' }],
          ['address', { pattern: 'a/#' }],
          ['log', { module: 'DEFAULT' }],
          ['network', {}],
          ['policy', {}],
          ['site', {}],
        ),
      ),
    ).state;
    expect(state.entities.map((e) => `${e.kind}=${e.name}`)).toEqual([
      'router=router',
      'site=site',
      'network=network',
      'policy=policy',
      'log=log/DEFAULT',
      'vhost=vhost/example.com',
      'address=address/a/#',
      'autoLink=autoLink/q/in',
      'listener=listener/:5672',
      'connector=connector/127.0.0.1:amqp',
      'tcpListener=tcpListener/0.0.0.0:9090',
      'tcpConnector=tcpConnector/127.0.0.1:8080',
    ]);
  });

  it('orders entities canonically whatever the input order', () => {
    const entries = [
      ['sslProfile', { name: 'b' }],
      ['listener', { name: 'z', port: 1 }],
      ['sslProfile', { name: 'a' }],
      ['listener', { name: 'y', port: 2 }],
    ] as const;
    const forward = ok(load(interior(...entries))).state;
    const backward = ok(load(interior(...[...entries].reverse()))).state;
    expect(backward).toEqual(forward);
    expect(forward.entities.map((e) => e.name)).toEqual(['router', 'a', 'b', 'y', 'z']);
  });

  it('keeps C-agent names apart from the shared Python namespace', () => {
    const state = ok(load(interior(['address', { name: 'x', prefix: 'p' }], ['listener', { name: 'x', port: 1 }]))).state;
    expect(state.entities.filter((e) => e.name === 'x')).toHaveLength(2);
  });

  it('accepts legacy siteId and processId, and null PoT sections', () => {
    const text = pot({
      siteConfig: null,
      addresses: null,
      bridges: { tcpConnectors: { c: { name: 'c', address: 'a', port: '1', siteId: 's', processId: 'p' } }, tcpListeners: null },
    });
    const connector = ok(load(text)).state.entities.find((e) => e.kind === 'tcpConnector');
    expect(connector?.attributes).toMatchObject({ siteId: 's', processId: 'p' });
  });
});

describe('loadConfig: positions and comments', () => {
  it('drops comment lines of a skrouterd file and keeps line numbers', () => {
    const text = '# generated\n[\n  # the router\n  ["router", {"mode": "interior"}],\n  ["listener", {"port": 0}]\n]';
    const error = fail(load(text)).errors[0];
    expect(error).toMatchObject({ path: '$[1][1].port', line: 5, column: 25 });
  });

  it('reports a syntax error at its line and column', () => {
    const error = fail(load('[\n  ["router", {}],\n]')).errors[0];
    expect(error).toMatchObject({ path: '$', line: 3, column: 1, severity: 'error' });
  });

  it('points PoT errors at the map entry', () => {
    const text = '{\n  "metadata": {"mode": "interior"},\n  "listeners": {\n    "a": {"name": "a", "port": "x"}\n  }\n}';
    expect(fail(load(text)).errors[0]).toMatchObject({ path: '$.listeners["a"].port', line: 4, column: 32 });
  });

  it('collects every error, not only the first', () => {
    const errors = fail(load(interior(['listener', { port: 0, role: 'x', prot: 1 }], ['bogus', {}]))).errors;
    expect(errors.map((e) => e.path)).toEqual(['$[1][1].port', '$[1][1].role', '$[1][1].prot', '$[2][0]']);
  });
});

describe('loadConfig: warnings', () => {
  it('warns about unknown PoT sections and keeps the config', () => {
    const result = ok(load(pot({ observability: { enabled: true } })));
    expect(result.warnings).toMatchObject([{ path: '$.observability', message: 'unknown key "observability" is ignored' }]);
  });

  it('warns when a PoT map key differs from the entity name', () => {
    const result = ok(load(pot({ listeners: { a: { name: 'b', port: 1 } } })));
    expect(result.warnings[0]?.message).toContain('the key "a" differs from the name "b"');
    expect(result.state.entities.some((e) => e.name === 'b')).toBe(true);
  });

  it('reads hyphenated names as the router does, with a warning', () => {
    const result = ok(load(interior(['ssl-profile', { name: 'p', 'ca-cert-file': '/ca' }])));
    expect(result.state.entities.find((e) => e.kind === 'sslProfile')?.attributes).toEqual({ caCertFile: '/ca' });
    expect(result.warnings.map((w) => w.path)).toEqual(['$[1][0]', '$[1][1]["ca-cert-file"]']);
  });

  it('warns about a key given twice in one object', () => {
    const result = ok(load('[["router", {"mode": "edge", "mode": "interior"}]]'));
    expect(result.warnings[0]).toMatchObject({ path: '$[0][1].mode', line: 1, column: 30 });
    expect(result.state.entities[0]?.attributes).toEqual({ mode: 'interior' });
  });
});

describe('loadConfig: limits and errors', () => {
  it('survives very deep nesting', () => {
    const deepArray = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(fail(load(deepArray)).errors.map((e) => e.path)).toContain('$[0]');
    const deepValue = interior(['listener', { port: 1, openProperties: {} }]).replace('{}', '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000));
    expect(fail(load(deepValue)).errors[0]?.message).toContain('nested more than 32 levels');
  });

  it('accepts a text of exactly maxBytes UTF-8 bytes and maxEntities entities; one more of either names the limit and what sets it', () => {
    const text = interior(['address', { name: 'é', prefix: 'p' }]);
    const bytes = Buffer.byteLength(text);
    const limits = { file: 'f.json', limitNames: { maxBytes: 'CONFIG_MAX_BYTES', maxEntities: 'CONFIG_MAX_ENTITIES' } };
    expect(loadConfig(text, { ...limits, maxBytes: bytes, maxEntities: 2 }).ok).toBe(true);
    const overBytes = fail(loadConfig(text, { ...limits, maxBytes: bytes - 1 })).errors;
    expect(overBytes).toEqual([{ file: 'f.json', path: '$', severity: 'error', message: `the file is ${bytes} bytes, more than the limit of ${bytes - 1} (CONFIG_MAX_BYTES)` }]);
    expect(fail(loadConfig(text, { ...limits, maxEntities: 1 })).errors[0]?.message).toBe('2 entities is more than the limit of 1 (CONFIG_MAX_ENTITIES)');
    const potText = pot({ listeners: { a: { name: 'a', port: 1 } } });
    // metadata is one entity (the router), not one per attribute
    expect(loadConfig(potText, { ...limits, maxEntities: 2 }).ok).toBe(true);
    expect(fail(loadConfig(potText, { ...limits, maxEntities: 1 })).errors[0]?.message).toBe('2 entities is more than the limit of 1 (CONFIG_MAX_ENTITIES)');
  });

  it('counts UTF-8 bytes as Buffer.byteLength does, surrogate pairs and lone surrogates included', () => {
    for (const text of ['', 'a', 'é', '€', '😀', '\ud83d', 'x\ude00y', `${'😀'.repeat(3)}é`]) {
      expect(utf8Length(text), JSON.stringify(text)).toBe(Buffer.byteLength(text));
      const bytes = Buffer.byteLength(text);
      expect(utf8LengthExceeds(text, bytes)).toBe(false);
      if (bytes > 0) expect(utf8LengthExceeds(text, bytes - 1)).toBe(true);
    }
  });

  it('loadConfigOrThrow throws DesiredStateError with the file, issues and cause', () => {
    let thrown: unknown;
    try {
      loadConfigOrThrow('[', { file: 'x.json' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DesiredStateError);
    const error = thrown as DesiredStateError;
    expect(error.file).toBe('x.json');
    expect(error.issues[0]?.message).toContain('JSON syntax error');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('formats issues for people and as JSON', () => {
    const errors = fail(load(interior(['listener', { port: 0 }]))).errors;
    expect(formatIssues(errors)).toMatch(/^f\.json:\d+:\d+: error: \$\[1\]\[1\]\.port: "port" must be a port/);
    expect(JSON.parse(formatIssues(errors, { json: true }))).toEqual(errors);
  });

  it('locates an entity and its attributes after loading, in either format', () => {
    const sk = ok(load(interior(['log', { module: 'ROUTER', outputFile: '/x/r.log' }])));
    expect(sk.locate('log', 'log/ROUTER', 'outputFile')).toEqual({ path: '$[1][1].outputFile', line: 13, column: 21 });
    expect(sk.locate('log', 'log/ROUTER')).toMatchObject({ path: '$[1][1]', line: 11, column: 5 });
    expect(sk.locate('log', 'log/DEFAULT')).toBeUndefined();
    const p = ok(load(pot({ logConfig: { r: { module: 'ROUTER', outputFile: '/x/r.log' } } })));
    expect(p.locate('log', 'log/ROUTER', 'outputFile')).toMatchObject({ path: '$.logConfig["r"].outputFile' });
  });
});
