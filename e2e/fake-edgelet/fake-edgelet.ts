/**
 * A fake Edgelet for tests: the LocalAPI v1 (HTTPS with its own test CA, bearer tokens that
 * rotate and get revoked, 401/403/404, control socket with 1-byte signals) or the legacy ioFog
 * agent API v2 (plain HTTP, no auth). It can go down and come back on the same port, stop
 * answering pings, and counts what clients did so tests can assert on it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { projectFiles } from './token-files.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The test CA that signed the fake's certificate (what a client must trust). */
export const TEST_CA_PEM = fixture('ca.crt');
/** A CA that did not sign it. */
export const OTHER_CA_PEM = fixture('other-ca.crt');

export interface FakeEdgeletOptions {
  /** `v1` (default): Edgelet LocalAPI v1; `v2`: legacy ioFog agent. */
  readonly mode?: 'v1' | 'v2';
  /** Default: true for v1, false for v2. */
  readonly tls?: boolean;
  /** Initial config; absent means "none stored yet" (404). */
  readonly config?: unknown;
  /** v1 identity in the token; v2 id expected in requests. */
  readonly microserviceUuid?: string;
  /** v1: where the token and ca.crt are projected. Default: a new temporary directory. */
  readonly tokenDir?: string;
}

export interface FakeEdgeletStats {
  configRequests: number;
  /** Config requests answered 200. */
  configServed: number;
  /** Upgrade requests, accepted or not. */
  controlDials: number;
  controlOpens: number;
  openSockets: number;
  maxOpenSockets: number;
  acks: number;
  pings: number;
  /** Status of every config request, in order. */
  statuses: number[];
  /** Token sent with each authorised request (v1). */
  tokensSeen: string[];
}

interface CannedReply {
  readonly status: number;
  readonly body: string;
}

function envelopeError(status: number, code: string, message: string): CannedReply {
  return { status, body: JSON.stringify({ success: false, error: { code, message } }) };
}

export class FakeEdgelet {
  readonly mode: 'v1' | 'v2';
  readonly tls: boolean;
  readonly uuid: string;
  readonly tokenDir: string;
  readonly stats: FakeEdgeletStats = {
    configRequests: 0,
    configServed: 0,
    controlDials: 0,
    controlOpens: 0,
    openSockets: 0,
    maxOpenSockets: 0,
    acks: 0,
    pings: 0,
    statuses: [],
    tokensSeen: [],
  };
  /** How the config is delivered by v1: parsed (as Edgelet does for JSON) or as the stored string. */
  deliverAs: 'object' | 'string' = 'object';
  /** Answer control-socket pings (turn off to simulate a dead peer). */
  answerPings = true;
  /** RBAC denies every route (403). */
  forbidden = false;

  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #ownTokenDir: boolean;
  readonly #connections = new Set<Socket>();
  readonly #canned: CannedReply[] = [];
  #stored: string | undefined;
  #token = '';
  readonly #revoked = new Set<string>();
  #port = 0;
  #up = false;

  private constructor(options: FakeEdgeletOptions, tokenDir: string) {
    this.mode = options.mode ?? 'v1';
    this.tls = options.tls ?? this.mode === 'v1';
    this.uuid = options.microserviceUuid ?? '0b5c6d7e-1111-4222-8333-944455556666';
    this.tokenDir = tokenDir;
    this.#ownTokenDir = options.tokenDir === undefined;
    if (options.config !== undefined) this.setConfig(options.config);
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res);
    this.#server = this.tls ? createHttpsServer({ key: fixture('server.key'), cert: fixture('server.crt') }, handler) : createHttpServer(handler);
    this.#server.on(this.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.#connections.add(socket);
      socket.on('close', () => this.#connections.delete(socket));
    });
    this.#wss = new WebSocketServer({ noServer: true, autoPong: false });
    this.#server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.#upgrade(req, socket, head));
  }

  static async start(options: FakeEdgeletOptions = {}): Promise<FakeEdgelet> {
    const tokenDir = options.tokenDir ?? (await mkdtemp(join(tmpdir(), 'fake-edgelet-sa-')));
    const fake = new FakeEdgelet(options, tokenDir);
    if (fake.mode === 'v1') await fake.rotateToken();
    await fake.up();
    return fake;
  }

  get port(): number {
    return this.#port;
  }

  /** The token a client should be sending now. */
  get token(): string {
    return this.#token;
  }

  get sockets(): readonly WebSocket[] {
    return [...this.#wss.clients];
  }

  /** Stores a config (object or string, as the Controller would) ; `undefined` clears it (404). */
  setConfig(config: unknown): void {
    this.#stored = config === undefined ? undefined : typeof config === 'string' ? config : JSON.stringify(config);
  }

  /** The next config requests get these replies, in order, before normal service resumes. */
  queueReply(status: number, body: string | object = ''): void {
    this.#canned.push({ status, body: typeof body === 'string' ? body : JSON.stringify(body) });
  }

  /** Sends a 1-byte frame (default `0x0C`) to every open control socket; returns how many got it. */
  signal(opcode = 0x0c): number {
    let sent = 0;
    for (const ws of this.#wss.clients) {
      if (ws.readyState === ws.OPEN) {
        ws.send(Buffer.from([opcode]), { binary: true });
        sent += 1;
      }
    }
    return sent;
  }

  /** Mints a new token, projects it (with ca.crt) by a `..data` swap, and revokes the old one. */
  async rotateToken(): Promise<string> {
    const old = this.#token;
    const claims = Buffer.from(JSON.stringify({ sub: `system:serviceaccount:test:router`, jti: randomBytes(8).toString('hex') })).toString('base64url');
    this.#token = `eyJhbGciOiJFZERTQSJ9.${claims}.${randomBytes(32).toString('base64url')}`;
    await projectFiles(this.tokenDir, { token: `${this.#token}\n`, 'ca.crt': TEST_CA_PEM });
    if (old !== '') this.#revoked.add(old);
    return this.#token;
  }

  /** Revokes the current token without minting a new one (every request gets 401). */
  revokeToken(): void {
    this.#revoked.add(this.#token);
  }

  /** Closes every control socket abruptly. */
  dropSockets(): void {
    for (const ws of this.#wss.clients) ws.terminate();
  }

  /** Listens (again, on the same port after {@link down}). */
  async up(): Promise<void> {
    if (this.#up) return;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address();
    if (address !== null && typeof address === 'object') this.#port = address.port;
    this.#up = true;
  }

  /** Stops listening and cuts every connection, like an agent that crashed. */
  async down(): Promise<void> {
    if (!this.#up) return;
    this.#up = false;
    this.dropSockets();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#connections) socket.destroy();
    await closed;
  }

  async close(): Promise<void> {
    await this.down();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    if (this.#ownTokenDir) await rm(this.tokenDir, { recursive: true, force: true });
  }

  /** null when authorised, else the reply to send. */
  #authorise(req: IncomingMessage): CannedReply | null {
    if (this.mode === 'v2') return null;
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) return envelopeError(401, 'UNAUTHORIZED', 'missing bearer token');
    const token = header.slice('Bearer '.length).trim();
    if (token === '' || token !== this.#token || this.#revoked.has(token)) return envelopeError(401, 'UNAUTHORIZED', 'invalid JWT token');
    if (this.forbidden) return envelopeError(403, 'FORBIDDEN', 'request is not allowed by RBAC policy');
    this.stats.tokensSeen.push(token);
    return null;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = (req.url ?? '').split('?')[0];
    const reply = (r: CannedReply) => {
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(r.body);
    };
    const v1 = this.mode === 'v1' && path === '/v1/microservices/config';
    const v2 = this.mode === 'v2' && path === '/v2/config/get';
    if (!v1 && !v2) return reply(envelopeError(404, 'NOT_FOUND', `no route ${req.method ?? ''} ${path ?? ''}`));
    if (req.method !== (v1 ? 'GET' : 'POST')) return reply(envelopeError(405, 'METHOD_NOT_ALLOWED', 'method not allowed'));
    this.stats.configRequests += 1;
    const answer = this.#canned.shift() ?? this.#authorise(req) ?? (v1 ? this.#v1Config() : this.#v2Config(body));
    this.stats.statuses.push(answer.status);
    if (answer.status === 200) this.stats.configServed += 1;
    reply(answer);
  }

  #v1Config(): CannedReply {
    const stored = this.#stored;
    if (stored === undefined || stored.trim() === '') return envelopeError(404, 'NOT_FOUND', 'microservice config not found');
    let config: unknown = stored;
    if (this.deliverAs === 'object') {
      try {
        config = JSON.parse(stored);
      } catch {
        config = stored; // what Edgelet does with a string that is not JSON
      }
    }
    return { status: 200, body: JSON.stringify({ success: true, data: { microserviceUuid: this.uuid, config } }) };
  }

  #v2Config(body: string): CannedReply {
    let id: unknown;
    try {
      id = (JSON.parse(body) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (id !== this.uuid) return { status: 400, body: JSON.stringify({ status: 'failed', message: `unknown microservice id ${String(id)}` }) };
    return { status: 200, body: JSON.stringify({ status: 'okay', config: this.#stored ?? '' }) };
  }

  #upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    this.stats.controlDials += 1;
    const path = (req.url ?? '').split('?')[0];
    const expected = this.mode === 'v1' ? '/v1/microservices/control' : `/v2/control/socket/id/${encodeURIComponent(this.uuid)}`;
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
    };
    if (path !== expected) return refuse(404, 'Not Found');
    const denied = this.#authorise(req);
    if (denied) return refuse(denied.status, denied.status === 401 ? 'Invalid JWT token' : 'forbidden');
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#serve(ws));
  }

  #serve(ws: WebSocket): void {
    this.stats.controlOpens += 1;
    this.stats.openSockets += 1;
    this.stats.maxOpenSockets = Math.max(this.stats.maxOpenSockets, this.stats.openSockets);
    ws.on('ping', (data: Buffer) => {
      this.stats.pings += 1;
      if (this.answerPings) ws.pong(data);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      if (data[0] === 0x0b) this.stats.acks += 1;
      if (data[0] === 0x09 && this.answerPings) ws.send(Buffer.from([0x0a]));
    });
    ws.on('close', () => {
      this.stats.openSockets -= 1;
    });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
