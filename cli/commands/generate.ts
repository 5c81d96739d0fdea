import { basename, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError, UserError } from '../errors.js';
import { writeBundle } from '../output/write-bundle.js';
import { toolVersion } from '../version.js';
import { loadStack, printJson, STACK_FILE_OPTION } from './shared.js';

export const DEFAULT_OUT_DIR = 'generated';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('render the Collector config and everything the backend needs (storage config, compose file, ClickHouse rollups)')
    .option(...STACK_FILE_OPTION)
    .option('-o, --out <dir>', 'directory to write into', DEFAULT_OUT_DIR)
    .option('--stdout', 'print the files instead of writing them')
    .option('--json', 'print what was written as JSON')
    .addOption(
      new Option(
        '--target <target>',
        'local: this machine (process or compose); kubernetes: a kustomize bundle and Helm chart values for a gateway tier; grafana: data source and dashboard provisioning for your own Grafana',
      )
        .choices(['local', 'kubernetes', 'grafana'])
        .default('local'),
    )
    .action(async (opts: { file?: string; out: string; stdout?: boolean; json?: boolean; target: 'local' | 'kubernetes' | 'grafana' }, cmd: Command) => {
      if (opts.stdout && cmd.getOptionValueSource('out') === 'cli') throw new UsageError('--out and --stdout exclude each other; pick one');
      const { stack, path } = await loadStack(opts.file);
      if (opts.target === 'kubernetes' && stack.topology === undefined) {
        throw new UserError(`${basename(path)} has no topology: add topology: {gateways: 2} (and clickhouse.url, receivers.auth) for --target kubernetes`);
      }
      const [{ renderBundle }, { renderKubernetesBundle }, { renderGrafanaBundle }, { loadRenderInputs }] = await Promise.all([
        import('../render/bundle.js'),
        import('../render/kubernetes.js'),
        import('../render/grafana/bundle.js'),
        import('../render/inputs.js'),
      ]);
      const files =
        opts.target === 'kubernetes'
          ? renderKubernetesBundle(stack, loadRenderInputs(), basename(path), toolVersion)
          : opts.target === 'grafana'
            ? renderGrafanaBundle(stack, basename(path))
            : renderBundle(stack, loadRenderInputs(), { source: basename(path), toolVersion });
      if (opts.stdout) {
        process.stdout.write(files.map((f) => `# ==> ${f.path} <==\n${f.content}`).join('\n'));
        return;
      }
      const written = writeBundle(resolve(opts.out), files);
      if (opts.json) printJson({ stackFile: path, backend: stack.backend, target: opts.target, files: written });
      else process.stdout.write(`wrote ${written.length} files for backend ${stack.backend} to ${resolve(opts.out)}\n${written.map((w) => `  ${w}\n`).join('')}`);
    });
}
