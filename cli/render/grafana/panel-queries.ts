import { templateQueries } from '../../query/loki.js';
import type { Template } from '../../query/templates.js';

/**
 * The query templates as Grafana panels run them: each parameter the CLI fills becomes a Grafana
 * macro or dashboard variable, in the template's own text, so a change to a template reaches the
 * dashboards at the next `generate` with no second copy of any SQL or LogQL.
 *
 * ClickHouse (grafana-clickhouse-datasource): the plugin expands `$__fromTime_ms` / `$__toTime_ms`
 * to `fromUnixTimestamp64Milli(<ms>)`, a DateTime64(3) like the templates' since/until; Grafana
 * fills `${name:sqlstring}` with the variable's value quoted and its `'` doubled.
 * Loki: `$__range` is the dashboard range as a duration; the service variable selects the stream.
 */

/** Dashboard variables the panels read; their names are the templates' parameter names. */
export const VARIABLES = {
  service: 'service',
  user: 'user',
  model: 'model',
  verb: 'verb',
  userAttribute: 'user_attribute',
} as const;

/** Grafana's quoting of a variable as an SQL string literal. */
const sqlString = (variable: string) => `\${${variable}:sqlstring}`;

/** What each ClickHouse parameter becomes; `limit` is the panel's own row count. */
function clickHouseValue(template: Template, name: string, type: string, limit: number): string {
  const time = (ms: string, s: string) => {
    if (type === 'DateTime64(3)') return ms;
    if (type === 'DateTime') return s;
    throw new Error(`${template.path}: {${name}:${type}} has no Grafana macro of that type; use DateTime64(3) or DateTime`);
  };
  switch (name) {
    case 'since':
      return time('$__fromTime_ms', '$__fromTime');
    case 'until':
      return time('$__toTime_ms', '$__toTime');
    case 'service':
    case 'user':
    case 'model':
    case 'verb':
      return sqlString(name);
    // Grafana cannot compute the stack's keyed hash: the variable takes the stored value a panel shows.
    case 'user_hash':
      return sqlString(VARIABLES.user);
    case 'user_attribute':
      return sqlString(VARIABLES.userAttribute);
    case 'limit':
      return String(limit);
    // The rollups answer whole days exactly as raw events would (the query tests prove it).
    case 'raw':
      return '0';
    default:
      throw new Error(`${template.path}: parameter {${name}:${type}} has no Grafana equivalent; add one in cli/render/grafana/panel-queries.ts`);
  }
}

const PARAM = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;

/** A ClickHouse template's statement (its header comment left out) with Grafana's macros and variables. */
export function grafanaSql(template: Template, limit: number): string {
  if (template.language !== 'clickhouse') throw new Error(`${template.path} is not a ClickHouse template`);
  const lines = template.text.split('\n');
  const firstStatementLine = lines.findIndex((line) => !line.startsWith('--'));
  const body = lines.slice(firstStatementLine).join('\n').trim();
  // A `$` of the template's own would be read by Grafana as a variable.
  if (body.includes('$')) throw new Error(`${template.path}: contains "$", which Grafana would read as a variable`);
  return body.replace(PARAM, (_, name: string, type: string) => clickHouseValue(template, name, type.trim(), limit));
}

/** Each query of a .logql template, by name, with Grafana's range and service variable. */
export function grafanaLogql(template: Template): Map<string, string> {
  if (template.language !== 'loki') throw new Error(`${template.path} is not a LogQL template`);
  const out = new Map<string, string>();
  for (const [name, query] of templateQueries(template)) {
    // The All value is `.+`: every stream with a service_name, as the CLI selects with no --service.
    out.set(name, query.replaceAll('$selector', `{service_name=~"\${${VARIABLES.service}}"}`).replaceAll('$range', '$__range'));
  }
  return out;
}
