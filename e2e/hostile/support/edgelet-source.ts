/** The pot source the Edgelet suites attach to a rig: the v1 client against a fake Edgelet, with short timings. */
import { createLog } from '../../../controller/log.js';
import { EdgeletSource, EdgeletV1Client } from '../../../controller/sources/edgelet/index.js';
import type { FakeEdgelet } from '../../fake-edgelet/fake-edgelet.js';

/**
 * `readRetryInitialMs`: first delay before a failed refetch is retried (the source's default, 1 s,
 * when not given). A suite that must observe the source down sets it long: the source then stays
 * down until a signal (which refetches at once) or a pass reads it again.
 */
export function edgeletSourceFor(fake: FakeEdgelet, timings: { requestTimeoutMs?: number; reconnectMaxMs: number; readRetryInitialMs?: number }): EdgeletSource {
  const api = new EdgeletV1Client({
    microserviceUid: fake.uuid,
    host: '127.0.0.1',
    port: fake.port,
    tokenDir: fake.tokenDir,
    ...(timings.requestTimeoutMs !== undefined ? { requestTimeoutMs: timings.requestTimeoutMs } : {}),
  });
  return new EdgeletSource({
    api,
    log: createLog({ level: 'error', json: true, write: () => undefined }),
    pollIntervalMs: 0,
    readAttempts: 1,
    reconnectInitialMs: 20,
    reconnectMaxMs: timings.reconnectMaxMs,
    coalesceMs: 20,
    ...(timings.readRetryInitialMs !== undefined ? { readRetryInitialMs: timings.readRetryInitialMs, readRetryMaxMs: Math.max(30_000, timings.readRetryInitialMs) } : {}),
  });
}
