import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../schemas/config/index.js';
import { MANAGEMENT_LISTENER, bootConfig } from './boot-file.js';

describe('boot file', () => {
  it('holds the desired state plus the loopback management listener, replacing a desired one of that name', () => {
    const text = bootConfig(
      {
        entities: [
          { kind: 'router', name: 'r', attributes: { id: 'r', mode: 'edge' } },
          { kind: 'listener', name: MANAGEMENT_LISTENER, attributes: { host: '0.0.0.0', port: '1' } },
          { kind: 'listener', name: 'amqp', attributes: { port: '5672' } },
        ],
      },
      55672,
    );
    const state = loadConfigOrThrow(text, { file: 'boot.json' }).state;
    const listeners = state.entities.filter((e) => e.kind === 'listener');
    expect(listeners.map((e) => e.name).sort()).toEqual(['amqp', MANAGEMENT_LISTENER]);
    expect(listeners.find((e) => e.name === MANAGEMENT_LISTENER)?.attributes).toMatchObject({ host: '127.0.0.1', port: '55672' });
  });

  it('boots a placeholder router when no desired state is known yet', () => {
    const state = loadConfigOrThrow(bootConfig({ entities: [] }, 55672), { file: 'boot.json' }).state;
    expect(state.entities.map((e) => `${e.kind}/${e.name}`).sort()).toEqual([`listener/${MANAGEMENT_LISTENER}`, 'router/router']);
  });
});
