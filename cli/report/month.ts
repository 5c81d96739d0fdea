import { UserError } from '../errors.js';
import { MAX_LIMIT } from '../query/cli-options.js';
import type { QueryFilters } from '../query/params.js';
import type { TimeRange } from '../query/range.js';
import type { QueryResult, Row } from '../query/result.js';
import type { QuerySource } from '../query/source.js';

/** Everything a month report shows, computed once and rendered as markdown, HTML or JSON. */
export interface MonthReport {
  month: string;
  range: { since: string; until: string };
  generatedAt: string;
  totals: { costUsd: number; requests: number; inputTokens: number; outputTokens: number; users: number; models: number; cliEvents: number; apiErrors: number };
  costPerDay: { day: string; costUsd: number; requests: number }[];
  costPerUserModel: { user: string; model: string; costUsd: number; requests: number; inputTokens: number; outputTokens: number }[];
  costPerUser: { user: string; costUsd: number; requests: number }[];
  tokens: Row[];
  topVerbs: Row[];
  errorsPerDay: { day: string; errors: number }[];
  apiErrors: { statusCode: string; error: string; errors: number }[];
  failingTools: Row[];
  failingVerbs: Row[];
}

const TOP = 20;

export async function buildMonthReport(source: QuerySource, month: string, range: TimeRange, now = new Date()): Promise<MonthReport> {
  if (source.backend !== 'clickhouse') {
    throw new UserError('report month: needs backend embedded or clickhouse (cost, tokens and errors come from the SQL templates); this stack stores into loki');
  }
  const filters = (limit: number): QueryFilters => ({ range, service: '', user: '', model: '', limit, raw: false, userAttribute: 'team', minGroup: 0 });
  const all = async (template: string): Promise<QueryResult> => {
    const result = await source.run(template, filters(MAX_LIMIT));
    if (result.rows.length >= MAX_LIMIT) throw new UserError(`report month: ${template} has more than ${MAX_LIMIT} rows for ${month}; the report would be incomplete`);
    return result;
  };
  const cost = await all('cost');
  const apiErrors = await all('errors-api');
  const tokens = await source.run('tokens', filters(TOP));
  const topVerbs = await source.run('usage-top', filters(TOP));
  const allVerbs = await all('usage-top');
  const failingTools = await source.run('errors-tools', filters(TOP));
  const failingVerbs = await source.run('errors-verbs', filters(TOP));

  const num = (r: Row, k: string) => Number(r[k] ?? 0);
  const str = (r: Row, k: string) => String(r[k] ?? '');
  const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

  const days = new Map<string, { costUsd: number; requests: number }>();
  for (let d = new Date(range.since); d < range.until; d = new Date(d.getTime() + 86_400_000)) days.set(d.toISOString().slice(0, 10), { costUsd: 0, requests: 0 });
  const userModel = new Map<string, MonthReport['costPerUserModel'][number]>();
  const users = new Map<string, { costUsd: number; requests: number }>();
  const models = new Set<string>();
  for (const r of cost.rows) {
    const day = days.get(str(r, 'day'));
    if (day) {
      day.costUsd += num(r, 'cost_usd');
      day.requests += num(r, 'requests');
    }
    const key = `${str(r, 'user')}\u0000${str(r, 'model')}`;
    const um = userModel.get(key) ?? { user: str(r, 'user'), model: str(r, 'model'), costUsd: 0, requests: 0, inputTokens: 0, outputTokens: 0 };
    um.costUsd += num(r, 'cost_usd');
    um.requests += num(r, 'requests');
    um.inputTokens += num(r, 'input_tokens');
    um.outputTokens += num(r, 'output_tokens');
    userModel.set(key, um);
    const u = users.get(str(r, 'user')) ?? { costUsd: 0, requests: 0 };
    u.costUsd += num(r, 'cost_usd');
    u.requests += num(r, 'requests');
    users.set(str(r, 'user'), u);
    models.add(str(r, 'model'));
  }

  const errorDays = new Map([...days.keys()].map((d) => [d, 0]));
  const errorKinds = new Map<string, MonthReport['apiErrors'][number]>();
  for (const r of apiErrors.rows) {
    const day = str(r, 'period').slice(0, 10);
    if (errorDays.has(day)) errorDays.set(day, errorDays.get(day)! + num(r, 'errors'));
    const key = `${str(r, 'status_code')}\u0000${str(r, 'error')}`;
    const k = errorKinds.get(key) ?? { statusCode: str(r, 'status_code'), error: str(r, 'error'), errors: 0 };
    k.errors += num(r, 'errors');
    errorKinds.set(key, k);
  }

  const byCost = <T extends { costUsd: number }>(a: T, b: T) => b.costUsd - a.costUsd;
  return {
    month,
    range: { since: range.since.toISOString(), until: range.until.toISOString() },
    generatedAt: now.toISOString(),
    totals: {
      costUsd: round6(cost.rows.reduce((a, r) => a + num(r, 'cost_usd'), 0)),
      requests: cost.rows.reduce((a, r) => a + num(r, 'requests'), 0),
      inputTokens: cost.rows.reduce((a, r) => a + num(r, 'input_tokens'), 0),
      outputTokens: cost.rows.reduce((a, r) => a + num(r, 'output_tokens'), 0),
      users: users.size,
      models: models.size,
      cliEvents: allVerbs.rows.reduce((a, r) => a + num(r, 'events'), 0),
      apiErrors: apiErrors.rows.reduce((a, r) => a + num(r, 'errors'), 0),
    },
    costPerDay: [...days].map(([day, v]) => ({ day, costUsd: round6(v.costUsd), requests: v.requests })),
    costPerUserModel: [...userModel.values()].map((v) => ({ ...v, costUsd: round6(v.costUsd) })).sort((a, b) => byCost(a, b) || a.user.localeCompare(b.user) || a.model.localeCompare(b.model)),
    costPerUser: [...users].map(([user, v]) => ({ user, costUsd: round6(v.costUsd), requests: v.requests })).sort((a, b) => byCost(a, b) || a.user.localeCompare(b.user)),
    tokens: tokens.rows,
    topVerbs: topVerbs.rows,
    errorsPerDay: [...errorDays].map(([day, errors]) => ({ day, errors })),
    apiErrors: [...errorKinds.values()].sort((a, b) => b.errors - a.errors || a.statusCode.localeCompare(b.statusCode) || a.error.localeCompare(b.error)).slice(0, TOP),
    failingTools: failingTools.rows,
    failingVerbs: failingVerbs.rows,
  };
}
