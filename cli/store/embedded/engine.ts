import type { Session } from 'chdb';
import { ErrorCode, fromEngineError } from './errors.js';
import { SerialQueue } from './serial-queue.js';

/**
 * The in-process ClickHouse engine (npm `chdb`) on a persistent directory, behind a queue.
 *
 * chdb gives one connection per data directory per process, with one current database and one
 * set of session settings. Every HTTP request therefore runs as one serialized job that switches
 * the database and settings it asked for, runs its statement, and puts both back, so nothing a
 * request sets can leak into the next one.
 */

export interface EngineInfo {
  version: string;
  timezone: string;
  displayName: string;
  chdbVersion: string;
}

export interface ExecRequest {
  sql: string;
  /** Output format used when the statement has no FORMAT clause. */
  format: string;
  /** Current database for the statement; the engine's `default` when absent. */
  database?: string;
  /** Settings for this statement only, by name, as the text ClickHouse would parse. */
  settings?: ReadonlyMap<string, string>;
  /** Query parameters (`{name:Type}`), already unescaped; null binds NULL. */
  params?: Readonly<Record<string, string | null>>;
  /**
   * The statement is a SET or a USE. Whatever it changed is undone after the request (as in
   * ClickHouse, where a SET outside a session dies with its request); with `keep`, what it
   * changed is also returned so an HTTP session can replay it on its next requests.
   */
  changesContext?: { kind: 'set' | 'use'; keep: boolean };
}

export interface ExecResult {
  bytes: Uint8Array;
  rowsRead: number;
  bytesRead: number;
  elapsedSeconds: number;
  captured?: { settings: Map<string, string>; reset?: string[]; database?: string };
}

const DEFAULT_DATABASE = 'default';

export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

export class Engine {
  private readonly queue = new SerialQueue();

  private constructor(
    private readonly session: Session,
    readonly info: EngineInfo,
    /** Every setting name the engine knows (unknown names are ignored, not applied). */
    readonly settingNames: ReadonlySet<string>,
    /** Settings chdb itself changed at connect: restored to these values, not to DEFAULT. */
    private readonly baseline: ReadonlyMap<string, string>,
    /** Lower-case output format name -> canonical name. */
    readonly outputFormats: ReadonlyMap<string, string>,
  ) {}

  /**
   * Opens (creating if needed) the engine directory. The engine locks `<dir>/status` itself, so
   * a second process on the same directory fails here (and chdb prints the lock error on stderr).
   */
  static async open(dir: string, configFile: string): Promise<Engine> {
    const chdb = await import('chdb');
    let session: Session;
    try {
      // An explicit config file: otherwise the engine would pick up a config.xml from the
      // current directory or ~/.clickhouse-local, and behave differently per machine.
      session = new chdb.Session(dir, { connectionArgs: [`--config-file=${configFile}`] });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? '';
      const own = err instanceof Error ? err.message : String(err);
      throw new Error(`cannot open the embedded engine at ${dir}: ${own}${cause && cause !== own ? ` (${cause.replace(/\s+/g, ' ')})` : ''}`);
    }
    try {
      const rows = async (sql: string): Promise<unknown[][]> => {
        const text = (await session.queryAsync(sql, { format: 'JSONCompactEachRow' })).text();
        return text
          .split('\n')
          .filter((l) => l.length > 0)
          .map((l) => JSON.parse(l) as unknown[]);
      };
      const [first] = await rows('SELECT version(), timezone(), displayName()');
      const v = chdb.version();
      const info: EngineInfo = {
        version: String(first?.[0] ?? ''),
        timezone: String(first?.[1] ?? 'UTC'),
        displayName: String(first?.[2] ?? 'embedded'),
        chdbVersion: v.chdb,
      };
      const settingNames = new Set((await rows('SELECT name FROM system.settings')).map((r) => String(r[0])));
      const baseline = new Map(
        (await rows('SELECT name, value FROM system.settings WHERE changed')).map((r) => [String(r[0]), String(r[1])]),
      );
      const outputFormats = new Map<string, string>();
      for (const [name] of await rows('SELECT name FROM system.formats WHERE is_output')) {
        outputFormats.set(String(name).toLowerCase(), String(name));
      }
      return new Engine(session, info, settingNames, baseline, outputFormats);
    } catch (err) {
      session.close();
      throw err;
    }
  }

  /** Jobs queued or running: a gauge for logs and shutdown. */
  get pending(): number {
    return this.queue.size;
  }

  exec(req: ExecRequest): Promise<ExecResult> {
    return this.queue.run(() => this.execNow(req));
  }

  private async execNow(req: ExecRequest): Promise<ExecResult> {
    const touched = new Set<string>();
    let switchedDatabase = req.changesContext?.kind === 'use';
    try {
      if (req.database !== undefined && req.database !== DEFAULT_DATABASE) {
        switchedDatabase = true;
        await this.session.queryAsync(`USE ${quoteIdentifier(req.database)}`);
      }
      const before = new Map<string, string>();
      for (const [name, value] of req.settings ?? []) {
        touched.add(name);
        before.set(name, value);
        await this.session.queryAsync(`SET ${quoteIdentifier(name)} = ${quoteString(value)}`);
      }

      const result =
        req.params !== undefined && Object.keys(req.params).length > 0
          ? await this.session.queryBindAsync(req.sql, req.params, { format: req.format })
          : await this.session.queryAsync(req.sql, { format: req.format });
      const out: ExecResult = {
        bytes: result.bytes(),
        rowsRead: result.rowsRead,
        bytesRead: result.bytesRead,
        elapsedSeconds: result.elapsed,
      };

      if (req.changesContext?.kind === 'set') {
        // Read what the engine now has, rather than trusting a parse of the SET statement: every
        // setting that differs from the baseline is restored below, whatever syntax set it.
        const changed = await this.changedSettings();
        const kept = new Map<string, string>();
        const reset: string[] = [];
        for (const [name, value] of changed) {
          if (this.baseline.get(name) === value) continue;
          touched.add(name);
          if (before.get(name) !== value) kept.set(name, value);
        }
        // A session setting the statement put back to its default is dropped from the session.
        for (const name of before.keys()) if (!changed.has(name) || changed.get(name) === this.baseline.get(name)) reset.push(name);
        if (req.changesContext.keep) out.captured = { settings: kept, reset };
      } else if (req.changesContext?.kind === 'use' && req.changesContext.keep) {
        const db = (await this.session.queryAsync('SELECT currentDatabase()', { format: 'JSONCompactEachRow' })).text();
        out.captured = { settings: new Map(), database: (JSON.parse(db.trim()) as [string])[0] };
      }
      return out;
    } catch (err) {
      throw fromEngineError(err);
    } finally {
      await this.restore(touched, switchedDatabase);
    }
  }

  private async changedSettings(): Promise<Map<string, string>> {
    const text = (
      await this.session.queryAsync('SELECT name, value FROM system.settings WHERE changed', { format: 'JSONCompactEachRow' })
    ).text();
    const out = new Map<string, string>();
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      const [n, v] = JSON.parse(line) as [string, string];
      out.set(n, v);
    }
    return out;
  }

  private async restore(settings: ReadonlySet<string>, database: boolean): Promise<void> {
    for (const name of settings) {
      const base = this.baseline.get(name);
      const sql =
        base === undefined
          ? `SET ${quoteIdentifier(name)} = DEFAULT`
          : `SET ${quoteIdentifier(name)} = ${quoteString(base)}`;
      try {
        await this.session.queryAsync(sql);
      } catch (err) {
        // A setting the engine refused to set was never changed; any other failure means the
        // connection may carry state into the next request, which must not go unnoticed.
        const e = fromEngineError(err);
        if (e.code !== ErrorCode.UNKNOWN_SETTING) {
          process.stderr.write(`embedded-store: could not restore setting ${name}: ${e.message.split('\n')[0]}\n`);
        }
      }
    }
    if (database) {
      try {
        await this.session.queryAsync(`USE ${DEFAULT_DATABASE}`);
      } catch (err) {
        process.stderr.write(`embedded-store: could not restore the current database: ${String(err)}\n`);
      }
    }
  }

  /** Waits for queued requests, then releases the engine (flushes and unlocks the directory). */
  async close(): Promise<void> {
    await this.queue.drain();
    this.session.close();
  }
}
