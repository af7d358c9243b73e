/**
 * The certificate inventory (`tls/certificate-inventory.ts`) as Prometheus metrics:
 * `iofog_router_certificate_expiry_timestamp_seconds{profile,file}` (notAfter, Unix time) and
 * `iofog_router_certificate_issue{profile,file,kind}` (1 per issue: expired, not-yet-valid,
 * key-mismatch, unreadable, unusable). Read at scrape time from `inventory`; wrap it in
 * {@link cachedFor} so that scrapes read the files at most once a minute.
 */
import { Gauge, type Registry } from '../http/prometheus.js';
import type { CertificateEntry } from '../tls/certificate-inventory.js';

export function registerCertificateMetrics(registry: Registry, inventory: () => Promise<readonly CertificateEntry[]>): void {
  // A scrape starts every collect before it awaits any: both gauges wait for one reading.
  let reading: Promise<void> | undefined;
  const refresh = (): Promise<void> =>
    (reading ??= (async () => {
      const entries = await inventory();
      expiry.reset();
      issue.reset();
      for (const entry of entries) {
        if (entry.notAfter !== undefined) expiry.set({ profile: entry.profile, file: entry.file }, Date.parse(entry.notAfter) / 1000);
        for (const i of entry.issues) issue.set({ profile: entry.profile, file: entry.file, kind: i.kind }, 1);
      }
    })().finally(() => (reading = undefined)));
  const expiry = new Gauge({
    name: 'iofog_router_certificate_expiry_timestamp_seconds',
    help: 'notAfter of each certificate under SSL_PROFILE_PATH and of the management channel, Unix time.',
    labelNames: ['profile', 'file'] as const,
    registers: [registry],
    collect: refresh,
  });
  const issue = new Gauge({
    name: 'iofog_router_certificate_issue',
    help: 'A problem with a certificate or profile (expired, not-yet-valid, key-mismatch, unreadable, unusable): 1 while it lasts.',
    labelNames: ['profile', 'file', 'kind'] as const,
    registers: [registry],
    collect: refresh,
  });
}

/**
 * `load`, called at most once per `maxAgeMs` (default 60 s); callers in between share the last
 * result, or the load in progress. A failed load is not kept.
 */
export function cachedFor<T>(load: () => Promise<T>, maxAgeMs = 60_000, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const t = now();
    if (last !== undefined && t - last.at < maxAgeMs) return last.value;
    const value = load();
    const entry = { at: t, value };
    last = entry;
    value.catch(() => {
      if (last === entry) last = undefined;
    });
    return value;
  };
}
