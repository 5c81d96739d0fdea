import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ClickHouseHttpError, ErrorCode } from './errors.js';

/**
 * The three ways ClickHouse's HTTP interface takes credentials, in the order it prefers them:
 * `X-ClickHouse-User` / `X-ClickHouse-Key` headers, HTTP Basic, and `user` / `password` URL
 * parameters. clickhouse-go uses Basic over http://, @clickhouse/client uses Basic by default.
 */
export interface Credentials {
  user: string;
  password: string;
}

export function extractCredentials(
  headers: IncomingHttpHeaders,
  params: { user?: string; password?: string },
): Credentials | undefined {
  const hUser = headers['x-clickhouse-user'];
  const hKey = headers['x-clickhouse-key'];
  if (typeof hUser === 'string' && hUser !== '') {
    return { user: hUser, password: typeof hKey === 'string' ? hKey : '' };
  }
  const authz = headers.authorization;
  if (typeof authz === 'string' && authz !== '') {
    const m = /^Basic\s+(.+)$/i.exec(authz.trim());
    if (!m) {
      // Bearer tokens (JWT) exist only in ClickHouse Cloud; nothing here could verify one.
      throw new ClickHouseHttpError(ErrorCode.AUTHENTICATION_FAILED, 'only HTTP Basic authentication is supported by the embedded engine');
    }
    const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? { user: decoded, password: '' } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (params.user !== undefined && params.user !== '') {
    return { user: params.user, password: params.password ?? '' };
  }
  return undefined;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** One user, `default`, with the generated password. Comparison time does not depend on the input. */
export class Authenticator {
  private readonly expected: Buffer;

  constructor(
    password: string,
    readonly user = 'default',
  ) {
    this.expected = digest(password);
  }

  check(creds: Credentials | undefined): void {
    if (creds === undefined) {
      throw new ClickHouseHttpError(
        ErrorCode.REQUIRED_PASSWORD,
        `${this.user}: Authentication failed: password is required (send HTTP Basic, X-ClickHouse-User/X-ClickHouse-Key, or user/password parameters)`,
      );
    }
    const userOk = creds.user === this.user;
    const passwordOk = timingSafeEqual(digest(creds.password), this.expected);
    if (!userOk || !passwordOk) {
      throw new ClickHouseHttpError(
        ErrorCode.AUTHENTICATION_FAILED,
        `${creds.user}: Authentication failed: password is incorrect, or there is no user with such name`,
      );
    }
  }
}
