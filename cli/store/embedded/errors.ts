/**
 * Errors in the shape ClickHouse's HTTP interface uses, because that shape is the contract:
 * @clickhouse/client parses `Code: N. DB::Exception: message (TYPE)` out of the body and keys on
 * the `X-ClickHouse-Exception-Code` header; clickhouse-go puts the body into its error text.
 */

/** The ClickHouse error codes this server raises itself (names as in ErrorCodes.cpp). */
export const ErrorCode = {
  UNSUPPORTED_METHOD: 1,
  UNKNOWN_SETTING: 115,
  SYNTAX_ERROR: 62,
  BAD_ARGUMENTS: 36,
  NOT_IMPLEMENTED: 48,
  UNKNOWN_FORMAT: 73,
  UNKNOWN_DATABASE: 81,
  UNKNOWN_TABLE: 60,
  UNKNOWN_IDENTIFIER: 47,
  UNKNOWN_FUNCTION: 46,
  READONLY: 164,
  REQUIRED_PASSWORD: 194,
  QUERY_IS_TOO_LARGE: 229,
  TIMEOUT_EXCEEDED: 159,
  SESSION_NOT_FOUND: 372,
  UNKNOWN_USER: 192,
  AUTHENTICATION_FAILED: 516,
  ABORTED: 236,
  CANNOT_DECOMPRESS: 271,
  HTTP_LENGTH_REQUIRED: 381,
  UNKNOWN_EXCEPTION: 1002,
} as const;

const NAME_BY_CODE = new Map<number, string>(Object.entries(ErrorCode).map(([k, v]) => [v, k]));

export class ClickHouseHttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** The full `Code: ...` text when it came from the engine and is already formatted. */
    readonly formatted?: string,
  ) {
    super(message);
    this.name = 'ClickHouseHttpError';
  }

  /** Body text exactly as ClickHouse would send it (one line, newline-terminated). */
  body(version: string): string {
    if (this.formatted !== undefined) return this.formatted.endsWith('\n') ? this.formatted : `${this.formatted}\n`;
    const type = NAME_BY_CODE.get(this.code) ?? 'UNKNOWN_EXCEPTION';
    return `Code: ${this.code}. DB::Exception: ${this.message}. (${type}) (version ${version})\n`;
  }

  /**
   * HTTP status for the code. Clients only distinguish 200 from the rest and read the body, so
   * the mapping is small: malformed requests 400, missing objects 404, credentials 401/403, the
   * rest 500 (which is also what ClickHouse sends for most engine errors).
   */
  status(): number {
    switch (this.code) {
      case ErrorCode.SYNTAX_ERROR:
      case ErrorCode.BAD_ARGUMENTS:
      case ErrorCode.UNKNOWN_SETTING:
      case ErrorCode.UNKNOWN_FORMAT:
      case ErrorCode.CANNOT_DECOMPRESS:
        return 400;
      case ErrorCode.UNKNOWN_DATABASE:
      case ErrorCode.UNKNOWN_TABLE:
      case ErrorCode.UNKNOWN_IDENTIFIER:
      case ErrorCode.UNKNOWN_FUNCTION:
      case ErrorCode.SESSION_NOT_FOUND:
        return 404;
      case ErrorCode.REQUIRED_PASSWORD:
        return 401;
      case ErrorCode.AUTHENTICATION_FAILED:
      case ErrorCode.UNKNOWN_USER:
      case ErrorCode.READONLY:
        return 403;
      case ErrorCode.QUERY_IS_TOO_LARGE:
        return 413;
      case ErrorCode.NOT_IMPLEMENTED:
        return 501;
      case ErrorCode.HTTP_LENGTH_REQUIRED:
        return 411;
      case ErrorCode.ABORTED:
        // Shutting down: 503 says "retry later", which the exporter's retry_on_failure does.
        return 503;
      default:
        return 500;
    }
  }
}

/**
 * Converts whatever the engine threw into a ClickHouseHttpError. chdb errors carry
 * `clickhouseCode` and a message already in `Code: N. DB::Exception: ...` form; anything else is
 * an unexpected failure of this server and is reported as such rather than dressed up.
 */
export function fromEngineError(err: unknown): ClickHouseHttpError {
  if (err instanceof ClickHouseHttpError) return err;
  const e = err as { clickhouseCode?: unknown; message?: unknown } | undefined;
  const message = e && typeof e.message === 'string' ? e.message : String(err);
  const codeFromText = /Code: (\d+)\./.exec(message);
  const code =
    typeof e?.clickhouseCode === 'number' ? e.clickhouseCode : codeFromText ? Number(codeFromText[1]) : undefined;
  if (code !== undefined) {
    const start = message.indexOf('Code: ');
    return new ClickHouseHttpError(code, message, start >= 0 ? message.slice(start) : message);
  }
  return new ClickHouseHttpError(ErrorCode.UNKNOWN_EXCEPTION, `embedded engine failure: ${message.replace(/\s+/g, ' ')}`);
}
