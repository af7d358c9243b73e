import { describe, expect, it } from 'vitest';
import { loggableBody } from './logger.js';

describe('loggableBody', () => {
  it.each(['io.skupper.router.sslProfile', 'io.skupper.router.proxyProfile', 'io.skupper.router.connector'])(
    'never lets a body of %s through, only its attribute names',
    (type) => {
      const logged = loggableBody(type, { password: 'pass:hunter2', saslPassword: 'hunter2' });
      expect(JSON.stringify(logged)).not.toContain('hunter2');
      expect(logged).toEqual({ redacted: true, attributeNames: ['password', 'saslPassword'] });
    },
  );

  it('treats an unknown or missing type as secret', () => {
    expect(loggableBody('io.skupper.router.frobnicator', { a: 1 })).toEqual({ redacted: true, attributeNames: ['a'] });
    expect(loggableBody(undefined, [1, 2])).toEqual({ redacted: true });
  });

  it('logs bodies of types without secrets as they are', () => {
    const body = { host: '0.0.0.0', port: '5672' };
    expect(loggableBody('io.skupper.router.listener', body)).toBe(body);
  });
});
