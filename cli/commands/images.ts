import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { packagePath } from '../paths.js';
import { printJson } from './shared.js';

export function registerImages(program: Command): void {
  const images = program.command('images').description('container images for air-gapped machines');
  images
    .command('build')
    .description('build a local FROM scratch image of the Collector from collector/ (no registry needed); storage images come from their vendors')
    .option('--json', 'print the image tags as JSON')
    .action(async (opts: { json?: boolean }) => {
      const [{ execa }, { ensureCollector }] = await Promise.all([import('execa'), import('../collector/build.js')]);
      const log = (line: string) => process.stderr.write(`  ${line}\n`);
      const binary = await ensureCollector(log);
      const script = packagePath('scripts', 'provision', 'collector-image.sh');
      const result = await execa('bash', [script, '--bin', binary], { reject: false, stderr: 'inherit' });
      if (result.exitCode !== 0) throw new UserError(`collector-image.sh failed (exit ${result.exitCode}); the lines above say why`);
      const built = { collector: String(result.stdout).trim().split('\n').at(-1)! };
      if (opts.json) printJson(built);
      else process.stdout.write(`built ${built.collector}\nuse it from the stack file:\nimages:\n  collector: ${built.collector}\n`);
    });
}
