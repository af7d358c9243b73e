/** The pot source the Edgelet suites attach to a rig: the v1 client against a fake Edgelet, with short timings. */
import { createLog } from '../../../controller/log.js';
import { EdgeletSource, EdgeletV1Client } from '../../../controller/sources/edgelet/index.js';
import type { FakeEdgelet } from '../../fake-edgelet/fake-edgelet.js';

export function edgeletSourceFor(fake: FakeEdgelet, timings: { requestTimeoutMs?: number; reconnectMaxMs: number }): EdgeletSource {
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
  });
}
