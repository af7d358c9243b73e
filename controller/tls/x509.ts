/**
 * A minimal DER encoder and X.509 v3 certificate writer: just enough to mint the
 * controller's ephemeral management PKI (ECDSA P-256 / SHA-256, CN-only names).
 *
 * Node parses certificates (`crypto.X509Certificate`) but cannot write them, and a full
 * library (@peculiar/x509) costs ~13 MB RSS, ~115 ms and a global polyfill on 60 MB edge
 * devices. The output is checked by Node's parser, `openssl verify` and real OpenSSL
 * handshakes in the tests.
 */
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

/** Definite length octets: short form below 128, long form (0x80 | byte count, big-endian) above. */
export function derLength(length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`DER length must be a non-negative integer, got ${length}`);
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const base128 = (arc: number): number[] => {
  const out = [arc % 128];
  for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) out.unshift(0x80 | rest % 128);
  return out;
};

function contextTag(tagNumber: number, constructed: boolean): number {
  if (!Number.isInteger(tagNumber) || tagNumber < 0 || tagNumber > 30) throw new RangeError(`context tag number must be 0..30, got ${tagNumber}`);
  return (constructed ? 0xa0 : 0x80) | tagNumber;
}

/** DER encoders. Each returns one complete TLV. */
export const der = {
  /** Non-negative INTEGER; bytes are an unsigned big-endian magnitude (a 0x00 is prepended when the high bit is set). */
  integer(value: number | bigint | Uint8Array): Buffer {
    let bytes: Buffer;
    if (value instanceof Uint8Array) bytes = Buffer.from(value);
    else {
      if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`INTEGER must be a safe integer, got ${value}`);
      if (value < 0) throw new RangeError(`only non-negative INTEGERs are supported, got ${value}`);
      const hex = value.toString(16);
      bytes = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
    }
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
    bytes = bytes.length === 0 ? Buffer.from([0]) : bytes.subarray(start);
    return tlv(0x02, ((bytes[0] ?? 0) & 0x80) !== 0 ? Buffer.from([0]) : Buffer.alloc(0), bytes);
  },
  oid(dotted: string): Buffer {
    const arcs = /^\d+(\.\d+)+$/.test(dotted) ? dotted.split('.').map(Number) : [];
    const [first = 3, second = 0, ...rest] = arcs;
    if (first > 2 || (first < 2 && second >= 40) || !arcs.every(Number.isSafeInteger)) throw new RangeError(`invalid OID "${dotted}"`);
    return tlv(0x06, Buffer.from([first * 40 + second, ...rest].flatMap(base128)));
  },
  null: (): Buffer => Buffer.from([0x05, 0x00]),
  boolean: (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0x00])),
  sequence: (...items: Uint8Array[]): Buffer => tlv(0x30, ...items),
  /** SET OF: DER orders the elements by their encodings. */
  set: (...items: Uint8Array[]): Buffer => tlv(0x31, ...[...items].sort((a, b) => Buffer.compare(a, b))),
  utf8String: (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8')),
  octetString: (bytes: Uint8Array): Buffer => tlv(0x04, bytes),
  bitString(bytes: Uint8Array, unusedBits = 0): Buffer {
    if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (unusedBits > 0 && bytes.length === 0)) throw new RangeError(`invalid unused bit count ${unusedBits}`);
    return tlv(0x03, Buffer.from([unusedBits]), bytes);
  },
  /** RFC 5280 §4.1.2.5: UTCTime for 1950..2049, GeneralizedTime otherwise; whole seconds, always Z. */
  time(date: Date): Buffer {
    const year = date.getUTCFullYear();
    if (Number.isNaN(year) || year < 0 || year > 9999) throw new RangeError(`cannot encode date ${String(date)}`);
    const digits = date.toISOString().slice(0, 19).replace(/[-T:]/g, '');
    return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
  },
  /** [n] EXPLICIT: a constructed context tag wrapping a complete TLV. */
  explicit: (tagNumber: number, inner: Uint8Array): Buffer => tlv(contextTag(tagNumber, true), inner),
  /** [n] IMPLICIT: the context tag replaces the universal one; content is the bare value (or the inner TLVs when constructed). */
  implicit: (tagNumber: number, content: Uint8Array, constructed = false): Buffer => tlv(contextTag(tagNumber, constructed), content),
};

/** A named-bit BIT STRING (KeyUsage): DER drops trailing zero bits. */
function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc((highest >> 3) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return der.bitString(bytes, 7 - (highest & 7));
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

export interface CertificateOptions {
  /** The subject's common name; the subject is just this CN. */
  commonName: string;
  /** The subject's public key, embedded verbatim as its SPKI. */
  publicKey: KeyObject;
  /** The signer: its CN is the issuer name, its EC private key signs (ecdsa-with-SHA256) and
   * its public key gives the authorityKeyIdentifier. Self-signed: the subject's own CN and key. */
  issuer: { commonName: string; privateKey: KeyObject };
  /** Truncated to whole seconds. */
  notBefore: Date;
  notAfter: Date;
  /** true: basicConstraints CA (pathLen 0), keyUsage keyCertSign+cRLSign. false: end entity, keyUsage digitalSignature. */
  ca: boolean;
  /** extKeyUsage purposes; the extension is omitted when absent or empty. */
  extendedKeyUsage?: readonly ExtendedKeyUsage[];
  /** subjectAltName entries; the extension is omitted when both are absent or empty. */
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

/** SHA-1 of the subjectPublicKey BIT STRING's bits (RFC 5280 §4.2.1.2, method 1). */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const read = (offset: number) => {
    const first = spki[offset + 1] ?? 0;
    const size = first & 0x80 ? first & 0x7f : 0;
    const start = offset + 2 + size;
    return { tag: spki[offset], start, end: start + (size ? spki.readUIntBE(offset + 2, size) : first) };
  };
  const outer = read(0);
  const algorithm = read(outer.start);
  const key = read(algorithm.end);
  if (outer.tag !== 0x30 || algorithm.tag !== 0x30 || key.tag !== 0x03) throw new Error('unexpected SubjectPublicKeyInfo encoding');
  return createHash('sha1').update(spki.subarray(key.start + 1, key.end)).digest();
}

function ipAddressBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!isIPv6(ip) || ip.includes('%')) throw new RangeError(`"${ip}" is not an IPv4 or IPv6 address`);
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two hex groups, then '::' expands to the missing zero groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const quad = dotted ? Buffer.from(dotted.slice(1).map(Number)) : undefined;
  const text = quad ? `${ip.slice(0, dotted?.index)}${quad.readUInt16BE(0).toString(16)}:${quad.readUInt16BE(2).toString(16)}` : ip;
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)];
  return Buffer.from(all.flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]));
}

const name = (commonName: string): Buffer => {
  if (commonName.length === 0 || commonName.length > 64) throw new RangeError(`common name must be 1..64 characters, got "${commonName}"`);
  return der.sequence(der.set(der.sequence(der.oid(OID.commonName), der.utf8String(commonName))));
};

const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  der.sequence(der.oid(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

/** Builds and signs an X.509 v3 certificate; returns it as PEM. */
export function createCertificate(options: CertificateOptions): string {
  const { issuer, notBefore, notAfter, ca } = options;
  if (issuer.privateKey.type !== 'private' || issuer.privateKey.asymmetricKeyType !== 'ec') throw new TypeError('the issuer key must be an EC private key');
  if (!(notBefore.getTime() < notAfter.getTime())) throw new RangeError(`notBefore (${String(notBefore)}) must be before notAfter (${String(notAfter)})`);
  for (const dns of options.dnsNames ?? []) if (!/^[\x21-\x7e]+$/.test(dns)) throw new RangeError(`DNS name "${dns}" is not printable ASCII`);

  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const algorithm = der.sequence(der.oid(OID.ecdsaWithSha256));
  const altNames = [
    ...(options.dnsNames ?? []).map((dns) => der.implicit(2, Buffer.from(dns, 'ascii'))),
    ...(options.ipAddresses ?? []).map((ip) => der.implicit(7, ipAddressBytes(ip))),
  ];
  const purposes = options.extendedKeyUsage ?? [];
  const extensions = [
    extension(OID.basicConstraints, true, ca ? der.sequence(der.boolean(true), der.integer(0)) : der.sequence()),
    extension(OID.keyUsage, true, ca ? namedBits([5, 6]) : namedBits([0])),
    ...(purposes.length > 0 ? [extension(OID.extKeyUsage, false, der.sequence(...purposes.map((p) => der.oid(OID[p]))))] : []),
    ...(altNames.length > 0 ? [extension(OID.subjectAltName, false, der.sequence(...altNames))] : []),
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(options.publicKey))),
    extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicit(0, keyIdentifier(createPublicKey(issuer.privateKey))))),
  ];
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.integer(serial),
    algorithm,
    name(issuer.commonName),
    der.sequence(der.time(notBefore), der.time(notAfter)),
    name(options.commonName),
    options.publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...extensions)),
  );
  const certificate = der.sequence(tbs, algorithm, der.bitString(sign('sha256', tbs, issuer.privateKey)));
  const body = (certificate.toString('base64').match(/.{1,64}/g) ?? []).join('\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
