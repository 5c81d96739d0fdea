import type { ClickHouseClient } from '@clickhouse/client';
import { UserError } from '../errors.js';
import type { Stack } from '../stack/resolve.js';
import { lokiHeaders } from '../stack/storage-endpoint.js';
import { requireStorageAnswers } from '../storage/health.js';
import { openClickHouse } from '../storage/clickhouse.js';
import { readClickHouseReaderPassword } from '../home/secrets.js';
import { runClickHouse, runTemplateOnClickHouse } from './clickhouse.js';
import { fillLogql, runLogql, templateQueries } from './loki.js';
import { clickHouseValues, type QueryFilters } from './params.js';
import type { TimeRange } from './range.js';
import type { Column, QueryResult, Row } from './result.js';
import { checkReadOnlySql } from './sql-guard.js';
import { hasTemplate, loadTemplate, type Template } from './templates.js';

/**
 * The one query interface: named templates, ad-hoc SQL and ad-hoc LogQL, against whatever the
 * stack stores into. The ClickHouse server and the embedded engine are the same here (both speak
 * ClickHouse's HTTP interface through openClickHouse); Loki answers the templates that have a
 * .logql form.
 */
export interface QuerySource {
  readonly backend: 'clickhouse' | 'loki';
  /** Runs the named template; templates() says which ones this backend has. */
  run(name: string, filters: QueryFilters): Promise<QueryResult>;
  /** The templates behind a name on this backend (for option checks and --json metadata). */
  templates(name: string): Template[];
  sql(statement: string): Promise<QueryResult>;
  logql(query: string, range: TimeRange, limit: number): Promise<QueryResult>;
  close(): Promise<void>;
}

export function openQuerySource(stack: Stack, env: NodeJS.ProcessEnv): QuerySource {
  return stack.backend === 'loki' ? new LokiSource(stack, env) : new ClickHouseSource(stack, env);
}

class ClickHouseSource implements QuerySource {
  readonly backend = 'clickhouse' as const;
  private client: ClickHouseClient | undefined;

  constructor(
    private readonly stack: Stack,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private answers: Promise<void> | undefined;

  /** The client, once storage has answered its health check (a hung part is named in seconds). */
  private async open(): Promise<ClickHouseClient> {
    await (this.answers ??= requireStorageAnswers(this.stack));
    // As the reader: the server refuses any write or DDL, whatever a template or a person sends.
    this.client ??= openClickHouse(this.stack, readClickHouseReaderPassword(this.stack, this.env), { role: 'reader' });
    return this.client;
  }

  templates(name: string): Template[] {
    return [loadTemplate('clickhouse', name)];
  }

  async run(name: string, filters: QueryFilters): Promise<QueryResult> {
    return runTemplateOnClickHouse(await this.open(), this.stack, loadTemplate('clickhouse', name), clickHouseValues(this.stack, this.env, filters));
  }

  async sql(statement: string): Promise<QueryResult> {
    checkReadOnlySql(statement);
    return runClickHouse(await this.open(), this.stack, statement);
  }

  logql(): Promise<QueryResult> {
    return Promise.reject(new UserError(`--logql needs backend loki; this stack stores into ${this.stack.backend}: use --sql`));
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}

class LokiSource implements QuerySource {
  readonly backend = 'loki' as const;

  constructor(
    private readonly stack: Stack,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private answers: Promise<void> | undefined;

  /** Credentials first (a missing token sends nothing), then Loki's readiness within seconds. */
  private ready(): Promise<void> {
    lokiHeaders(this.stack, this.env);
    return (this.answers ??= requireStorageAnswers(this.stack));
  }

  templates(name: string): Template[] {
    if (!hasTemplate('loki', name)) {
      throw new UserError(`${name.replace(/-/g, ' ')}: not available on backend loki (LogQL cannot answer it here); use a stack with backend embedded or clickhouse`);
    }
    return [loadTemplate('loki', name)];
  }

  async run(name: string, filters: QueryFilters): Promise<QueryResult> {
    const [template] = this.templates(name);
    await this.ready();
    const queries = templateQueries(template!);
    const answers = new Map<string, QueryResult>();
    for (const [key, query] of queries) {
      answers.set(key, await runLogql(this.stack, this.env, fillLogql(query, { service: filters.service, range: filters.range }), filters.range, 100_000));
    }
    if (name === 'usage-top') return joinUsageTop(answers, filters.limit);
    throw new Error(`no result shape for loki template ${name}`);
  }

  sql(): Promise<QueryResult> {
    return Promise.reject(new UserError('--sql needs backend embedded or clickhouse; this stack stores into loki: use --logql'));
  }

  async logql(query: string, range: TimeRange, limit: number): Promise<QueryResult> {
    await this.ready();
    return runLogql(this.stack, this.env, query, range, limit);
  }

  async close(): Promise<void> {}
}

/** The three LogQL answers of usage-top, in the same columns and order as the SQL template. */
function joinUsageTop(answers: Map<string, QueryResult>, limit: number): QueryResult {
  const key = (r: Row) => `${String(r['service_name'] ?? '')}\u0000${String(r['cli_verb'] ?? '')}`;
  const value = (name: string) => new Map((answers.get(name)?.rows ?? []).map((r) => [key(r), Number(r['value'] ?? 0)]));
  const failures = value('failures');
  const users = value('users');
  const rows: Row[] = (answers.get('events')?.rows ?? []).map((r) => {
    const events = Number(r['value'] ?? 0);
    const failed = failures.get(key(r)) ?? 0;
    return {
      service: String(r['service_name'] ?? ''),
      verb: String(r['cli_verb'] ?? ''),
      events,
      users: users.get(key(r)) ?? 0,
      failures: failed,
      failure_rate: events === 0 ? 0 : Math.round((failed / events) * 10_000) / 10_000,
    };
  });
  rows.sort((a, b) => Number(b['events']) - Number(a['events']) || cmp(a['service'], b['service']) || cmp(a['verb'], b['verb']));
  const columns: Column[] = [
    { name: 'service', kind: 'text', type: 'label' },
    { name: 'verb', kind: 'text', type: 'label' },
    { name: 'events', kind: 'number', type: 'count' },
    { name: 'users', kind: 'number', type: 'count' },
    { name: 'failures', kind: 'number', type: 'count' },
    { name: 'failure_rate', kind: 'number', type: 'ratio' },
  ];
  return { columns, rows: rows.slice(0, limit) };
}

function cmp(a: unknown, b: unknown): number {
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
