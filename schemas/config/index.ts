/** Both config formats → one validated DesiredState, and back to a skrouterd boot file. */
export {
  loadConfig,
  loadConfigOrThrow,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ENTITIES,
  type ConfigFormat,
  type LoadOptions,
  type LoadResult,
} from './load.js';
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
