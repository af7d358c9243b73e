/** The v1 and v2 clients against the fake agent: TLS, host fallback, tokens, error statuses. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentApi, EdgeletError, EdgeletV1Client, LegacyAgentClient } from '../../controller/sources/edgelet/index.js';
import { FakeEdgelet, OTHER_CA_PEM } from './fake-edgelet.js';
import { projectFiles } from './token-files.js';

const CONFIG = { metadata: { id: 'r1', mode: 'edge' } };
let fake: FakeEdgelet | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function v1(f: FakeEdgelet, extra: Partial<ConstructorParameters<typeof EdgeletV1Client>[0]> = {}): EdgeletV1Client {
  // 127.0.0.2 is loopback with nothing listening: refused at once, so the fallback is used.
  return new EdgeletV1Client({ microserviceUid: f.uuid, host: '127.0.0.2', port: f.port, tokenDir: f.tokenDir, requestTimeoutMs: 5_000, ...extra });
}

async function rejection(promise: Promise<unknown>): Promise<EdgeletError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof EdgeletError) return error;
  throw new Error(`expected an EdgeletError, got ${String(error)}`);
}

describe('Edgelet v1 client', () => {
  it('reads the config over TLS with the test CA, falling back to 127.0.0.1', async () => {
    fake = await FakeEdgelet.start({ config: CONFIG });
    const got = await v1(fake).fetchConfig();
    expect(JSON.parse(got.text)).toEqual(CONFIG);
    expect(got.url).toBe(`https://127.0.0.1:${fake.port}/v1/microservices/config`);
    expect(got.microserviceUuid).toBe(fake.uuid);
    expect(fake.stats.tokensSeen).toEqual([fake.token]);
  });

  it('reads a config stored as a string, passing the text on unchanged', async () => {
    fake = await FakeEdgelet.start({ config: '{"metadata": {"id": "r1"}}' });
    fake.deliverAs = 'string';
    expect((await v1(fake).fetchConfig()).text).toBe('{"metadata": {"id": "r1"}}');
  });

  it('names a config string that is not JSON', async () => {
    fake = await FakeEdgelet.start({ config: 'not json at all' });
    const error = await rejection(v1(fake).fetchConfig());
    expect(error.message).toMatch(/^edgelet config: field "config" is not JSON: /);
    expect(error.terminal).toBe(true);
  });

  it('on 401 re-reads the token and retries exactly once', async () => {
    fake = await FakeEdgelet.start({ config: CONFIG });
    fake.queueReply(401, { success: false, error: { code: 'UNAUTHORIZED', message: 'token revoked' } });
    await expect(v1(fake).fetchConfig()).resolves.toMatchObject({ url: expect.any(String) });
    expect(fake.stats.statuses).toEqual([401, 200]);
  });

  it('gives up after the second 401', async () => {
    fake = await FakeEdgelet.start({ config: CONFIG });
    fake.revokeToken();
    const error = await rejection(v1(fake).fetchConfig());
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401, code: 'UNAUTHORIZED' });
    expect(fake.stats.statuses).toEqual([401, 401]);
  });

  it('sends the token read fresh for every request (rotation revokes the old one)', async () => {
    fake = await FakeEdgelet.start({ config: CONFIG });
    const client = v1(fake);
    await client.fetchConfig();
    const first = fake.token;
    await fake.rotateToken();
    await client.fetchConfig();
    expect(fake.stats.tokensSeen).toEqual([first, fake.token]);
    expect(fake.stats.statuses).toEqual([200, 200]);
  });

  it('reports 403 and 404 without retrying', async () => {
    fake = await FakeEdgelet.start();
    const client = v1(fake);
    expect(await rejection(client.fetchConfig())).toMatchObject({ kind: 'not-found', status: 404, transient: true });
    fake.forbidden = true;
    expect(await rejection(client.fetchConfig())).toMatchObject({ kind: 'forbidden', status: 403, transient: false });
    expect(fake.stats.statuses).toEqual([404, 403]);
  });

  it('refuses a server its CA file does not vouch for', async () => {
    fake = await FakeEdgelet.start({ config: CONFIG });
    const dir = await mkdtemp(join(tmpdir(), 'sa-other-'));
    dirs.push(dir);
    await projectFiles(dir, { token: fake.token, 'ca.crt': OTHER_CA_PEM });
    const error = await rejection(v1(fake, { host: '127.0.0.1', tokenDir: dir }).fetchConfig());
    expect(error.kind).toBe('tls');
    expect(fake.stats.configRequests).toBe(0);
  });

  it('checks the certificate against serverName when dialling an address the certificate does not name', async () => {
    fake = await FakeEdgelet.start({ config: CONFIG });
    await expect(v1(fake, { host: '127.0.0.1', serverName: 'edgelet.default.svc.bridge.local' }).fetchConfig()).resolves.toBeDefined();
    expect((await rejection(v1(fake, { host: '127.0.0.1', serverName: 'elsewhere.example' }).fetchConfig())).kind).toBe('tls');
  });

  it('names the token file when it is missing', async () => {
    fake = await FakeEdgelet.start({ config: CONFIG });
    const error = await rejection(v1(fake, { tokenDir: '/nonexistent/sa' }).fetchConfig());
    expect(error.message).toMatch(/^edgelet token: cannot read \/nonexistent\/sa\/token: ENOENT/);
  });

  it('says no host answered when every host refuses', async () => {
    fake = await FakeEdgelet.start({ config: CONFIG });
    const port = fake.port;
    await fake.down();
    const error = await rejection(v1(fake, { port }).fetchConfig());
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/no host answered .*127\.0\.0\.2.*127\.0\.0\.1/);
  });

  it('speaks plain HTTP when tls is false', async () => {
    fake = await FakeEdgelet.start({ config: CONFIG, tls: false });
    expect(JSON.parse((await v1(fake, { tls: false }).fetchConfig()).text)).toEqual(CONFIG);
  });
});

describe('legacy ioFog agent v2 client', () => {
  it('POSTs its id and parses the config string', async () => {
    fake = await FakeEdgelet.start({ mode: 'v2', config: CONFIG, microserviceUuid: 'self-1' });
    const client = new LegacyAgentClient({ selfName: 'self-1', host: '127.0.0.2', port: fake.port });
    const got = await client.fetchConfig();
    expect(JSON.parse(got.text)).toEqual(CONFIG);
    expect(got.url).toBe(`http://127.0.0.1:${fake.port}/v2/config/get`);
  });

  it('reports an unknown id', async () => {
    fake = await FakeEdgelet.start({ mode: 'v2', config: CONFIG, microserviceUuid: 'self-1' });
    const client = new LegacyAgentClient({ selfName: 'someone-else', host: '127.0.0.1', port: fake.port });
    expect((await rejection(client.fetchConfig())).message).toMatch(/^ioFog agent config: 400: unknown microservice id someone-else/);
  });
});

describe('createAgentApi', () => {
  it('picks v1 when the service-account token exists, v2 when only SELFNAME is set', async () => {
    fake = await FakeEdgelet.start({ config: CONFIG });
    expect((await createAgentApi({ tokenDir: fake.tokenDir, microserviceUid: 'u', selfName: 's' })).version).toBe('v1');
    expect((await createAgentApi({ tokenDir: '/nonexistent/sa', selfName: 's' })).version).toBe('v2');
    await expect(createAgentApi({ tokenDir: fake.tokenDir })).rejects.toThrow(/EDGELET_MICROSERVICE_UID is not set/);
  });
});
