import { describe, expect, it } from 'vitest';
import type { DesiredState } from '../../schemas/index.js';
import { Metrics } from '../http/metrics.js';
import { createLog } from '../log.js';
import { DesiredInput } from './desired-input.js';
import { StatusStore } from './status.js';
import { TextSource, tcp, text } from './test-support/text-source.js';

const log = createLog({ level: 'error', write: () => undefined });

function setup(): { input: DesiredInput; source: TextSource; hooked: DesiredState[] } {
  const source = new TextSource();
  const hooked: DesiredState[] = [];
  const input = new DesiredInput({
    source,
    status: new StatusStore(source.describe()),
    metrics: new Metrics({ processMetrics: false }),
    onDesired: (state) => {
      hooked.push(state);
      return Promise.resolve();
    },
  });
  return { input, source, hooked };
}

const tcpOf = (state: DesiredState | undefined, name: string) => state?.entities.find((e) => e.kind === 'tcpListener' && e.name === name);

describe('DesiredInput interning', () => {
  it('keeps the objects of unchanged entities across a new revision, and never a changed one', async () => {
    const { input, source, hooked } = setup();
    source.text = text(tcp('a', 20001), tcp('b', 20002), tcp('c', 20003));
    await input.read(log);
    const first = input.lastGood?.state;
    source.text = text(tcp('a', 20001), tcp('b', 20012), tcp('c', 20003));
    await input.read(log);
    const second = input.lastGood?.state;
    expect(second).not.toBe(first);
    expect(tcpOf(second, 'a')).toBe(tcpOf(first, 'a'));
    expect(tcpOf(second, 'c')).toBe(tcpOf(first, 'c'));
    expect(tcpOf(second, 'b')).not.toBe(tcpOf(first, 'b'));
    expect(tcpOf(second, 'b')?.attributes['port']).toBe('20012');
    expect(tcpOf(first, 'b')?.attributes['port']).toBe('20002');
    // the boot file hook sees the interned state, the one the pass plans
    expect(hooked.at(-1)).toBe(second);
  });

  it('does not intern from a rejected input: the last good state stays the reference', async () => {
    const { input, source } = setup();
    source.text = text(tcp('a', 20001));
    await input.read(log);
    const first = input.lastGood?.state;
    source.text = '[ not json';
    expect((await input.read(log)).valid).toBe(false);
    expect(input.lastGood?.state).toBe(first);
    source.text = text(tcp('a', 20001), tcp('d', 20004));
    await input.read(log);
    expect(tcpOf(input.lastGood?.state, 'a')).toBe(tcpOf(first, 'a'));
  });
});
