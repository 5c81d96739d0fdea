import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { printJson } from './shared.js';

export function registerCollector(program: Command): void {
  const collector = program.command('collector').description('the Collector distribution built from stock upstream Go modules');

  collector
    .command('build')
    .description('build the Collector from collector/manifest.yaml (cached outside the repo, keyed by the manifest hash)')
    .option('--force', 'rebuild even when a cached binary exists')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { force?: boolean; json?: boolean }) => {
      const { buildCollector } = await import('../collector/build.js');
      const result = await buildCollector({ force: opts.force ?? false, log: (line) => process.stderr.write(`  ${line}\n`) });
      if (opts.json) printJson(result);
      else if (!result.built) process.stdout.write(`${result.path} (cached, ${(result.bytes / 1048576).toFixed(1)} MiB)\n`);
      else process.stdout.write(`${result.path} (built in ${result.seconds.toFixed(0)} s, ${(result.bytes / 1048576).toFixed(1)} MiB)\n`);
    });

  collector
    .command('path')
    .description('print the path of the Collector binary the stack runs')
    .action(async () => {
      const { collectorBinary } = await import('../collector/build.js');
      process.stdout.write(collectorBinary() + '\n');
    });

  collector
    .command('validate')
    .description("run the built Collector's own `validate` on config files, merged like several --config flags")
    .argument('<collector.yaml...>', 'Collector config files (merged in order, later wins)')
    .option('--separate', 'validate each file on its own')
    .action(async (files: string[], opts: { separate?: boolean }) => {
      const [{ collectorBinary }, { validateWithCollector }] = await Promise.all([import('../collector/build.js'), import('../collector/validate.js')]);
      const binary = collectorBinary();
      const sets = opts.separate ? files.map((f) => [f]) : [files];
      let failed = 0;
      for (const set of sets) {
        const result = await validateWithCollector(binary, set, process.env);
        const name = set.join(' + ');
        if (result.ok) process.stdout.write(`${name}: ok\n`);
        else if (result.notInDistribution) {
          const { kind, type } = result.notInDistribution;
          process.stdout.write(
            `${name}: component ${type} (${kind.slice(0, -1)}) is not in this distribution (built from collector/manifest.yaml); add its module there and rebuild, or remove it from the config\n`,
          );
        } else process.stdout.write(`${name}: ${result.message}\n`);
        if (!result.ok) failed++;
      }
      if (failed > 0) throw new UserError(`${failed} of ${sets.length} config set${sets.length === 1 ? '' : 's'} rejected by the Collector`);
    });
}
