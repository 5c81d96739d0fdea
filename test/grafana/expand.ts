/**
 * What Grafana and its ClickHouse / Loki data sources do to a panel's query before the storage
 * sees it, for tests: dashboard variables first (Grafana's `sqlstring` format quotes a value and
 * doubles its `'`), then the macros with the panel's time range, as grafana-clickhouse-datasource
 * 4.20 expands them ($__fromTime_ms -> fromUnixTimestamp64Milli(<ms>), $__fromTime ->
 * toDateTime(<s>)) and as Grafana fills $__range for Loki (the range in whole seconds, `s`).
 * Anything left that starts with `$` is an error: the storage would get it verbatim.
 */
export interface PanelContext {
  fromMs: number;
  toMs: number;
  variables: Record<string, string>;
}

function variable(ctx: PanelContext, name: string): string {
  const value = ctx.variables[name];
  if (value === undefined) throw new Error(`the query names variable ${name}, which the test does not set`);
  return value;
}

export function expandClickHouse(sql: string, ctx: PanelContext): string {
  const out = sql
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*):sqlstring\}/g, (_, name: string) => `'${variable(ctx, name).replaceAll("'", "''")}'`)
    .replace(/\$__fromTime_ms\b/g, `fromUnixTimestamp64Milli(${ctx.fromMs})`)
    .replace(/\$__toTime_ms\b/g, `fromUnixTimestamp64Milli(${ctx.toMs})`)
    .replace(/\$__fromTime\b/g, `toDateTime(${Math.floor(ctx.fromMs / 1000)})`)
    .replace(/\$__toTime\b/g, `toDateTime(${Math.floor(ctx.toMs / 1000)})`);
  if (out.includes('$')) throw new Error(`left unexpanded: ${/\$\S*/.exec(out)![0]}`);
  return out;
}

export function expandLoki(logql: string, ctx: PanelContext): string {
  const seconds = Math.max(1, Math.ceil((ctx.toMs - ctx.fromMs) / 1000));
  const out = logql.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => variable(ctx, name)).replace(/\$__range\b/g, `${seconds}s`);
  if (out.includes('$')) throw new Error(`left unexpanded: ${/\$\S*/.exec(out)![0]}`);
  return out;
}
