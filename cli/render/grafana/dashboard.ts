import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  CustomVariableBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  QueryVariableBuilder,
  TextBoxVariableBuilder,
  VariableRefresh,
  type Dashboard,
  type DynamicConfigValue,
  type VariableModel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder as LokiQueryBuilder } from '@grafana/grafana-foundation-sdk/loki';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PANELS, type Panel } from '../../dashboard/panels.js';
import { PRESENT } from '../../query/ask.js';
import { DEFAULT_USER_ATTRIBUTE, USER_ATTRIBUTES } from '../../query/cli-options.js';
import type { Presentation } from '../../query/table.js';
import { hasTemplate, loadTemplate } from '../../query/templates.js';
import type { Stack } from '../../stack/resolve.js';
import type { GrafanaDatasource } from './datasource.js';
import { grafanaLogql, grafanaSql, VARIABLES } from './panel-queries.js';

/**
 * One dashboard per stack, built with Grafana's typed builders: the local dashboard's panels
 * (cli/dashboard/panels.ts: the same questions, titles and default row counts as `query ... --json`),
 * each a table running its query template through the provisioned data source. Backend loki gets
 * the panels that have a .logql template; the others need SQL.
 */

/** A grafana-clickhouse-datasource query in SQL mode; the SDK ships no builder for this plugin. */
interface ClickHouseQuery extends cog.Dataquery {
  refId: string;
  datasource: { type: string; uid: string };
  editorType: 'sql';
  /** sqlds format 1: a table (0 would ask for a time series). */
  format: 1;
  queryType: 'table';
  rawSql: string;
}

class ClickHouseQueryBuilder implements cog.Builder<ClickHouseQuery> {
  constructor(
    private readonly datasource: { type: string; uid: string },
    private readonly rawSql: string,
  ) {}

  build(): ClickHouseQuery {
    return {
      refId: 'A',
      datasource: this.datasource,
      editorType: 'sql',
      format: 1,
      queryType: 'table',
      rawSql: this.rawSql,
      _implementsDataqueryVariant() {},
    };
  }
}

/** The CLI's column presentations as Grafana units. */
const UNIT: Readonly<Record<Presentation, string | undefined>> = {
  usd: 'currencyUSD',
  percent: 'percentunit',
  ratio: 'none',
  int: undefined,
  plain: undefined,
};

/** A Grafana unit for each column the query names that the CLI presents as money, a share or a ratio. */
function presentationOverrides(panel: TablePanelBuilder, query: string): void {
  for (const [column, presentation] of Object.entries(PRESENT)) {
    const unit = UNIT[presentation];
    if (unit === undefined || !new RegExp(`\\b${column}\\b`).test(query)) continue;
    const properties: DynamicConfigValue[] = [{ id: 'unit', value: unit }];
    panel.overrideByName(column, properties);
  }
}

/** Stable per stack and Grafana-valid (at most 40 characters). */
export function dashboardUid(stack: Stack): string {
  return `ts-${stack.name}`;
}

function clickHousePanel(panel: Panel, datasource: GrafanaDatasource): TablePanelBuilder {
  const section = panel.question.sections[0]!;
  const template = loadTemplate('clickhouse', section.template);
  const sql = grafanaSql(template, panel.limit);
  const table = new TablePanelBuilder()
    .title(section.title)
    .description(`${template.description}\n\nSame answer as \`telemetry-stack ${panel.cli} --limit ${panel.limit}\` (template configs/queries/clickhouse/${section.template}.sql).`)
    .datasource(datasource.ref)
    .withTarget(new ClickHouseQueryBuilder(datasource.ref, sql));
  presentationOverrides(table, sql);
  return table;
}

/**
 * The three instant queries of a .logql template joined per series as the CLI joins them
 * (cli/query/source.ts): merged on their labels, renamed to the SQL template's columns.
 */
function lokiUsagePanel(panel: Panel, datasource: GrafanaDatasource): TablePanelBuilder {
  const section = panel.question.sections[0]!;
  const template = loadTemplate('loki', section.template);
  const queries = grafanaLogql(template);
  const table = new TablePanelBuilder()
    .title(section.title)
    .description(`${template.description}\n\nSame answer as \`telemetry-stack ${panel.cli} --limit ${panel.limit}\` (template configs/queries/loki/${section.template}.logql).`)
    .datasource(datasource.ref);
  for (const [name, expr] of queries) {
    table.withTarget(new LokiQueryBuilder().refId(name).expr(expr).instant(true).range(false).queryType('instant').datasource(datasource.ref));
  }
  const renames = Object.fromEntries([...queries.keys()].map((name) => [`Value #${name}`, name]));
  table.transformations([
    { id: 'merge', options: {} },
    { id: 'organize', options: { excludeByName: { Time: true }, renameByName: { service_name: 'service', cli_verb: 'verb', ...renames } } },
    { id: 'calculateField', options: { mode: 'binary', binary: { left: 'failures', operator: '/', right: 'events' }, alias: 'failure_rate', replaceFields: false } },
    { id: 'sortBy', options: { sort: [{ field: 'events', desc: true }] } },
    { id: 'limit', options: { limitField: panel.limit } },
  ]);
  // failure_rate is computed by the transformation above, as the CLI computes it after the join.
  presentationOverrides(table, 'failure_rate');
  return table;
}

function variables(stack: Stack, datasource: GrafanaDatasource): cog.Builder<VariableModel>[] {
  const text = (name: string, label: string, description: string) => new TextBoxVariableBuilder(name).label(label).description(description).current({ text: '', value: '' });
  if (stack.backend === 'loki') {
    return [
      new QueryVariableBuilder(VARIABLES.service)
        .label('Service')
        .description('service_name of the streams to read; All reads every service.')
        .datasource(datasource.ref)
        .query('label_values(service_name)')
        .definition('label_values(service_name)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .includeAll(true)
        .allValue('.+')
        .current({ text: 'All', value: '$__all' }),
    ];
  }
  return [
    text(VARIABLES.service, 'Service', 'One service (service.name); empty for every service.'),
    text(VARIABLES.user, 'User', 'The stored user value a panel shows (a keyed hash when privacy.userId.mode is hmac); empty for everyone.'),
    text(VARIABLES.model, 'Model', 'One model; empty for every model.'),
    text(VARIABLES.verb, 'Verb', 'One CLI verb (cli.verb) for the recent events; empty for any.'),
    new CustomVariableBuilder(VARIABLES.userAttribute)
      .label('User attribute')
      .description('Resource attribute that names a user when events carry no user.email or user.id.')
      .values(USER_ATTRIBUTES.join(','))
      .current({ text: DEFAULT_USER_ATTRIBUTE, value: DEFAULT_USER_ATTRIBUTE }),
  ];
}

export function buildDashboard(stack: Stack, datasource: GrafanaDatasource): Dashboard {
  const builder = new DashboardBuilder(`telemetry-stack: ${stack.name}`)
    .uid(dashboardUid(stack))
    .description(
      `Usage, cost and errors of the ${stack.name} stack, from the same query templates as \`telemetry-stack query\`. Generated by \`telemetry-stack generate --target grafana\`; edits in Grafana are not kept.`,
    )
    .tags(['telemetry-stack'])
    .timezone('utc')
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .tooltip(DashboardCursorSync.Off)
    .readonly()
    .variables(variables(stack, datasource));
  // Two panels a row on Grafana's 24-column grid; recent events read best across the whole width.
  const HEIGHT = 9;
  let id = 1;
  let x = 0;
  let y = 0;
  for (const [key, panel] of Object.entries(PANELS)) {
    const section = panel.question.sections[0]!;
    let table: TablePanelBuilder | undefined;
    if (stack.backend !== 'loki') table = clickHousePanel(panel, datasource);
    else if (hasTemplate('loki', section.template)) table = lokiUsagePanel(panel, datasource);
    if (table === undefined) continue;
    const w = key === 'events' ? 24 : 12;
    if (x + w > 24) [x, y] = [0, y + HEIGHT];
    builder.withPanel(table.id(id++).gridPos({ x, y, w, h: HEIGHT }));
    [x, y] = x + w >= 24 ? [0, y + HEIGHT] : [x + w, y];
  }
  const dashboard = builder.build();
  // Grafana reads annotations.list when it loads a dashboard; the builder leaves it out when empty.
  return { ...dashboard, annotations: { list: dashboard.annotations.list ?? [] } };
}
