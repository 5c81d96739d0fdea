import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { lintCollectorConfig } from '../lint/lint.js';
import { toolVersion } from '../version.js';
import { envPlaceholders } from './env-placeholders.js';
import { loadStack, printJson, STACK_FILE_OPTION } from './shared.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check the stack file (schema, cross-field rules) and lint the Collector config it renders')
    .option(...STACK_FILE_OPTION)
    .option('--collector', "also run the built Collector's own `validate` on the rendered config")
    .option('--json', 'print the result as JSON')
    .action(async (opts: { file?: string; collector?: boolean; json?: boolean }) => {
      const { stack, path } = await loadStack(opts.file);
      const [{ renderBundle }, { loadRenderInputs }] = await Promise.all([import('../render/bundle.js'), import('../render/inputs.js')]);
      const files = renderBundle(stack, loadRenderInputs(), { source: basename(path), toolVersion });
      const collectorYaml = files.find((f) => f.path === 'collector.yaml')!.content;
      // The rendered config references secrets by env name on purpose; unset-env is for hand-written configs.
      const findings = lintCollectorConfig('collector.yaml (rendered)', collectorYaml, { env: process.env }).filter((f) => f.rule !== 'unset-env');
      if (findings.length > 0) {
        throw new UserError(
          `${path}: the rendered Collector config has lint findings (a telemetry-stack bug; please report it)`,
          findings.map((f) => `${f.file}:${f.line}: ${f.message} [${f.rule}]`),
        );
      }
      let collector: string | undefined;
      if (opts.collector) {
        const [{ collectorBinary }, { validateWithCollector }] = await Promise.all([import('../collector/build.js'), import('../collector/validate.js')]);
        const dir = mkdtempSync(join(tmpdir(), 'telemetry-stack-validate-'));
        try {
          const file = join(dir, 'collector.yaml');
          writeFileSync(file, collectorYaml, { mode: 0o600 });
          const binary = collectorBinary(stack.binaries.collector);
          const result = await validateWithCollector(binary, file, { ...process.env, ...envPlaceholders(collectorYaml, process.env) });
          if (!result.ok) throw new UserError(`${path}: the Collector rejects the rendered config: ${result.message}`);
          collector = binary;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      const summary = {
        stackFile: path,
        ok: true,
        name: stack.name,
        backend: stack.backend,
        runtime: stack.runtime,
        profiles: stack.profiles,
        dataDir: stack.dataDir,
        collectorValidated: collector !== undefined,
      };
      if (opts.json) printJson(summary);
      else process.stdout.write(`${path}: ok (backend ${stack.backend}, runtime ${stack.runtime}, profiles ${stack.profiles.join(', ')}${collector ? ', Collector validate passed' : ''})\n`);
    });
}
