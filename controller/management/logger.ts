/**
 * The logging seam of the management client, and the rule that keeps secrets out of logs:
 * bodies of types that carry secrets (sslProfile and proxyProfile passwords, connector SASL
 * passwords) are never logged, in either direction; only their attribute names are.
 */
import { factsForLongType } from '../../schemas/index.js';

/** Structured logger; `fields` is a flat object of extra context. */
export interface ManagementLogger {
  debug(msg: string, fields?: object): void;
  info(msg: string, fields?: object): void;
  warn(msg: string, fields?: object): void;
  error(msg: string, fields?: object): void;
}

const noop = (): void => undefined;

export const NOOP_LOGGER: ManagementLogger = { debug: noop, info: noop, warn: noop, error: noop };

function carriesSecrets(longType: string | undefined): boolean {
  if (longType === undefined) return true;
  const facts = factsForLongType(longType);
  // A type we do not model may carry anything; treat it as secret.
  if (facts === undefined) return true;
  return Object.values(facts.attributes).some((a) => a.secret === true);
}

/**
 * What may be logged of a request or reply body: the body itself for types without secrets,
 * otherwise only its attribute names.
 */
export function loggableBody(longType: string | undefined, body: unknown): unknown {
  if (!carriesSecrets(longType)) return body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    return { redacted: true, attributeNames: Object.keys(body) };
  }
  return { redacted: true };
}
