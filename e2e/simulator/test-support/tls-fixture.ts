/**
 * The set-up the simulator's TLS tests share: a PKI (pki.ts) made once per test file and removed
 * at its end, a simulator and whatever the test opened (clients, servers) released after each
 * test, and the product's management client with the PKI's client certificate.
 *
 * Call `tlsFixture()` at the top of a test file; read `pki` from inside tests and hooks only.
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ManagementClient, type ManagementClientOptions } from '../../../controller/management/index.js';
import type { Simulator } from '../index.js';
import { createTestPki, type TestPki } from './pki.js';

export interface TlsFixture {
  /** The certificates, from `beforeAll` on. */
  readonly pki: TestPki;
  /** The simulator under test: set it, and it is closed after the test. */
  simulator: Simulator | undefined;
  /** Releases `close` after the test (last registered first, before the simulator closes). */
  onCleanup(close: () => Promise<unknown>): void;
  /** Releases what `onCleanup` registered so far, now. */
  cleanUp(): Promise<void>;
  /** The product's management client, authenticated by the PKI's client certificate (closed after the test). */
  mtlsClient(url: string, options?: Partial<ManagementClientOptions>): ManagementClient;
}

export function tlsFixture(): TlsFixture {
  let pki: TestPki | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  const fixture: TlsFixture = {
    get pki(): TestPki {
      if (!pki) throw new Error('tlsFixture: the PKI is made in beforeAll');
      return pki;
    },
    simulator: undefined,
    onCleanup: (close) => void closers.push(close),
    async cleanUp() {
      for (const close of closers.splice(0).reverse()) await close();
    },
    mtlsClient(url, options = {}) {
      const { ca, client } = fixture.pki;
      const managementClient = new ManagementClient({ url, tls: { ca, cert: client.cert, key: client.key, servername: 'localhost' }, timeoutMs: 5000, ...options });
      closers.push(() => managementClient.close());
      return managementClient;
    },
  };
  beforeAll(() => {
    pki = createTestPki();
  });
  afterAll(() => {
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await fixture.cleanUp();
    await fixture.simulator?.close();
    fixture.simulator = undefined;
  });
  return fixture;
}
