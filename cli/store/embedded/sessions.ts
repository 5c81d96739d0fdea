import { ClickHouseHttpError, ErrorCode } from './errors.js';

/**
 * HTTP sessions (`session_id`): what a SET or USE inside a session changed, replayed onto each
 * later request of that session. ClickHouse keeps a whole query context per session; here the
 * engine has one connection, so a session is reduced to the two things clients use it for.
 */
export interface HttpSession {
  database?: string;
  settings: Map<string, string>;
  timeoutMs: number;
  expiresAt: number;
}

const DEFAULT_TIMEOUT_S = 60;
/** ClickHouse's default max_session_timeout. */
const MAX_TIMEOUT_S = 3600;
/** A bound on memory: past it the least recently used session is dropped. */
const MAX_SESSIONS = 1000;

export class SessionStore {
  private readonly sessions = new Map<string, HttpSession>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Returns the live session, creating it unless `mustExist` (ClickHouse's session_check=1). */
  open(id: string, timeoutSeconds: number | undefined, mustExist: boolean): HttpSession {
    const t = this.now();
    let s = this.sessions.get(id);
    if (s !== undefined && s.expiresAt <= t) {
      this.sessions.delete(id);
      s = undefined;
    }
    if (s === undefined) {
      if (mustExist) throw new ClickHouseHttpError(ErrorCode.SESSION_NOT_FOUND, `Session ${id} not found`);
      this.sweep(t);
      if (this.sessions.size >= MAX_SESSIONS) {
        const oldest = this.sessions.keys().next().value;
        if (oldest !== undefined) this.sessions.delete(oldest);
      }
      s = { settings: new Map(), timeoutMs: DEFAULT_TIMEOUT_S * 1000, expiresAt: 0 };
    } else {
      // Re-insert so Map order stays least-recently-used first.
      this.sessions.delete(id);
    }
    if (timeoutSeconds !== undefined) {
      if (timeoutSeconds < 0 || timeoutSeconds > MAX_TIMEOUT_S) {
        throw new ClickHouseHttpError(
          ErrorCode.BAD_ARGUMENTS,
          `Session timeout ${timeoutSeconds} is out of range (0..${MAX_TIMEOUT_S} seconds)`,
        );
      }
      s.timeoutMs = timeoutSeconds * 1000;
    }
    s.expiresAt = t + s.timeoutMs;
    this.sessions.set(id, s);
    return s;
  }

  private sweep(t: number): void {
    for (const [id, s] of this.sessions) if (s.expiresAt <= t) this.sessions.delete(id);
  }
}
