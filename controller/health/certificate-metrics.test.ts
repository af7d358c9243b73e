import { describe, expect, it } from 'vitest';
import { Registry } from '../http/prometheus.js';
import { createManagementCredentials } from '../tls/management-credentials.js';
import { takeCertificateInventory } from '../tls/certificate-inventory.js';
import { cachedFor, registerCertificateMetrics } from './certificate-metrics.js';

describe('certificate metrics', () => {
  it('exports each certificate\'s notAfter and its issues', async () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const good = createManagementCredentials({ now, validityDays: 10 });
    const other = createManagementCredentials({ now });
    const registry = new Registry();
    registerCertificateMetrics(registry, () =>
      takeCertificateInventory({
        now,
        extra: [
          { profile: 'management', file: 'router.crt', certPem: good.routerCertPem, keyPem: good.routerKeyPem },
          { profile: 'management', file: 'controller.crt', certPem: good.clientCertPem, keyPem: other.clientKeyPem },
        ],
      }),
    );
    const text = await registry.metrics();
    const notAfter = (now.getTime() + 10 * 86_400_000) / 1000;
    expect(text).toContain(`iofog_router_certificate_expiry_timestamp_seconds{profile="management",file="router.crt"} ${notAfter}`);
    expect(text).toContain('iofog_router_certificate_issue{profile="management",file="controller.crt",kind="key-mismatch"} 1');
    expect(text).not.toContain('file="router.crt",kind=');
  });

  it('caches a load for maxAgeMs, and forgets a failed one', async () => {
    let clock = 0;
    let loads = 0;
    let fail = false;
    const get = cachedFor(() => (++loads, fail ? Promise.reject(new Error('boom')) : Promise.resolve(loads)), 1000, () => clock);
    expect(await get()).toBe(1);
    clock = 999;
    expect(await get()).toBe(1);
    clock = 1000;
    fail = true;
    await expect(get()).rejects.toThrow('boom');
    fail = false;
    expect(await get()).toBe(3);
  });
});
