import { describe, expect, it } from 'vitest';
import { HTTP_OWNER, MANAGEMENT_OWNER, reservedPortsOf } from './reserved-ports.js';

describe('the ports the controller holds', () => {
  it.each([
    ['supervised', {}, [[55672, '127.0.0.1', MANAGEMENT_OWNER], [9191, '0.0.0.0', HTTP_OWNER]]],
    ['supervised, other ports', { managementPort: 1234, httpPort: 8080 }, [[1234, '127.0.0.1', MANAGEMENT_OWNER], [8080, '0.0.0.0', HTTP_OWNER]]],
    ['supervised, HTTP on any free port', { httpPort: 0 }, [[55672, '127.0.0.1', MANAGEMENT_OWNER]]],
    ['attached to a router on 127.0.0.1', { routerUrl: 'amqp://127.0.0.1:5672' }, [[9191, '0.0.0.0', HTTP_OWNER]]],
    ['attached to a router on localhost', { routerUrl: 'amqps://LOCALHOST:5671' }, [[9191, '0.0.0.0', HTTP_OWNER]]],
    ['attached to a router on ::1', { routerUrl: 'amqp://[::1]:5672' }, [[9191, '0.0.0.0', HTTP_OWNER]]],
    ['attached to a router elsewhere', { routerUrl: 'amqp://router.example:5672' }, []],
  ] as const)('%s', (_, overrides, expected) => {
    const settings = { managementPort: 55672, httpPort: 9191, ...overrides };
    expect(reservedPortsOf(settings).map((r) => [r.port, r.host, r.owner])).toEqual(expected);
  });

  it('uses the HTTP server\'s own address when it is given', () => {
    expect(reservedPortsOf({ managementPort: 55672, httpPort: 9191 }, '127.0.0.1')[1]).toMatchObject({ host: '127.0.0.1' });
  });
});
