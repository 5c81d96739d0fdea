import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { basename, relative } from 'node:path';
import {
  committedGoldenFiles,
  COMPOSE_DIR,
  GOLDEN_UPDATE_COMMAND,
  goldenDirs,
  JSON_SCHEMA_PATH,
  readGolden,
  renderGoldenDir,
  renderJsonSchemaFile,
  renderSecretPatternsFile,
} from '../../tools/golden.js';
import { packageRoot } from '../../cli/paths.js';
import { loadRenderInputs, PROCESSOR_RULES_PATH, SECRET_PATTERNS_PATH, SECRET_RULES_PATH } from '../../cli/render/inputs.js';

const stale = (what: string) => `${what} is stale; regenerate with: ${GOLDEN_UPDATE_COMMAND}`;

describe('golden renders', () => {
  const inputs = loadRenderInputs();
  const dirs = goldenDirs();
  const variants = dirs.map((d) => basename(d));

  it('covers every backend with every profile', () => {
    for (const backend of ['embedded', 'clickhouse', 'loki']) {
      for (const profile of ['claude-code', 'cli-usage', 'generic']) expect(variants).toContain(`${backend}-${profile}`);
    }
  });

  for (const dir of dirs) {
    const name = relative(packageRoot, dir);
    it(`${name} matches what its stack file renders`, () => {
      const files = renderGoldenDir(dir, inputs);
      expect(committedGoldenFiles(dir), stale(`the file list of ${name}`)).toEqual(files.map((f) => f.path).sort());
      for (const f of files) expect(readGolden(dir, f.path), stale(`${name}/${f.path}`)).toBe(f.content);
    });
  }

  it("compose/ holds a compose file, its .env.template and the configs it mounts (Grafana's for the grafana profile)", () => {
    expect(committedGoldenFiles(COMPOSE_DIR)).toEqual([
      '.env.template',
      'clickhouse/listen.xml',
      'collector.yaml',
      'compose.yaml',
      'grafana/dashboards/ts-telemetry.json',
      'grafana/provisioning/dashboards/telemetry-stack.yaml',
      'grafana/provisioning/datasources/telemetry-stack.yaml',
    ]);
  });

  it('configs/secrets/patterns.json matches configs/secrets/rules.yaml', () => {
    expect(readFileSync(SECRET_PATTERNS_PATH, 'utf8'), stale('configs/secrets/patterns.json')).toBe(renderSecretPatternsFile());
  });

  it("the sanitize processor's embedded rules are configs/secrets/rules.yaml", () => {
    expect(readFileSync(PROCESSOR_RULES_PATH, 'utf8'), stale(relative(packageRoot, PROCESSOR_RULES_PATH))).toBe(readFileSync(SECRET_RULES_PATH, 'utf8'));
  });

  it('the committed JSON Schema matches the schema in code', () => {
    expect(readFileSync(JSON_SCHEMA_PATH, 'utf8'), stale('configs/telemetry-stack.schema.json')).toBe(renderJsonSchemaFile());
  });

  it('renders the same bytes twice (pure)', () => {
    const team = dirs.find((d) => d.endsWith('clickhouse-team'))!;
    const a = renderGoldenDir(team, inputs);
    const b = renderGoldenDir(team, inputs);
    expect(a).toEqual(b);
  });
});
