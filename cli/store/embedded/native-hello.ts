/**
 * The one Native-format answer this server builds by hand: clickhouse-go's HTTP "hello".
 *
 * Over HTTP, clickhouse-go v2 opens every connection with
 * `SELECT displayName(), version(), revision(), timezone()` and from then on decodes every
 * Native block with the protocol revision that query returned; the hello itself it decodes with
 * its own revision (it sends `client_protocol_version`), which means a BlockInfo header and a
 * per-column "custom serialization" flag. The engine only writes Native at revision 0 (no
 * BlockInfo, no flags), so this server answers the hello in the client's framing with revision
 * 0, and every later Native result then passes through from the engine byte for byte. The
 * alternative, re-framing every result at the client's revision, needs a decoder for every
 * column type; this needs an encoder for String and UInt32.
 */

/** First revision whose Native columns carry a custom-serialization flag (clickhouse-go DBMS_MIN_REVISION_WITH_CUSTOM_SERIALIZATION). */
const REVISION_WITH_CUSTOM_SERIALIZATION = 54454;

const HELLO = 'select displayname(), version(), revision(), timezone()';

export function isDriverHello(sql: string): boolean {
  const normalized = sql
    .replace(/;\s*$/, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, (_m, p: string) => (p === ',' ? ', ' : p))
    .trim()
    .toLowerCase();
  return normalized === HELLO;
}

function varUInt(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    bytes.push(b);
  } while (v > 0);
  return Buffer.from(bytes);
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([varUInt(b.length), b]);
}

type Column = { name: string; type: 'String'; value: string } | { name: string; type: 'UInt32'; value: number };

/** One Native block with one row, framed for `revision` as ClickHouse's NativeWriter does. */
export function encodeNativeRow(columns: readonly Column[], revision: number): Buffer {
  const parts: Buffer[] = [];
  if (revision > 0) {
    // BlockInfo: field 1 is_overflows (UInt8), field 2 bucket_num (Int32), 0 terminates.
    const bucket = Buffer.alloc(4);
    bucket.writeInt32LE(-1);
    parts.push(varUInt(1), Buffer.from([0]), varUInt(2), bucket, varUInt(0));
  }
  parts.push(varUInt(columns.length), varUInt(1));
  for (const c of columns) {
    parts.push(str(c.name), str(c.type));
    if (revision >= REVISION_WITH_CUSTOM_SERIALIZATION) parts.push(Buffer.from([0]));
    if (c.type === 'String') parts.push(str(c.value));
    else {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(c.value);
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}

export function driverHelloResponse(
  info: { displayName: string; version: string; timezone: string },
  clientRevision: number,
): Buffer {
  return encodeNativeRow(
    [
      { name: 'displayName()', type: 'String', value: info.displayName },
      { name: 'version()', type: 'String', value: info.version },
      // Revision 0 tells the driver to expect revision-0 Native, which is what the engine writes.
      { name: 'revision()', type: 'UInt32', value: 0 },
      { name: 'timezone()', type: 'String', value: info.timezone },
    ],
    clientRevision,
  );
}
