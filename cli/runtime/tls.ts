import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { homeOf, type ReceiverTlsFiles } from '../home/layout.js';
import type { Stack } from '../stack/resolve.js';

/**
 * A private CA and a server certificate for the receivers (`receivers.tls.generate: true`), made
 * with node:crypto alone: ECDSA P-256 keys, X.509 v3 certificates DER-encoded here. Clients trust
 * `ca.pem`; the CA key stays beside it (0600) so a new server certificate (another bind address,
 * or one near expiry) keeps the trust clients already have. Where the files live is home's
 * (home/layout.ts); making them is here.
 */

const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
const SERVER_DAYS = 397;
/** Renew when less than this is left, so a stack restarted monthly never serves an expired certificate. */
const RENEW_BEFORE_DAYS = 30;

/** Names and addresses the server certificate must cover for a stack. */
export function serverNames(stack: Stack): { dns: string[]; ips: string[] } {
  const dns = new Set(['localhost']);
  const ips = new Set(['127.0.0.1', '::1']);
  const bind = stack.receivers.bind;
  if (bind === '0.0.0.0' || bind === '::') dns.add(hostname());
  else if (isIP(bind)) ips.add(bind);
  else dns.add(bind);
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}

/**
 * Makes sure the CA and a server certificate covering the stack's bind address exist and are
 * not about to expire; returns lines saying what was generated.
 */
export function ensureReceiverTls(stack: Stack, now = new Date()): string[] {
  const home = homeOf(stack.dataDir);
  const files = home.tls;
  mkdirSync(home.tlsDir, { recursive: true, mode: 0o700 });
  const notes: string[] = [];

  let ca = readCa(files, now);
  if (!ca) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const subject = `telemetry-stack ${stack.name} local CA`;
    const der = certificateDer({ subject, issuer: subject, publicKey: privateKey, signer: privateKey, days: CA_DAYS, now, ca: true });
    writeAtomic(files.caKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
    writeAtomic(files.caFile, pem(der), 0o644);
    ca = { cert: new X509Certificate(pem(der)), key: privateKey };
    notes.push(`generated a local CA for the receivers in ${files.caFile} (clients trust this file)`);
  }

  const names = serverNames(stack);
  if (!serverCertUsable(files, ca.cert, names, now)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = certificateDer({
      subject: `telemetry-stack ${stack.name} receivers`,
      issuer: subjectDer(ca.cert.raw),
      publicKey: privateKey,
      signer: ca.key,
      issuerKey: ca.cert.publicKey,
      days: SERVER_DAYS,
      now,
      ca: false,
      names,
    });
    writeAtomic(files.keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
    writeAtomic(files.certFile, pem(der), 0o644);
    notes.push(`generated the receivers' TLS certificate for ${[...names.ips, ...names.dns].join(', ')} in ${files.certFile}`);
  }
  return notes;
}

function readCa(files: ReceiverTlsFiles, now: Date): { cert: X509Certificate; key: KeyObject } | undefined {
  if (!existsSync(files.caFile) || !existsSync(files.caKeyFile)) return undefined;
  try {
    const cert = new X509Certificate(readFileSync(files.caFile));
    const key = createPrivateKey(readFileSync(files.caKeyFile));
    if (!cert.ca || !cert.checkPrivateKey(key) || expiresSoon(cert, now)) return undefined;
    return { cert, key };
  } catch {
    // Unreadable or corrupt: a new CA is better than a stack that cannot start.
    return undefined;
  }
}

function serverCertUsable(files: ReceiverTlsFiles, ca: X509Certificate, names: { dns: string[]; ips: string[] }, now: Date): boolean {
  if (!existsSync(files.certFile) || !existsSync(files.keyFile)) return false;
  try {
    const cert = new X509Certificate(readFileSync(files.certFile));
    const key = createPrivateKey(readFileSync(files.keyFile));
    return (
      cert.checkIssued(ca) &&
      cert.verify(ca.publicKey) &&
      cert.checkPrivateKey(key) &&
      !expiresSoon(cert, now) &&
      names.ips.every((ip) => cert.checkIP(ip) !== undefined) &&
      names.dns.every((dns) => cert.checkHost(dns) !== undefined)
    );
  } catch {
    return false;
  }
}

const expiresSoon = (cert: X509Certificate, now: Date) => Date.parse(cert.validTo) - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS;

function writeAtomic(file: string, content: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, file);
}

function pem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

// ---- X.509 v3 in DER (RFC 5280), only what these two certificates need -----------------------

interface CertSpec {
  subject: string;
  /** The issuer's common name, or the issuing certificate's subject Name exactly as encoded there. */
  issuer: string | Buffer;
  /** The key the certificate is for (its public half is what the certificate carries). */
  publicKey: KeyObject;
  signer: KeyObject;
  /** The issuer's public key, for the authority key identifier (self-signed: the subject's own). */
  issuerKey?: KeyObject;
  days: number;
  now: Date;
  ca: boolean;
  names?: { dns: string[]; ips: string[] };
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
};

export function certificateDer(spec: CertSpec): Buffer {
  const spkiOf = (k: KeyObject) => (k.type === 'private' ? createPublicKey(k) : k).export({ type: 'spki', format: 'der' });
  const spki = spkiOf(spec.publicKey);
  const issuerSpki = spkiOf(spec.issuerKey ?? spec.publicKey);
  const notBefore = new Date(spec.now.getTime() - 5 * 60_000); // tolerate clocks a little behind
  const notAfter = new Date(spec.now.getTime() + spec.days * DAY_MS);
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // positive
  serial[0] = serial[0]! | 0x01; // and without a leading zero byte DER would forbid

  const extensions = [
    extension(OID.basicConstraints, true, seq(spec.ca ? [boolean(true), integer(Buffer.from([0]))] : [])),
    // digitalSignature for a server (ECDHE_ECDSA); keyCertSign and cRLSign for the CA.
    extension(OID.keyUsage, true, spec.ca ? bitString(Buffer.from([0x06]), 1) : bitString(Buffer.from([0x80]), 7)),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId(spki))),
    ...(spec.ca ? [] : [extension(OID.authorityKeyIdentifier, false, seq([tagged(0x80, keyId(issuerSpki))]))]),
    ...(spec.ca ? [] : [extension(OID.extKeyUsage, false, seq([oid(OID.serverAuth)]))]),
    ...(spec.names ? [extension(OID.subjectAltName, false, seq([...spec.names.dns.map((d) => tagged(0x82, Buffer.from(d, 'ascii'))), ...spec.names.ips.map((ip) => tagged(0x87, ipBytes(ip)))]))] : []),
  ];

  const tbs = seq([
    tagged(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    seq([oid(OID.ecdsaWithSha256)]),
    typeof spec.issuer === 'string' ? name(spec.issuer) : spec.issuer,
    seq([time(notBefore), time(notAfter)]),
    name(spec.subject),
    spki,
    tagged(0xa3, seq(extensions)),
  ]);
  const signature = sign('sha256', tbs, spec.signer);
  return seq([tbs, seq([oid(OID.ecdsaWithSha256)]), bitString(signature, 0)]);
}

/** Subject key identifier: SHA-1 of the public key bits (RFC 5280 4.2.1.2, method 1). */
function keyId(spki: Buffer): Buffer {
  // The SPKI is SEQUENCE { algorithm SEQUENCE, subjectPublicKey BIT STRING }; take the BIT STRING's bits.
  const outer = readTlv(spki, 0);
  const algorithm = readTlv(spki, outer.contentStart);
  const bits = readTlv(spki, algorithm.end);
  return createHash('sha1')
    .update(spki.subarray(bits.contentStart + 1, bits.end))
    .digest();
}

/**
 * The subject Name of a certificate, byte for byte: chain building compares the child's issuer
 * with the parent's subject, so re-encoding it from text could break the match.
 */
function subjectDer(cert: Buffer): Buffer {
  const tbs = readTlv(cert, readTlv(cert, 0).contentStart);
  let at = tbs.contentStart;
  // version [0], serialNumber, signature, issuer, validity, then subject.
  if (cert[at] === 0xa0) at = readTlv(cert, at).end;
  for (let i = 0; i < 4; i++) at = readTlv(cert, at).end;
  return cert.subarray(at, readTlv(cert, at).end);
}

function readTlv(buf: Buffer, at: number): { contentStart: number; end: number } {
  let len = buf[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | buf[start + i]!;
    start += n;
  }
  return { contentStart: start, end: start + len };
}

function tlv(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

const seq = (items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const tagged = (tag: number, content: Buffer) => tlv(tag, content);
const octetString = (b: Buffer) => tlv(0x04, b);
const boolean = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
const bitString = (b: Buffer, unusedBits: number) => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), b]));

function integer(b: Buffer): Buffer {
  return tlv(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

function oid(text: string): Buffer {
  const parts = text.split('.').map(Number);
  const out = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const bytes = [p & 0x7f];
    for (let n = p >> 7; n > 0; n >>= 7) bytes.unshift((n & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return tlv(0x06, Buffer.from(out));
}

function name(commonName: string): Buffer {
  return seq([set([seq([oid(OID.commonName), tlv(0x0c, Buffer.from(commonName, 'utf8'))])])]);
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq([oid(id), ...(critical ? [boolean(true)] : []), octetString(value)]);
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii')) : tlv(0x18, Buffer.from(iso, 'ascii'));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // An embedded IPv4 tail (::ffff:127.0.0.1) becomes its two 16-bit groups.
  const v4 = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (v4) {
    const [a, b, c, d] = v4.slice(2).map(Number) as [number, number, number, number];
    return ipBytes(`${v4[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
  }
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  for (const [i, g] of groups.entries()) out.writeUInt16BE(parseInt(g || '0', 16), i * 2);
  return out;
}
