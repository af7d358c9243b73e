import { describe, expect, it } from 'vitest';
import { ManagementUnavailableError } from '../../reconcilers/management.js';
import { nextEvent, outcome, useHarness } from './test-support/harness.js';

const LISTENER = 'io.skupper.router.listener';
/** Handle types a client could leave behind: its socket and its timers. */
const WATCHED = ['TCPSocketWrap', 'Timeout'] as const;

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Counts once the sockets of earlier tests have finished closing. */
async function baselineCounts(): Promise<ReturnType<typeof handleCounts>> {
  for (let i = 0; i < 200; i++) await turn();
  return handleCounts();
}

function handleCounts(): Record<(typeof WATCHED)[number], number> {
  const all = process.getActiveResourcesInfo();
  return { TCPSocketWrap: all.filter((r) => r === 'TCPSocketWrap').length, Timeout: all.filter((r) => r === 'Timeout').length };
}

/** True once no watched handle exceeds `baseline`; sockets close a few event-loop turns after their end. */
async function backTo(baseline: ReturnType<typeof handleCounts>): Promise<boolean> {
  const within = () => WATCHED.every((type) => handleCounts()[type] <= baseline[type]);
  for (let i = 0; i < 5_000 && !within(); i++) await turn();
  return within();
}

describe('close', () => {
  const h = useHarness();

  it('fails sent and queued requests with reason closed, and refuses new ones', async () => {
    h.peer.handler = () => 'hold';
    const client = h.client({ maxInFlight: 2 });
    const pending = [1, 2, 3].map((i) => outcome(client.read(LISTENER, `e-${i}`)));
    await h.peer.until(() => h.peer.held.length === 2);
    const closing = client.close();
    expect(client.close()).toBe(closing);
    await closing;
    for (const result of await Promise.all(pending)) {
      expect(result).toEqual({ error: new ManagementUnavailableError('READ', 'closed') });
    }
    await expect(client.read(LISTENER, 'late')).rejects.toMatchObject({ reason: 'closed' });
  });

  it('leaves no socket and no timer behind, requests with timers included', async () => {
    const baseline = await baselineCounts();
    h.peer.handler = (r) => (r.applicationProperties.name === 'never' ? 'hold' : { statusCode: 200, body: {} });
    const client = h.client();
    await client.read(LISTENER, 'one');
    const never = outcome(client.read(LISTENER, 'never'));
    await h.peer.until(() => h.peer.held.length === 1);
    expect(handleCounts().TCPSocketWrap).toBeGreaterThan(baseline.TCPSocketWrap);
    await client.close();
    await h.peer.until(() => h.peer.openConnections === 0);
    expect(await backTo(baseline)).toBe(true);
    expect(await never).toMatchObject({ error: { reason: 'closed' } });
  });

  it('leaves nothing behind when closed while waiting to reconnect', async () => {
    const baseline = await baselineCounts();
    const client = h.client({ reconnectInitialDelayMs: 60_000, reconnectMaxDelayMs: 60_000 });
    await client.read(LISTENER, 'one');
    const disconnected = nextEvent(client, 'disconnected');
    await h.peer.stop();
    expect((await disconnected).retryInMs).toBeGreaterThan(0);
    await client.close();
    expect(await backTo(baseline)).toBe(true);
  });

  it('drops the socket when the router does not answer the close', async () => {
    const baseline = await baselineCounts();
    const client = h.client({ closeTimeoutMs: 50 });
    await client.read(LISTENER, 'one');
    h.peer.freeze();
    await client.close();
    h.peer.dropConnections();
    expect(await backTo(baseline)).toBe(true);
  });

  it('emits no event after close', async () => {
    const client = h.client();
    await client.read(LISTENER, 'one');
    const events: string[] = [];
    client.on('disconnected', () => events.push('disconnected'));
    client.on('connected', () => events.push('connected'));
    await client.close();
    h.peer.dropConnections();
    await h.peer.until(() => h.peer.openConnections === 0);
    expect(events).toEqual([]);
  });
});
