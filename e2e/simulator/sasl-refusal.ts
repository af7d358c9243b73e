/**
 * A connection to a secured listener that can be offered no SASL mechanism: a plain (not TLS)
 * connection when the listener's only mechanism is EXTERNAL, which needs the TLS layer. skrouterd
 * 3.5.1 answers such a client's SASL header with an empty sasl-mechanisms list, so the client gives
 * up (proton: `amqp:unauthorized-access` `Authentication failed [mech=none]`; rhea: "No suitable
 * mechanism; server supports " with nothing after it); a client that picks a mechanism anyway gets
 * the outcome `auth`, and the connection ends. A client that skips SASL is dropped when the
 * listener requires TLS or authentication (rhea's `require_sasl` does the same elsewhere).
 *
 * rhea's own server cannot offer an empty list (it falls back to ANONYMOUS), so these few frames
 * are written by hand.
 */
import type { Duplex } from 'node:stream';

const SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 3, 1, 0, 0]);
const HEADER_LENGTH = 8;
const SASL_FRAME_TYPE = 1;

/** One SASL frame (doff 2, channel 0) around a performative body. */
function frame(body: Buffer): Buffer {
  const header = Buffer.from([0, 0, 0, 0, 2, SASL_FRAME_TYPE, 0, 0]);
  header.writeUInt32BE(header.length + body.length, 0);
  return Buffer.concat([header, body]);
}

/** sasl-mechanisms (0x40) whose sasl-server-mechanisms is an empty array of symbols. */
const EMPTY_MECHANISMS = frame(Buffer.from([0x00, 0x53, 0x40, 0xc0, 0x05, 0x01, 0xe0, 0x02, 0x00, 0xa3]));
/** sasl-outcome (0x44) with code 1, `auth`. */
const OUTCOME_AUTH = frame(Buffer.from([0x00, 0x53, 0x44, 0xc0, 0x03, 0x01, 0x50, 0x01]));

/**
 * Reads the client's protocol header from `stream`. A SASL header gets the empty mechanism list
 * (then `auth` to whatever it sends next, and the end); a plain AMQP header is handed back with
 * `proceed` (the bytes put back) unless `dropPlain`, when the connection ends at once.
 */
export function refuseSasl(stream: Duplex, dropPlain: boolean, proceed: () => void, end: () => void): void {
  let head = Buffer.alloc(0);
  let answered = false;
  const onData = (chunk: Buffer): void => {
    if (answered) {
      stream.off('data', onData);
      stream.write(OUTCOME_AUTH, () => end());
      return;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < HEADER_LENGTH) return;
    if (head[4] !== SASL_HEADER[4] || !head.subarray(0, 4).equals(SASL_HEADER.subarray(0, 4))) {
      stream.off('data', onData);
      if (dropPlain) return end();
      stream.pause();
      stream.unshift(head);
      proceed();
      stream.resume();
      return;
    }
    answered = true;
    stream.write(Buffer.concat([SASL_HEADER, EMPTY_MECHANISMS]));
    // A sasl-init may have come with the header.
    if (head.length > HEADER_LENGTH) onData(head.subarray(HEADER_LENGTH));
  };
  stream.on('data', onData);
}
