/** Both config formats → one validated DesiredState, and back to a skrouterd boot file. */
export {
  loadConfig,
  loadConfigOrThrow,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ENTITIES,
  type ConfigFormat,
  type ConfigLocation,
  type LoadOptions,
  type LoadResult,
  type LocateEntity,
} from './load.js';
export type { ReservedPort } from './check-sockets.js';
export { writeSkrouterdConfig } from './write.js';
export {
  DesiredStateError,
  formatIssues,
  formatPath,
  type ConfigIssue,
  type JsonPath,
  type PathSegment,
  type Severity,
} from './issues.js';
