/**
 * The TLS alert a secured listener of skrouterd 3.5.1 (OpenSSL) ends a TLS 1.3 handshake with when
 * the client's certificate does not do: `certificate required` (none sent), `unknown ca` (not
 * signed by the profile's CA), `unsupported certificate` (not for client authentication), and
 * so on by OpenSSL's mapping of verification errors to alerts.
 *
 * Node verifies client certificates in JavaScript once the handshake is over and can only drop
 * the socket, so the alert is written here: a TLS 1.3 alert record encrypted with the server's
 * application traffic key (from the `keylog` event), at the sequence number after the records
 * the server has already sent under that key (session tickets), which are counted by decrypting
 * the server's outgoing records. A TLS 1.2 connection (the simulator serves it if a client insists)
 * gets no alert: it is dropped, as before.
 */
import { createCipheriv, createDecipheriv, createHmac, type CipherChaCha20Poly1305Types, type CipherGCMTypes } from 'node:crypto';

/** OpenSSL's alert for a verification error (`ssl_verify_alarm_type`), by Node's error code. */
export function alertFor(verifyError: string | undefined): number {
  switch (verifyError) {
    case undefined:
      return 116; // certificate_required: no certificate at all
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'CERT_UNTRUSTED':
    case 'CERT_CHAIN_TOO_LONG':
      return 48; // unknown_ca
    case 'CERT_NOT_YET_VALID':
    case 'CERT_HAS_EXPIRED':
      return 45; // certificate_expired
    case 'CERT_REVOKED':
      return 44; // certificate_revoked
    case 'INVALID_PURPOSE':
    case 'CERT_REJECTED':
      return 43; // unsupported_certificate
    case 'CERT_SIGNATURE_FAILURE':
    case 'CERT_NOT_YET_VALID_CRL':
      return 51; // decrypt_error
    default:
      return 46; // certificate_unknown
  }
}

interface Suite {
  readonly cipher: CipherGCMTypes | CipherChaCha20Poly1305Types;
  readonly hash: 'sha256' | 'sha384';
  readonly keyLength: number;
}

const SUITES: Readonly<Record<string, Suite>> = {
  TLS_AES_128_GCM_SHA256: { cipher: 'aes-128-gcm', hash: 'sha256', keyLength: 16 },
  TLS_AES_256_GCM_SHA384: { cipher: 'aes-256-gcm', hash: 'sha384', keyLength: 32 },
  TLS_CHACHA20_POLY1305_SHA256: { cipher: 'chacha20-poly1305', hash: 'sha256', keyLength: 32 },
};

const APPLICATION_DATA = 0x17;
const ALERT = 0x15;
const TAG_LENGTH = 16;
const IV_LENGTH = 12;

/** HKDF-Expand-Label (RFC 8446 7.1) with an empty context, for outputs of one hash block or less. */
function expandLabel(secret: Buffer, label: string, length: number, hash: Suite['hash']): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0, 1])]);
  return createHmac(hash, secret).update(info).digest().subarray(0, length);
}

function nonce(iv: Buffer, sequence: number): Buffer {
  const n = Buffer.from(iv);
  const seq = Buffer.alloc(IV_LENGTH);
  seq.writeBigUInt64BE(BigInt(sequence), IV_LENGTH - 8);
  for (let i = 0; i < IV_LENGTH; i++) n[i] = (n[i] ?? 0) ^ (seq[i] ?? 0);
  return n;
}

/** The suite's AEAD, for sealing (the overloads differ by algorithm family). */
function seal(suite: Suite, key: Buffer, iv: Buffer, header: Buffer, plain: Buffer): Buffer {
  const c = suite.cipher === 'chacha20-poly1305'
    ? createCipheriv(suite.cipher, key, iv, { authTagLength: TAG_LENGTH })
    : createCipheriv(suite.cipher, key, iv, { authTagLength: TAG_LENGTH });
  c.setAAD(header, { plaintextLength: plain.length });
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** Whether `record` opens with the suite's AEAD at this nonce. */
function opens(suite: Suite, key: Buffer, iv: Buffer, record: Buffer): boolean {
  try {
    const d = suite.cipher === 'chacha20-poly1305'
      ? createDecipheriv(suite.cipher, key, iv, { authTagLength: TAG_LENGTH })
      : createDecipheriv(suite.cipher, key, iv, { authTagLength: TAG_LENGTH });
    d.setAAD(record.subarray(0, 5), { plaintextLength: record.length - 5 - TAG_LENGTH });
    d.setAuthTag(record.subarray(record.length - TAG_LENGTH));
    d.update(record.subarray(5, record.length - TAG_LENGTH));
    d.final();
    return true;
  } catch {
    return false;
  }
}

/** Follows one server connection's outgoing records and writes its closing alert. */
export class AlertWriter {
  private secret: Buffer | undefined;
  private pending = Buffer.alloc(0);
  private records: Buffer[] = [];
  private sent = 0;

  /** A `keylog` line of the connection (only the server's application secret is kept). */
  keylog(line: Buffer): void {
    const [label, , secret] = line.toString('ascii').trim().split(' ');
    if (label === 'SERVER_TRAFFIC_SECRET_0' && secret !== undefined) this.secret = Buffer.from(secret, 'hex');
  }

  /** Bytes the server wrote to the client. */
  outgoing(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt16BE(3);
      if (this.pending.length < 5 + length) break;
      if (this.pending[0] === APPLICATION_DATA) this.records.push(this.pending.subarray(0, 5 + length));
      this.pending = this.pending.subarray(5 + length);
    }
  }

  /** The encrypted alert record, or undefined when the connection is not TLS 1.3 with a known suite. */
  alert(description: number, suiteName: string | undefined): Buffer | undefined {
    const suite = suiteName === undefined ? undefined : SUITES[suiteName];
    if (!suite || !this.secret) return undefined;
    const key = expandLabel(this.secret, 'key', suite.keyLength, suite.hash);
    const iv = expandLabel(this.secret, 'iv', IV_LENGTH, suite.hash);
    // Records the server already sent under this key (tickets) decrypt at the next sequence number.
    for (const record of this.records.splice(0)) if (opens(suite, key, nonce(iv, this.sent), record)) this.sent++;
    const plain = Buffer.from([2, description, ALERT]);
    const header = Buffer.from([APPLICATION_DATA, 3, 3, 0, plain.length + TAG_LENGTH]);
    return Buffer.concat([header, seal(suite, key, nonce(iv, this.sent), header, plain)]);
  }
}
