import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { packagePath } from '../paths.js';
import { printJson } from './shared.js';

export function registerImages(program: Command): void {
  const images = program.command('images').description('container images for air-gapped machines');
  images
    .command('build')
    .description('build local FROM scratch images: the Collector from collector/ and Loki from its Go module (no registry needed)')
    .option('--skip-loki', 'build only the Collector image')
    .option('--json', 'print the image tags as JSON')
    .action(async (opts: { skipLoki?: boolean; json?: boolean }) => {
      const [{ execa }, { ensureCollector }] = await Promise.all([import('execa'), import('../collector/build.js')]);
      const log = (line: string) => process.stderr.write(`  ${line}\n`);
      const binary = await ensureCollector(log);
      const run = async (script: string, args: string[]) => {
        const child = execa('bash', [packagePath('scripts', 'provision', script), ...args], { reject: false, stderr: 'inherit' });
        const result = await child;
        if (result.exitCode !== 0) throw new UserError(`${script} failed (exit ${result.exitCode}); the lines above say why`);
        return String(result.stdout).trim().split('\n').at(-1)!;
      };
      const built: Record<string, string> = { collector: await run('collector-image.sh', ['--bin', binary]) };
      if (!opts.skipLoki) built['loki'] = await run('loki-image.sh', []);
      if (opts.json) printJson(built);
      else {
        process.stdout.write(`built ${Object.values(built).join(', ')}\nuse them from the stack file:\nimages:\n`);
        for (const [k, v] of Object.entries(built)) process.stdout.write(`  ${k}: ${v}\n`);
      }
    });
}
