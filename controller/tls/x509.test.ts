import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCertificate, der, derLength, type CertificateOptions } from './x509.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
const ascii = (text: string) => Buffer.from(text).toString('hex').replace(/(..)(?!$)/g, '$1 ');

describe('DER encoder', () => {
  it.each([
    [0, '00'],
    [127, '7f'],
    [128, '81 80'],
    [255, '81 ff'],
    [256, '82 01 00'],
    [65_536, '83 01 00 00'],
  ])('encodes length %i as %s', (length, expected) => {
    expect(hex(derLength(length))).toBe(expected);
  });

  it('uses the long form inside a real TLV and rejects impossible lengths', () => {
    expect(hex(der.octetString(Buffer.alloc(128)).subarray(0, 3))).toBe('04 81 80');
    expect(der.octetString(Buffer.alloc(256))).toHaveLength(260);
    expect(() => derLength(-1)).toThrow(RangeError);
    expect(() => derLength(1.5)).toThrow(RangeError);
  });

  it.each<[number | bigint | number[], string]>([
    [0, '02 01 00'],
    [127, '02 01 7f'],
    [128, '02 02 00 80'],
    [256, '02 02 01 00'],
    [2n ** 64n, '02 09 01 00 00 00 00 00 00 00 00'],
    [[0x80], '02 02 00 80'],
    [[0xff, 0xff], '02 03 00 ff ff'],
    [[0x00, 0x00, 0x01], '02 01 01'],
    [[0x00, 0x80], '02 02 00 80'],
    [[], '02 01 00'],
  ])('encodes INTEGER %s as %s', (value, expected) => {
    expect(hex(der.integer(Array.isArray(value) ? Buffer.from(value) : value))).toBe(expected);
  });

  it('rejects negative and fractional INTEGERs', () => {
    expect(() => der.integer(-1)).toThrow(RangeError);
    expect(() => der.integer(-1n)).toThrow(RangeError);
    expect(() => der.integer(1.5)).toThrow(RangeError);
  });

  it.each([
    ['1.2.840.10045.4.3.2', '06 08 2a 86 48 ce 3d 04 03 02'],
    ['2.5.29.19', '06 03 55 1d 13'],
    ['1.3.6.1.5.5.7.3.1', '06 08 2b 06 01 05 05 07 03 01'],
    ['2.999.3', '06 03 88 37 03'],
  ])('encodes OID %s', (oid, expected) => {
    expect(hex(der.oid(oid))).toBe(expected);
  });

  it.each(['1', '3.1', '1.40', '1..2', 'a.b', '', '1.2.'])('rejects the malformed OID "%s"', (oid) => {
    expect(() => der.oid(oid)).toThrow(/invalid OID/);
  });

  it('encodes the simple types', () => {
    expect(hex(der.null())).toBe('05 00');
    expect(hex(der.boolean(true))).toBe('01 01 ff');
    expect(hex(der.boolean(false))).toBe('01 01 00');
    expect(hex(der.utf8String('é'))).toBe('0c 02 c3 a9');
    expect(hex(der.octetString(Buffer.from([1, 2])))).toBe('04 02 01 02');
    expect(hex(der.bitString(Buffer.from([0x80]), 7))).toBe('03 02 07 80');
    expect(hex(der.bitString(Buffer.alloc(0)))).toBe('03 01 00');
    expect(() => der.bitString(Buffer.alloc(0), 1)).toThrow(RangeError);
    expect(() => der.bitString(Buffer.from([0]), 8)).toThrow(RangeError);
    expect(hex(der.sequence())).toBe('30 00');
    expect(hex(der.sequence(der.null(), der.boolean(true)))).toBe('30 05 05 00 01 01 ff');
  });

  it('sorts SET OF elements by their encodings', () => {
    expect(hex(der.set(der.integer(2), der.integer(1)))).toBe('31 06 02 01 01 02 01 02');
  });

  it('encodes context-specific explicit and implicit tags', () => {
    expect(hex(der.explicit(0, der.integer(2)))).toBe('a0 03 02 01 02');
    expect(hex(der.explicit(3, der.sequence()))).toBe('a3 02 30 00');
    expect(hex(der.implicit(2, Buffer.from('a')))).toBe('82 01 61');
    expect(hex(der.implicit(7, Buffer.from([127, 0, 0, 1])))).toBe('87 04 7f 00 00 01');
    expect(hex(der.implicit(1, der.null(), true))).toBe('a1 02 05 00');
    expect(() => der.implicit(31, Buffer.alloc(0))).toThrow(RangeError);
  });

  it.each([
    ['2049-12-31T23:59:59.999Z', `17 0d ${ascii('491231235959Z')}`],
    ['2050-01-01T00:00:00.000Z', `18 0f ${ascii('20500101000000Z')}`],
    ['1950-01-01T00:00:00.000Z', `17 0d ${ascii('500101000000Z')}`],
    ['1949-12-31T23:59:59.000Z', `18 0f ${ascii('19491231235959Z')}`],
    ['2026-03-04T05:06:07.890Z', `17 0d ${ascii('260304050607Z')}`],
  ])('encodes %s as UTCTime before 2050 and GeneralizedTime otherwise, whole seconds', (iso, expected) => {
    expect(hex(der.time(new Date(iso)))).toBe(expected);
  });

  it('rejects dates it cannot encode', () => {
    expect(() => der.time(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => der.time(new Date('+010000-01-01T00:00:00Z'))).toThrow(RangeError);
  });
});

describe('createCertificate', () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const base: CertificateOptions = {
    commonName: 'self',
    publicKey: key.publicKey,
    issuer: { commonName: 'self', privateKey: key.privateKey },
    notBefore: new Date('2026-01-01T00:00:00.456Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    ca: true,
  };

  it('writes a self-signed certificate Node parses and verifies', () => {
    const pem = createCertificate(base);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
    const cert = new X509Certificate(pem);
    expect(cert.subject).toBe('CN=self');
    expect(cert.issuer).toBe('CN=self');
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(key.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(key.privateKey)).toBe(true);
    expect(cert.keyUsage).toBeUndefined();
    expect(cert.subjectAltName).toBeUndefined();
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('encodes notAfter from 2050 on as GeneralizedTime that Node reads back', () => {
    const cert = new X509Certificate(createCertificate({ ...base, notAfter: new Date('2051-06-01T12:00:00Z') }));
    expect(new Date(cert.validTo).toISOString()).toBe('2051-06-01T12:00:00.000Z');
    expect(cert.raw.includes(Buffer.from('20510601120000Z'))).toBe(true);
  });

  it('encodes IPv4 and IPv6 (compressed, full, IPv4-mapped) subjectAltNames byte-exactly', () => {
    const ips = ['10.1.2.3', '::1', '2001:db8::7', 'fe80:0:0:0:1:2:3:4', '::ffff:192.0.2.1', '1::'];
    const cert = new X509Certificate(createCertificate({ ...base, ca: false, ipAddresses: ips, dnsNames: ['a.example', 'localhost'] }));
    expect(cert.subjectAltName).toBe(
      'DNS:a.example, DNS:localhost, IP Address:10.1.2.3, IP Address:0:0:0:0:0:0:0:1, IP Address:2001:DB8:0:0:0:0:0:7, ' +
        'IP Address:FE80:0:0:0:1:2:3:4, IP Address:0:0:0:0:0:FFFF:C000:201, IP Address:1:0:0:0:0:0:0:0',
    );
    for (const ip of ips) expect(cert.checkIP(ip)).toBe(ip);
    expect(cert.checkIP('10.1.2.4')).toBeUndefined();
    expect(cert.checkHost('a.example')).toBe('a.example');
  });

  it('gives every certificate a fresh positive 16-byte serial', () => {
    const serials = Array.from({ length: 32 }, () => new X509Certificate(createCertificate(base)).serialNumber);
    expect(new Set(serials).size).toBe(32);
    for (const serial of serials) {
      expect(BigInt(`0x${serial}`)).toBeGreaterThan(0n);
      expect(BigInt(`0x${serial}`)).toBeLessThan(2n ** 127n);
    }
  });

  it('rejects bad input with a clear error', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => createCertificate({ ...base, issuer: { commonName: 'x', privateKey: rsa.privateKey } })).toThrow(/EC private key/);
    expect(() => createCertificate({ ...base, issuer: { commonName: 'x', privateKey: key.publicKey } })).toThrow(/EC private key/);
    expect(() => createCertificate({ ...base, notAfter: base.notBefore })).toThrow(/must be before notAfter/);
    expect(() => createCertificate({ ...base, ipAddresses: ['127.0.0.256'] })).toThrow(/not an IPv4 or IPv6 address/);
    expect(() => createCertificate({ ...base, ipAddresses: ['fe80::1%eth0'] })).toThrow(/not an IPv4 or IPv6 address/);
    expect(() => createCertificate({ ...base, dnsNames: ['bad name'] })).toThrow(/not printable ASCII/);
    expect(() => createCertificate({ ...base, dnsNames: ['bücher.example'] })).toThrow(/not printable ASCII/);
    expect(() => createCertificate({ ...base, commonName: '' })).toThrow(/common name/);
    expect(() => createCertificate({ ...base, commonName: 'x'.repeat(65) })).toThrow(/common name/);
  });
});
