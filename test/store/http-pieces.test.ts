import { describe, expect, it } from 'vitest';
import { Authenticator, extractCredentials } from '../../cli/store/embedded/auth.js';
import { ClickHouseHttpError, ErrorCode, fromEngineError } from '../../cli/store/embedded/errors.js';
import { driverHelloResponse, encodeNativeRow, isDriverHello } from '../../cli/store/embedded/native-hello.js';
import { unescapeParamValue } from '../../cli/store/embedded/param-escape.js';
import { sortParams } from '../../cli/store/embedded/request-params.js';
import { pickCodec } from '../../cli/store/embedded/response-compression.js';
import { SessionStore } from '../../cli/store/embedded/sessions.js';

describe('credentials', () => {
  const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

  it('reads X-ClickHouse headers, then Basic, then URL parameters', () => {
    expect(extractCredentials({ 'x-clickhouse-user': 'default', 'x-clickhouse-key': 'k' }, {})).toEqual({ user: 'default', password: 'k' });
    expect(extractCredentials(basic('default', 'p:with:colons'), {})).toEqual({ user: 'default', password: 'p:with:colons' });
    expect(extractCredentials({}, { user: 'default', password: 'q' })).toEqual({ user: 'default', password: 'q' });
    expect(extractCredentials({}, {})).toBeUndefined();
  });

  it('accepts only the default user with the right password', () => {
    const auth = new Authenticator('s3cret');
    expect(() => auth.check({ user: 'default', password: 's3cret' })).not.toThrow();
    const codeOf = (f: () => void): number | undefined => {
      try {
        f();
      } catch (e) {
        return (e as ClickHouseHttpError).code;
      }
      return undefined;
    };
    expect(codeOf(() => auth.check({ user: 'default', password: 'wrong' }))).toBe(ErrorCode.AUTHENTICATION_FAILED);
    expect(codeOf(() => auth.check({ user: 'admin', password: 's3cret' }))).toBe(ErrorCode.AUTHENTICATION_FAILED);
    expect(codeOf(() => auth.check(undefined))).toBe(ErrorCode.REQUIRED_PASSWORD);
  });
});

describe('ClickHouse-style errors', () => {
  it('formats the body so @clickhouse/client can parse code, message and type', () => {
    const body = new ClickHouseHttpError(ErrorCode.READONLY, 'Cannot execute query in readonly mode').body('26.7.2.1');
    expect(body).toBe('Code: 164. DB::Exception: Cannot execute query in readonly mode. (READONLY) (version 26.7.2.1)\n');
    expect(body).toMatch(/(Code|Error): (?<code>\d+).*Exception: (?<message>.+?)\((?<type>(?=[A-Z0-9_]*[A-Z]{3})[A-Z0-9_]+)\)/s);
  });

  it('keeps the engine text and code of chdb errors', () => {
    const e = fromEngineError(Object.assign(new Error('Code: 60. DB::Exception: Unknown table x. (UNKNOWN_TABLE)'), { clickhouseCode: 60 }));
    expect(e.code).toBe(60);
    expect(e.status()).toBe(404);
    expect(e.body('v')).toBe('Code: 60. DB::Exception: Unknown table x. (UNKNOWN_TABLE)\n');
    expect(fromEngineError(new TypeError('boom')).code).toBe(ErrorCode.UNKNOWN_EXCEPTION);
  });
});

describe('clickhouse-go hello', () => {
  it('recognises the driver hello however it is spaced', () => {
    expect(isDriverHello('SELECT displayName(), version(), revision(), timezone()')).toBe(true);
    expect(isDriverHello('select displayName(),version(),revision(),timezone();')).toBe(true);
    expect(isDriverHello('SELECT version()')).toBe(false);
  });

  it('frames the block with BlockInfo and custom-serialization flags at the client revision', () => {
    const rev0 = encodeNativeRow([{ name: 'x', type: 'UInt32', value: 7 }], 0);
    // numCols=1, numRows=1, "x", "UInt32", 7 as UInt32 LE: identical to what the engine writes.
    expect(rev0.toString('hex')).toBe('010101780655496e743332' + '07000000');
    const rev = encodeNativeRow([{ name: 'x', type: 'UInt32', value: 7 }], 54460);
    expect(rev.toString('hex')).toBe('0100' + '02ffffffff' + '00' + '010101780655496e743332' + '00' + '07000000');
  });

  it('answers revision 0 so later Native results pass through unchanged', () => {
    const b = driverHelloResponse({ displayName: 'h', version: '26.7.2.1', timezone: 'UTC' }, 54460);
    const i = b.indexOf(Buffer.from('revision()'));
    expect(i).toBeGreaterThan(0);
    const afterType = i + 'revision()'.length + 1 + 'UInt32'.length;
    expect(b.readUInt32LE(afterType + 1)).toBe(0);
  });
});

describe('request parameters', () => {
  const known = (n: string): boolean => ['max_threads', 'date_time_input_format', 'async_insert'].includes(n);

  it('separates interface parameters, query parameters and settings', () => {
    const p = sortParams(
      new URLSearchParams(
        'database=telemetry&default_format=Native&client_protocol_version=54460&max_threads=2&param_id=a%5Ctb&param_n=%5CN&no_such_setting=1&async_insert=true&readonly=2&session_id=s1',
      ),
      known,
    );
    expect(p.database).toBe('telemetry');
    expect(p.defaultFormat).toBe('Native');
    expect(p.clientProtocolVersion).toBe(54460);
    expect([...p.settings]).toEqual([['max_threads', '2']]);
    expect(p.params).toEqual({ id: 'a\tb', n: null });
    expect(p.ignored).toEqual(['no_such_setting']);
    expect(p.readonly).toBe(2);
    expect(p.sessionId).toBe('s1');
  });

  it('flags ClickHouse block compression, which this server does not speak', () => {
    expect(sortParams(new URLSearchParams('compress=1'), known).nativeCompression).toBe(true);
    expect(sortParams(new URLSearchParams('decompress=1'), known).nativeCompression).toBe(true);
    expect(sortParams(new URLSearchParams('compress=0'), known).nativeCompression).toBe(false);
  });

  it('unescapes parameter values the way ClickHouse parses them', () => {
    expect(unescapeParamValue("it\\'s\\n\\\\ok")).toBe("it's\n\\ok");
    expect(unescapeParamValue('\\x41')).toBe('A');
    expect(unescapeParamValue('\\N')).toBeNull();
    expect(unescapeParamValue('plain')).toBe('plain');
  });
});

describe('response compression', () => {
  it('compresses only when enable_http_compression is on and the client accepts a codec Node has', () => {
    expect(pickCodec(true, 'gzip, deflate')).toBe('gzip');
    expect(pickCodec(true, 'zstd, br')).toBe('br');
    expect(pickCodec(true, 'zstd, lz4')).toBeUndefined();
    expect(pickCodec(false, 'gzip')).toBeUndefined();
    expect(pickCodec(true, 'gzip;q=0, deflate')).toBe('deflate');
  });
});

describe('HTTP sessions', () => {
  it('expires idle sessions and honours session_check', () => {
    let t = 1_000;
    const store = new SessionStore(() => t);
    const s = store.open('a', 10, false);
    s.settings.set('max_threads', '1');
    t += 5_000;
    expect(store.open('a', undefined, true).settings.get('max_threads')).toBe('1');
    t += 10_001;
    expect(() => store.open('a', undefined, true)).toThrow(/Session a not found/);
    expect(() => store.open('b', 99_999, false)).toThrow(/out of range/);
  });
});
