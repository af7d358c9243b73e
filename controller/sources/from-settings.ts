/** The desired-state source the settings ask for: the watched file (kubernetes) or the Edgelet (pot). */
import { dirname, resolve } from 'node:path';
import type { Log } from '../log.js';
import type { Settings } from '../settings.js';
import { StartupError } from '../startup-error.js';
import { FileSource } from './file-source.js';
import type { DesiredSource } from './source.js';

export async function sourceFromSettings(settings: Settings, log: Log): Promise<DesiredSource> {
  if (settings.platform === 'kubernetes') {
    const bootFile = settings.bootFile ?? settings.configFile;
    if (bootFile !== settings.configFile && dirname(resolve(bootFile)) === dirname(resolve(settings.configFile))) {
      // The watcher re-reads and stats the whole directory on each event there (chokidar): measured
      // +12 ms on a one-entity change at 1,000 entities, more in a crowded directory such as /tmp.
      log.warn('ROUTER_BOOT_FILE is in the directory of QDROUTERD_CONF: every boot file rewrite wakes the watcher of the desired file and slows each change; put them in different directories', { bootFile, configFile: settings.configFile });
    }
    return new FileSource({ file: settings.configFile, debounceMs: settings.debounceMs, maxBytes: settings.configMaxBytes });
  }
  // Loaded only in pot mode: ky, ws and the Edgelet clients cost memory a kubernetes controller does not need.
  const { EdgeletError, EdgeletSource, createAgentApi } = await import('./edgelet/index.js');
  try {
    const api = await createAgentApi({
      api: settings.edgeletApi,
      fallbackHosts: settings.edgeletFallbackHosts,
      port: settings.edgeletPort,
      tokenDir: settings.edgeletTokenDir,
      maxConfigBytes: settings.configMaxBytes,
      ...(settings.microserviceUid !== undefined ? { microserviceUid: settings.microserviceUid } : {}),
      ...(settings.selfName !== undefined ? { selfName: settings.selfName } : {}),
      ...(settings.edgeletHost !== undefined ? { host: settings.edgeletHost } : {}),
      ...(settings.ssl !== undefined ? { tls: settings.ssl } : {}),
      ...(settings.edgeletServerName !== undefined ? { serverName: settings.edgeletServerName } : {}),
    });
    return new EdgeletSource({ api, log: log.child({ component: 'edgelet' }), pollIntervalMs: settings.edgeletPollSeconds * 1000 });
  } catch (error) {
    if (error instanceof EdgeletError) throw new StartupError(`pot mode: ${error.message}`);
    throw error;
  }
}
