/**
 * `iofog-router status [--url URL] [--json] [--history] [--timeout-ms N]`
 *
 * A kubectl-style view of a running controller, from its `/status` document: the verdict
 * (converged or why not), the source (reachable, last fetch, last signal), the router, entities
 * not in sync with their last error, links up and down, certificates expiring within 30 days or
 * with an issue, a pending restart, and with `--history` the revisions applied. Fields a
 * controller may not report (`links`, `certificates`, `history`, `router.process`, the source's
 * health) are shown when present.
 *
 * Exit codes: 0 converged and every link up; 1 not converged (router unreachable, last pass not
 * converged, an entity not synced, input rejected, restart pending) or a link down; 64 bad
 * usage; 69 the controller cannot be reached or answered no status document; 78 invalid
 * settings (HTTP_PORT).
 */
import { parseArgs } from 'node:util';
import { loadSettings, SettingsError } from '../../settings.js';
import { EXIT, type CliIo } from '../io.js';

export const STATUS_USAGE = `Usage: iofog-router status [--url URL] [--json] [--history] [--timeout-ms N]

Shows what a running controller reports at /status: whether the router is converged to
the desired state (and if not, why), the source, entities not in sync with their last
error, links (inter-router and edge connectors) up and down, certificates expiring within
30 days, a pending restart, and with --history the revisions applied.

Options:
  --url URL        the controller's HTTP address (default http://127.0.0.1:$HTTP_PORT)
  --json           print the verdict and the whole status document as JSON
  --history        also list the revision history (time, source, operations, outcome)
  --timeout-ms N   how long to wait for the controller (default 5000)
  -h, --help       show this help

Environment:
  HTTP_PORT        the controller's HTTP port, for the default URL (default 9191)

Exit status: 0 converged and every link up, 1 not converged or a link down, 64 bad usage,
69 the controller cannot be reached, 78 invalid settings.
`;

/** What this command reads of `/status`; everything but `router` and `entities` may be absent. */
export interface StatusView {
  readonly source?: { kind?: string; location?: string; revision?: string; appliedRevision?: string; up?: boolean; error?: string; since?: string; consecutiveFailures?: number; lastSuccessAt?: string; lastSignalAt?: string };
  readonly rejected?: { revision?: string; errors?: readonly { file?: string; path?: string; message?: string }[] };
  readonly router: { url?: string; pid?: number; reachable: boolean; lastError?: string; process?: { running?: boolean; crashLooping?: boolean; consecutiveExits?: number; restarts?: Record<string, number> } };
  readonly lastPass?: { id?: number; result?: string; at?: string; durationMs?: number; operations?: number; failed?: number; error?: string };
  readonly restartPending?: { changes?: readonly { kind?: string; name?: string; attribute?: string }[]; policy?: string };
  readonly entities: readonly { kind: string; name: string; state: string; lastError?: string }[];
  readonly links?: readonly { name: string; role?: string; target?: string; up: boolean; since?: string; connectionStatus?: string; message?: string }[];
  readonly certificates?: readonly { profile: string; file: string; subject?: string; notAfter?: string; issues?: readonly { kind: string; message: string }[] }[];
  readonly history?: readonly { revision?: string; at?: string; source?: string; operations?: number; outcome?: string; error?: string }[];
}

export interface Verdict {
  readonly converged: boolean;
  /** Why not converged, one line each. */
  readonly reasons: readonly string[];
  readonly linksDown: readonly string[];
}

const EXPIRY_WARN_DAYS = 30;
const DAY_MS = 86_400_000;

export function verdictOf(doc: StatusView): Verdict {
  const reasons: string[] = [];
  if (!doc.router.reachable) reasons.push(`router not reachable${doc.router.lastError ? `: ${doc.router.lastError}` : ''}`);
  if (doc.lastPass === undefined) reasons.push('no pass has run yet');
  else if (doc.lastPass.result !== 'converged') reasons.push(`last pass ${doc.lastPass.result ?? 'unknown'}${doc.lastPass.error ? `: ${doc.lastPass.error}` : ''}`);
  const unsynced = doc.entities.filter((e) => e.state !== 'synced');
  if (unsynced.length > 0) reasons.push(`${unsynced.length} of ${doc.entities.length} entities not synced`);
  if (doc.rejected) reasons.push(`input rejected (revision ${doc.rejected.revision ?? '?'}, ${doc.rejected.errors?.length ?? 0} errors): the last good state stays applied`);
  if (doc.restartPending) reasons.push(`restart pending (policy ${doc.restartPending.policy ?? '?'})`);
  const linksDown = (doc.links ?? []).filter((l) => !l.up).map((l) => l.name);
  return { converged: reasons.length === 0, reasons, linksDown };
}

/** Columns padded to their widest cell. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

export function renderStatus(url: string, doc: StatusView, options: { history: boolean; now: Date }): string {
  const v = verdictOf(doc);
  const out: string[] = [];
  const s = doc.source;
  const sourceHealth = s?.up === undefined ? '' : s.up ? '  up' : `  DOWN since ${s.since ?? '?'} (${s.consecutiveFailures ?? '?'} failures): ${s.error ?? ''}`;
  const fetched = [s?.lastSuccessAt && `last fetch ${s.lastSuccessAt}`, s?.lastSignalAt && `last signal ${s.lastSignalAt}`].filter(Boolean).join(', ');
  const proc = doc.router.process;
  const rows: [string, string][] = [
    ['CONTROLLER', url],
    ['STATE', v.converged ? 'converged' : `NOT CONVERGED: ${v.reasons.join('; ')}`],
    ['SOURCE', `${s?.kind ?? '?'} ${s?.location ?? ''}${sourceHealth}`],
    ['REVISION', `${s?.revision ?? '-'} (applied ${s?.appliedRevision ?? '-'})${fetched ? `; ${fetched}` : ''}`],
    ['ROUTER', `${doc.router.url ?? '?'} ${doc.router.reachable ? 'reachable' : 'UNREACHABLE'}${doc.router.pid !== undefined ? `, pid ${doc.router.pid}` : ''}`],
  ];
  if (proc) rows.push(['PROCESS', `${proc.running ? 'running' : 'not running'}${proc.crashLooping ? ', CRASH-LOOPING' : ''}, restarts ${Object.entries(proc.restarts ?? {}).map(([k, n]) => `${k} ${n}`).join(' ') || '0'}`]);
  const p = doc.lastPass;
  if (p) rows.push(['LAST PASS', `#${p.id ?? '?'} ${p.result ?? '?'} at ${p.at ?? '?'} (${p.durationMs ?? '?'} ms, ${p.operations ?? 0} operations, ${p.failed ?? 0} failed)`]);
  out.push(table(rows[0] ?? [], rows.slice(1)));

  const unsynced = doc.entities.filter((e) => e.state !== 'synced');
  out.push(`ENTITIES: ${doc.entities.length}, ${doc.entities.length - unsynced.length} synced${unsynced.length ? `, ${unsynced.length} not:` : ''}\n` + (unsynced.length === 0 ? '' : table(['KIND', 'NAME', 'STATE', 'LAST ERROR'], unsynced.map((e) => [e.kind, e.name, e.state, e.lastError ?? '']))));
  if (doc.rejected) out.push(`REJECTED INPUT ${doc.rejected.revision ?? ''}:\n${(doc.rejected.errors ?? []).map((e) => `  ${e.file ?? ''} ${e.path ?? ''}: ${e.message ?? ''}`).join('\n')}\n`);

  if (doc.links !== undefined) {
    out.push(`LINKS: ${doc.links.length - v.linksDown.length} up, ${v.linksDown.length} down\n` + (doc.links.length === 0 ? '' : table(['NAME', 'ROLE', 'TARGET', 'STATUS', 'SINCE', 'MESSAGE'], doc.links.map((l) => [l.name, l.role ?? '', l.target ?? '', l.up ? 'up' : 'DOWN', l.since ?? '', l.message ?? '']))));
  }
  if (doc.certificates !== undefined) {
    const limit = options.now.getTime() + EXPIRY_WARN_DAYS * DAY_MS;
    const flagged = doc.certificates.filter((c) => (c.issues?.length ?? 0) > 0 || (c.notAfter !== undefined && Date.parse(c.notAfter) <= limit));
    const days = (c: { notAfter?: string }) => (c.notAfter === undefined ? '' : String(Math.floor((Date.parse(c.notAfter) - options.now.getTime()) / DAY_MS)));
    out.push(`CERTIFICATES: ${doc.certificates.length}, ${flagged.length} expiring within ${EXPIRY_WARN_DAYS} days or with an issue${flagged.length ? ':' : ''}\n` + (flagged.length === 0 ? '' : table(['PROFILE', 'FILE', 'NOT AFTER', 'DAYS', 'ISSUES'], flagged.map((c) => [c.profile, c.file, c.notAfter ?? '', days(c), (c.issues ?? []).map((i) => i.message).join('; ')]))));
  }
  if (doc.restartPending) {
    const changes = (doc.restartPending.changes ?? []).map((c) => `${c.kind ?? '?'}/${c.name ?? '?'}.${c.attribute ?? '?'}`);
    out.push(`RESTART PENDING (policy ${doc.restartPending.policy ?? '?'}): ${changes.join(', ')}\n`);
  }
  if (options.history) {
    if (doc.history === undefined) out.push('HISTORY: not reported by this controller\n');
    else out.push(`HISTORY (newest first):\n${table(['TIME', 'SOURCE', 'OPERATIONS', 'OUTCOME', 'REVISION', 'ERROR'], doc.history.map((h) => [h.at ?? '', h.source ?? '', String(h.operations ?? ''), h.outcome ?? '', h.revision ?? '', h.error ?? '']))}`);
  }
  return out.join('\n');
}

type Usage = { kind: 'run'; url: string | undefined; json: boolean; history: boolean; timeoutMs: number } | { kind: 'help' } | { kind: 'error'; message: string };

function parse(args: string[]): Usage {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { url: { type: 'string' }, json: { type: 'boolean' }, history: { type: 'boolean' }, 'timeout-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return { kind: 'help' };
    if (positionals.length > 0) return { kind: 'error', message: `unexpected argument ${positionals.join(' ')}` };
    const timeoutMs = Number(values['timeout-ms'] ?? '5000');
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) return { kind: 'error', message: `--timeout-ms must be a positive whole number, not "${values['timeout-ms'] ?? ''}"` };
    if (values.url !== undefined && !/^https?:\/\/[^/]/.test(values.url)) return { kind: 'error', message: `--url must be http://host:port or https://host:port, not "${values.url}"` };
    return { kind: 'run', url: values.url, json: values.json ?? false, history: values.history ?? false, timeoutMs };
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

function isStatusView(value: unknown): value is StatusView {
  const v = value as Partial<StatusView> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.entities) && typeof v.router === 'object' && v.router !== null && typeof v.router.reachable === 'boolean';
}

export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const usage = parse(args);
  if (usage.kind === 'help') {
    io.stdout(STATUS_USAGE);
    return EXIT.ok;
  }
  if (usage.kind === 'error') {
    io.stderr(`iofog-router status: ${usage.message}\n\n${STATUS_USAGE}`);
    return EXIT.usage;
  }
  let base = usage.url;
  if (base === undefined) {
    let port: number;
    try {
      port = loadSettings({ HTTP_PORT: io.env?.['HTTP_PORT'] }).httpPort;
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      io.stderr(`iofog-router status: ${error.message}\n`);
      return EXIT.config;
    }
    if (port === 0) {
      io.stderr('iofog-router status: HTTP_PORT=0 (any free port): give the controller\'s address with --url\n');
      return EXIT.usage;
    }
    base = `http://127.0.0.1:${port}`;
  }
  const url = `${base.replace(/\/+$/, '')}/status`;
  let doc: unknown;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(usage.timeoutMs), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    doc = await response.json();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    io.stderr(`iofog-router status: cannot read ${url}: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ''}\n`);
    return EXIT.unavailable;
  }
  if (!isStatusView(doc)) {
    io.stderr(`iofog-router status: ${url} did not answer with a status document\n`);
    return EXIT.unavailable;
  }
  const verdict = verdictOf(doc);
  if (usage.json) io.stdout(`${JSON.stringify({ url: base, ...verdict, status: doc }, null, 2)}\n`);
  else io.stdout(renderStatus(base, doc, { history: usage.history, now: new Date() }));
  return verdict.converged && verdict.linksDown.length === 0 ? EXIT.ok : EXIT.failed;
}
