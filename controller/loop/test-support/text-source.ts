/** What the loop's tests share: a source whose text the test sets, and small desired states. */
import { writeSkrouterdConfig } from '../../../schemas/config/index.js';
import type { DesiredEntity } from '../../../schemas/index.js';
import { revisionOf } from '../../sources/file-source.js';
import type { DesiredSource, SourceSnapshot } from '../../sources/source.js';

export const TCP = 'io.skupper.router.tcpListener';
/** The signal of a pass nobody stops. */
export const LIVE = new AbortController().signal;

export const router: DesiredEntity = { kind: 'router', name: 'r', attributes: { id: 'r', mode: 'edge' } };
export const tcp = (name: string, port: number): DesiredEntity => ({ kind: 'tcpListener', name, attributes: { host: '127.0.0.1', port: String(port), address: name } });
export const text = (...entities: DesiredEntity[]) => writeSkrouterdConfig({ entities: [router, ...entities] });

/** A source whose text the test sets; it fails while `broken` is set. */
export class TextSource implements DesiredSource {
  text = '';
  broken: Error | undefined;
  /** How often a pass looked at the text of a snapshot (parsing it). */
  textReads = 0;

  read(): Promise<SourceSnapshot> {
    if (this.broken) return Promise.reject(this.broken);
    const text = this.text;
    const count = () => this.textReads++;
    return Promise.resolve({
      get text() {
        count();
        return text;
      },
      file: 'desired.json',
      revision: revisionOf(text),
    });
  }
  start() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
  describe() {
    return { kind: 'test', location: 'desired.json' };
  }
}
