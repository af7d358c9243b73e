import { describe, expect, it } from 'vitest';
import { ManagementOptionError, resolveOptions } from './options.js';

const pem = Buffer.from('-----BEGIN CERTIFICATE-----\n');

function optionOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ManagementOptionError) return error.option;
    throw error;
  }
  return undefined;
}

describe('resolveOptions', () => {
  it('fills every default once', () => {
    const o = resolveOptions({ url: 'amqp://router' });
    expect(o).toMatchObject({
      host: 'router',
      port: 5672,
      address: '$management',
      maxInFlight: 32,
      timeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      closeTimeoutMs: 2_000,
      idleTimeoutMs: 16_000,
      reconnect: { initialDelayMs: 250, maxDelayMs: 10_000, jitter: 0.2 },
      tls: undefined,
      sasl: 'ANONYMOUS',
    });
    expect(o.containerId).toMatch(/^iofog-router-mgmt-/);
  });

  it('reads host and port from the URL, with the scheme default port', () => {
    expect(resolveOptions({ url: 'amqp://127.0.0.1:25673' })).toMatchObject({ host: '127.0.0.1', port: 25673 });
    expect(resolveOptions({ url: 'amqps://r.example', tls: {} })).toMatchObject({ host: 'r.example', port: 5671 });
    expect(resolveOptions({ url: 'amqp://[::1]:5672' }).host).toBe('::1');
  });

  it('defaults SASL to EXTERNAL when a client certificate is given', () => {
    expect(resolveOptions({ url: 'amqps://r', tls: { cert: pem, key: pem } }).sasl).toBe('EXTERNAL');
    expect(resolveOptions({ url: 'amqps://r', tls: { cert: pem, key: pem }, sasl: 'ANONYMOUS' }).sasl).toBe('ANONYMOUS');
  });

  it.each([
    ['url', { url: 'not a url' }],
    ['url', { url: 'http://router:5672' }],
    ['url', { url: 'amqp://router', tls: {} }],
    ['url', { url: undefined as unknown as string }],
    ['maxInFlight', { url: 'amqp://r', maxInFlight: 0 }],
    ['timeoutMs', { url: 'amqp://r', timeoutMs: 1.5 }],
    ['reconnectJitter', { url: 'amqp://r', reconnectJitter: 2 }],
    ['reconnectMaxDelayMs', { url: 'amqp://r', reconnectInitialDelayMs: 500, reconnectMaxDelayMs: 100 }],
    ['idleTimeoutMs', { url: 'amqp://r', idleTimeoutMs: -1 }],
    ['tls', { url: 'amqps://r', tls: { cert: pem } }],
    ['sasl', { url: 'amqp://r', sasl: 'EXTERNAL' as const }],
    ['sasl', { url: 'amqp://r', sasl: 'PLAIN' as unknown as 'ANONYMOUS' }],
    ['address', { url: 'amqp://r', address: '' }],
  ])('rejects a bad %s early, naming it', (option, options) => {
    expect(optionOf(() => resolveOptions(options))).toBe(option);
  });

  it('says what is wrong in the message', () => {
    expect(() => resolveOptions({ url: 'http://router' })).toThrow(/'url'.*amqp:\/\/ or amqps:\/\//);
  });
});
