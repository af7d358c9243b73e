/**
 * The limits `qd_server_config_load` (server_config.c) puts on a listener's or connector's
 * numbers, in its order: cost 1…2147483647; maxSessions 1…32768, maxFrameSize 512…2147483647
 * and maxSessionFrames 2…2147483647, 0 meaning the default for those three. A value out of range
 * is a `CError: Configuration: …` (a 500 to a CREATE; at boot the router exits).
 */
import { CError } from './errors.js';
import { pyStr, type Attributes } from './python-values.js';

const INT32_MAX = 2147483647;
const MIN_MAX_FRAME_SIZE = 512;
const MAX_SESSIONS = 32768;

/** `qd_entity_opt_long`: the attribute as an integer, or the fallback when it is not there. */
function long(attributes: Attributes, name: string, fallback: number): number {
  const value = attributes[name];
  return typeof value === 'number' ? value : fallback;
}

function outside(value: number, min: number, max: number): boolean {
  return value !== 0 && (value < min || value > max);
}

/** Throws the CError the router's configuration load fails with, if any. */
export function checkServerConfig(attributes: Attributes): void {
  const cost = long(attributes, 'cost', 1);
  if (cost <= 0 || cost > INT32_MAX) {
    throw new CError('Configuration', `Invalid cost (${pyStr(cost)}) specified. Minimum value for cost is 1 and maximum value is ${INT32_MAX}`);
  }
  const sessions = long(attributes, 'maxSessions', 0);
  if (outside(sessions, 1, MAX_SESSIONS)) {
    throw new CError('Configuration', `Invalid maxSessions specified (${pyStr(sessions)}). Minimum value is 1 and maximum value is ${MAX_SESSIONS}`);
  }
  const frameSize = long(attributes, 'maxFrameSize', 0);
  if (outside(frameSize, MIN_MAX_FRAME_SIZE, INT32_MAX)) {
    throw new CError(
      'Configuration',
      `Invalid maxFrameSize specified (${pyStr(frameSize)}). Minimum value is ${MIN_MAX_FRAME_SIZE} and maximum value is ${INT32_MAX}`,
    );
  }
  const sessionFrames = long(attributes, 'maxSessionFrames', 0);
  if (outside(sessionFrames, 2, INT32_MAX)) {
    throw new CError('Configuration', `Invalid maxSessionFrames specified (${pyStr(sessionFrames)}). Minimum value is 2 and maximum value is ${INT32_MAX}`);
  }
}
