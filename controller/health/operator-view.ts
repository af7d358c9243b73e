/**
 * What an operator sees beyond the loop's own status: the router's health (links, TCP listeners,
 * routerMetrics; polled only while `/metrics` or `/status` is read) and the certificate inventory
 * (read at most once a minute), as metrics and as fields of `/status`.
 */
import type { Registry } from '../http/prometheus.js';
import type { ManagementClient } from '../management/index.js';
import type { Log } from '../log.js';
import { errorFields } from '../log.js';
import type { ManagementChannel } from '../router/management-channel.js';
import { takeCertificateInventory, type CertificateEntry } from '../tls/certificate-inventory.js';
import { cachedFor, registerCertificateMetrics } from './certificate-metrics.js';
import { registerRouterHealthMetrics } from './health-metrics.js';
import { RouterHealthPoller } from './health-poller.js';
import { routerHealthStatus, type RouterHealthStatus } from './health-status.js';
import { registerReadinessMetric } from './readiness-metric.js';

export interface OperatorViewOptions {
  readonly management: ManagementClient;
  readonly registry: Registry;
  readonly readiness: () => { readonly ok: boolean };
  /** A pass is running: the health poller waits (it shares the management connection). */
  readonly busy: () => boolean;
  readonly sslProfilePath: string;
  /** The controller's own client certificate is listed as profile `management`. */
  readonly channel: Pick<ManagementChannel, 'tls' | 'auth'>;
  readonly log: Log;
}

export interface OperatorStatus extends RouterHealthStatus {
  readonly certificates: readonly CertificateEntry[];
}

export class OperatorView {
  readonly #health: RouterHealthPoller;
  readonly #certificates: () => Promise<readonly CertificateEntry[]>;
  readonly #log: Log;
  #lastCertificates: readonly CertificateEntry[] = [];

  constructor(o: OperatorViewOptions) {
    this.#log = o.log;
    this.#health = new RouterHealthPoller({
      management: o.management,
      busy: o.busy,
      onError: (error) => o.log.debug('router health reading failed', errorFields(error)),
    });
    registerRouterHealthMetrics(o.registry, this.#health);
    registerReadinessMetric(o.registry, o.readiness);
    const { tls, auth } = o.channel;
    const own = tls?.cert ? [{ profile: 'management', file: auth === 'mtls' ? 'controller.crt' : 'ROUTER_TLS_CERT', certPem: tls.cert, ...(tls.key ? { keyPem: tls.key } : {}) }] : [];
    this.#certificates = cachedFor(() => takeCertificateInventory({ dir: o.sslProfilePath, extra: own }).then((c) => (this.#lastCertificates = c)));
    registerCertificateMetrics(o.registry, this.#certificates);
  }

  /** Reads the certificates in the background (cached), so the next `/status` lists them. */
  refreshCertificates(): void {
    this.#certificates().catch((error: unknown) => this.#log.warn('certificate inventory failed', errorFields(error)));
  }

  /** For `/status`: reading it keeps the health poller going, like a scrape does. */
  status(): OperatorStatus {
    this.#health.touch();
    this.refreshCertificates();
    return { ...routerHealthStatus(this.#health.snapshot()), certificates: this.#lastCertificates };
  }

  close(): void {
    this.#health.close();
  }
}
