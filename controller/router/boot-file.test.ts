import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../schemas/config/index.js';
import { MANAGEMENT_LISTENER, bootConfig } from './boot-file.js';
import { MANAGEMENT_SSL_PROFILE, anonymousListener, mtlsEntities } from './management-channel.js';

const boot = (text: string) => loadConfigOrThrow(text, { file: 'boot.json' }).state.entities;

describe('boot file', () => {
  it('holds the desired state plus the management channel, leaving out desired entities of the reserved name', () => {
    const entities = boot(
      bootConfig(
        {
          entities: [
            { kind: 'router', name: 'r', attributes: { id: 'r', mode: 'edge' } },
            { kind: 'listener', name: MANAGEMENT_LISTENER, attributes: { host: '0.0.0.0', port: '1' } },
            { kind: 'sslProfile', name: MANAGEMENT_SSL_PROFILE, attributes: { caCertFile: '/etc/evil/ca.crt' } },
            { kind: 'listener', name: 'amqp', attributes: { port: '5672' } },
          ],
        },
        mtlsEntities(55672, '/run/mgmt'),
      ),
    );
    expect(entities.map((e) => `${e.kind}/${e.name}`).sort()).toEqual([
      'listener/amqp',
      `listener/${MANAGEMENT_LISTENER}`,
      'router/r',
      `sslProfile/${MANAGEMENT_SSL_PROFILE}`,
    ]);
    expect(entities.find((e) => e.kind === 'listener' && e.name === MANAGEMENT_LISTENER)?.attributes).toMatchObject({
      host: '127.0.0.1',
      port: '55672',
      sslProfile: MANAGEMENT_SSL_PROFILE,
      requireSsl: true,
      authenticatePeer: true,
      saslMechanisms: 'EXTERNAL',
    });
    expect(entities.find((e) => e.kind === 'sslProfile')?.attributes).toEqual({
      caCertFile: '/run/mgmt/ca.crt',
      certFile: '/run/mgmt/router.crt',
      privateKeyFile: '/run/mgmt/router.key',
    });
  });

  it('boots a placeholder router when no desired state is known yet', () => {
    const entities = boot(bootConfig({ entities: [] }, [anonymousListener(55672)]));
    expect(entities.map((e) => `${e.kind}/${e.name}`).sort()).toEqual([`listener/${MANAGEMENT_LISTENER}`, 'router/router']);
    expect(entities.find((e) => e.kind === 'listener')?.attributes).toMatchObject({ host: '127.0.0.1', saslMechanisms: 'ANONYMOUS' });
  });

  it('adds nothing for a channel without entities (the file a stopped controller leaves)', () => {
    expect(boot(bootConfig({ entities: [{ kind: 'listener', name: MANAGEMENT_LISTENER, attributes: { port: '1' } }] }, [])).map((e) => e.kind)).toEqual(['router']);
  });
});
