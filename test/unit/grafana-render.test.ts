import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderClickHouseDdl } from '../../cli/render/clickhouse-ddl.js';
import { GRAFANA_DASHBOARDS_DIR, GRAFANA_PROVISIONING_DIR, renderGrafanaBundle } from '../../cli/render/grafana/bundle.js';
import { grafanaLogql, grafanaSql } from '../../cli/render/grafana/panel-queries.js';
import { COMPOSE_DIR, GOLDEN_DIR, GRAFANA_GOLDEN_PREFIX, goldenDirs, renderGoldenDir } from '../../tools/golden.js';
import { loadRenderInputs } from '../../cli/render/inputs.js';
import type { Template } from '../../cli/query/templates.js';
import { loadTemplate } from '../../cli/query/templates.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { resolveStack, type Stack } from '../../cli/stack/resolve.js';
import { STACK_FILE_NAME } from '../../cli/stack/schema.js';

interface Target {
  refId: string;
  datasource?: { type: string; uid: string };
  rawSql?: string;
  expr?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  annotations: { list: unknown[] };
  templating: { list: { name: string; type: string }[] };
  panels: Panel[];
}
interface Datasource {
  name: string;
  type: string;
  uid: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

/** Every rendered Grafana set: the grafana-* goldens and what compose/ mounts for its profile. */
function grafanaSets(): { name: string; files: Map<string, string> }[] {
  const inputs = loadRenderInputs();
  const dirs = goldenDirs().filter((d) => d === COMPOSE_DIR || d.startsWith(join(GOLDEN_DIR, GRAFANA_GOLDEN_PREFIX)));
  return dirs.map((dir) => {
    const files = renderGoldenDir(dir, inputs).filter((f) => f.path.startsWith('grafana/'));
    return { name: dir, files: new Map(files.map((f) => [f.path, f.content])) };
  });
}

const UID = /^[A-Za-z0-9_-]{1,40}$/;
/** Macros grafana-clickhouse-datasource expands (pkg/macros), and Grafana's own range. */
const KNOWN_MACROS = new Set(['$__fromTime_ms', '$__toTime_ms', '$__fromTime', '$__toTime', '$__range']);

function stackOf(yaml: string): Stack {
  const { stack, problems } = parseStackFile(yaml, STACK_FILE_NAME, {});
  if (stack === undefined) throw new Error(problems.map((p) => p.message).join('\n'));
  return resolveStack(stack, join('/tmp', STACK_FILE_NAME), {});
}

describe('Grafana provisioning: what Grafana expects to read', () => {
  const sets = grafanaSets();

  it('renders for the embedded, clickhouse and loki goldens and for compose/', () => {
    expect(sets.length).toBeGreaterThanOrEqual(4);
    for (const s of sets) expect([...s.files.keys()].filter((p) => p.startsWith('grafana/dashboards/'))).toHaveLength(1);
  });

  for (const set of sets) {
    it(`${set.name}: dashboards, data source and provider agree with each other`, () => {
      const dsFile = parse(set.files.get('grafana/provisioning/datasources/telemetry-stack.yaml')!) as { apiVersion: number; datasources: Datasource[] };
      expect(dsFile.apiVersion).toBe(1);
      expect(dsFile.datasources).toHaveLength(1);
      const ds = dsFile.datasources[0]!;
      expect(ds.uid).toMatch(UID);
      expect(['grafana-clickhouse-datasource', 'loki']).toContain(ds.type);
      // No secret in a file: the password or token is a ${NAME} Grafana fills from its environment.
      const secret = ds.secureJsonData?.['password'] ?? ds.secureJsonData?.['httpHeaderValue2'] ?? ds.secureJsonData?.['httpHeaderValue1'];
      if (ds.type === 'grafana-clickhouse-datasource') expect(secret).toMatch(/^\$\{[A-Z_][A-Z0-9_]*\}$/);
      for (const [k, v] of Object.entries(ds.secureJsonData ?? {})) if (/^Bearer /.test(v)) expect(v, k).toMatch(/^Bearer \$\{[A-Z_][A-Z0-9_]*\}$/);

      const provider = parse(set.files.get('grafana/provisioning/dashboards/telemetry-stack.yaml')!) as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
      expect(provider.apiVersion).toBe(1);
      expect(provider.providers.map((p) => [p.type, p.options.path])).toEqual([['file', GRAFANA_DASHBOARDS_DIR]]);

      const [path, json] = [...set.files].find(([p]) => p.startsWith('grafana/dashboards/'))!;
      const d = JSON.parse(json) as Dashboard;
      expect(path).toBe(`grafana/dashboards/${d.uid}.json`);
      expect(d.uid).toMatch(UID);
      expect(d.title).not.toBe('');
      // Grafana 11 and 12 load and migrate dashboards from schemaVersion 36 on.
      expect(Number.isInteger(d.schemaVersion) && d.schemaVersion >= 36).toBe(true);
      expect(Array.isArray(d.annotations.list)).toBe(true);
      expect(d.panels.length).toBeGreaterThan(0);
      expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
      const variables = new Set(d.templating.list.map((v) => v.name));
      for (const p of d.panels) {
        expect(p.type).toBe('table');
        expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
        expect(p.datasource, p.title).toEqual({ type: ds.type, uid: ds.uid });
        expect(new Set(p.targets.map((t) => t.refId)).size, p.title).toBe(p.targets.length);
        for (const t of p.targets) {
          expect(t.datasource, p.title).toEqual({ type: ds.type, uid: ds.uid });
          const query = t.rawSql ?? t.expr ?? '';
          expect(query, p.title).not.toBe('');
          for (const m of query.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[a-z]+)?\}/g)) expect(variables, `${p.title}: \${${m[1]}}`).toContain(m[1]);
          for (const m of query.matchAll(/\$__[A-Za-z_]+/g)) expect(KNOWN_MACROS, p.title).toContain(m[0]);
          // Every $ is a variable or a macro: nothing else reaches Grafana's interpolation.
          expect(query.replace(/\$\{[^}]*\}|\$__[A-Za-z_]+/g, ''), p.title).not.toContain('$');
        }
      }
    });
  }

  it("ClickHouse panels read only the stack's own tables: otel_logs and the rollups its DDL creates", () => {
    const stack = stackOf('version: 1.0\nbackend: embedded\nprofiles: [cli-usage, claude-code]\n');
    const own = new Set(['otel_logs', ...[...renderClickHouseDdl(stack, loadRenderInputs().clickhouseDdl).matchAll(/CREATE TABLE IF NOT EXISTS \S+\.([A-Za-z_]+)/g)].map((m) => m[1]!)]);
    const files = renderGrafanaBundle(stack, STACK_FILE_NAME);
    const d = JSON.parse(files.find((f) => f.path.startsWith('grafana/dashboards/'))!.content) as Dashboard;
    const read = new Set(d.panels.flatMap((p) => p.targets.flatMap((t) => [...(t.rawSql ?? '').matchAll(/\b(?:FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_.]*)/g)].map((m) => m[1]!))));
    expect([...read].sort()).toEqual(['claude_code_cost_daily', 'cli_usage_daily', 'otel_logs']);
    for (const table of read) expect(own, table).toContain(table);
  });

  it('the compose profile mounts the provisioning beside compose.yaml where the provider reads it, on loopback', () => {
    const compose = parse(readFileSync(join(COMPOSE_DIR, 'compose.yaml'), 'utf8')) as {
      services: Record<string, { profiles?: string[]; image: string; volumes: string[]; environment: Record<string, string> }>;
    };
    const grafana = compose.services['grafana']!;
    expect(grafana.profiles).toEqual(['grafana']);
    expect(grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(grafana.volumes).toContain(`./grafana/provisioning:${GRAFANA_PROVISIONING_DIR}:ro`);
    expect(grafana.volumes).toContain(`./grafana/dashboards:${GRAFANA_DASHBOARDS_DIR}:ro`);
    expect(grafana.environment['GF_SERVER_HTTP_ADDR']).toBe('127.0.0.1');
    // Every other service runs without the profile: `docker compose up` alone never starts Grafana.
    for (const [name, s] of Object.entries(compose.services)) if (name !== 'grafana') expect(s.profiles, name).toBeUndefined();
  });
});

describe('grafana.clickhouseUser: a read-only user of yours for the data source', () => {
  const problems = (yaml: string) =>
    parseStackFile(yaml, STACK_FILE_NAME, {})
      .problems.map((p) => `${p.path}: ${p.message}`)
      .join('\n');

  it('backend clickhouse: the data source logs in as that user, its password from the variable named', () => {
    const stack = stackOf(
      'version: 1.0\nbackend: clickhouse\nclickhouse: {url: http://127.0.0.1:9123, username: telemetry}\ngrafana: {clickhouseUser: grafana_ro, clickhousePasswordEnv: GRAFANA_RO_PASSWORD}\n',
    );
    const ds = (parse(renderGrafanaBundle(stack, STACK_FILE_NAME).find((f) => f.path.endsWith('datasources/telemetry-stack.yaml'))!.content) as { datasources: Datasource[] }).datasources[0]!;
    expect(ds.jsonData).toMatchObject({ username: 'grafana_ro', host: '127.0.0.1', port: 9123 });
    expect(ds.secureJsonData).toEqual({ password: '${GRAFANA_RO_PASSWORD}' });
  });

  it('is refused, one line each, where it cannot apply or has no password variable', () => {
    const all = problems('version: 1.0\nbackend: embedded\ngrafana: {clickhouseUser: x, clickhousePasswordEnv: X_PASSWORD}\n');
    expect(all).toMatch(/grafana\.clickhouseUser: applies to backend clickhouse only \(this stack's backend is embedded\); remove it/);
    expect(all).toMatch(/grafana\.clickhousePasswordEnv: applies to backend clickhouse only/);
    expect(problems('version: 1.0\nbackend: clickhouse\ngrafana: {clickhouseUser: x}\n')).toMatch(/grafana\.clickhousePasswordEnv: name the variable holding x's password/);
  });
});

describe('template parameters as Grafana macros and variables', () => {
  const fake = (text: string, language: Template['language'] = 'clickhouse'): Template => ({
    name: 'fake',
    language,
    path: `configs/queries/${language}/fake`,
    text,
    description: '',
    params: new Map(),
  });

  it("since/until become the plugin's time macros of the same type; strings become quoted variables", () => {
    expect(grafanaSql(fake('-- header\nSELECT {since:DateTime64(3)}, {until:DateTime}, {service:String}, {user_hash:String}, {limit:UInt32}'), 7)).toBe(
      'SELECT $__fromTime_ms, $__toTime, ${service:sqlstring}, ${user:sqlstring}, 7',
    );
  });

  it('a parameter with no Grafana equivalent fails the render, naming the template and where to add it', () => {
    expect(() => grafanaSql(fake('SELECT {tenant:String}'), 1)).toThrow(
      /configs\/queries\/clickhouse\/fake: parameter \{tenant:String\} has no Grafana equivalent; add one in cli\/render\/grafana\/panel-queries.ts/,
    );
    expect(() => grafanaSql(fake('SELECT {since:Date}'), 1)).toThrow(/\{since:Date\} has no Grafana macro of that type/);
    expect(() => grafanaSql(fake("SELECT '$x'"), 1)).toThrow(/contains "\$"/);
  });

  it('every shipped template translates (a template change reaches the dashboards, or fails here)', () => {
    for (const name of ['usage-top', 'cost', 'tokens', 'errors-api', 'errors-tools', 'errors-verbs', 'sessions', 'events']) {
      const sql = grafanaSql(loadTemplate('clickhouse', name), 10);
      expect(sql, name).not.toMatch(/(?<!\$)\{[A-Za-z_]+:[^{}]+\}/);
    }
    const logql = grafanaLogql(loadTemplate('loki', 'usage-top'));
    for (const q of logql.values()) expect(q).not.toMatch(/\$selector|\$range\b/);
  });
});
