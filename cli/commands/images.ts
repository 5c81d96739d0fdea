import type { Command } from 'commander';
import { UserError, UsageError } from '../errors.js';
import { packagePath } from '../paths.js';
import { pins } from '../pins.js';
import { printJson } from './shared.js';

/** The images `images build` makes here, by the name the command line takes. */
const BUILDABLE = ['collector', 'chdb-server'] as const;
type Buildable = (typeof BUILDABLE)[number];

interface BuiltImages {
  collector?: string;
  chdbServer?: string;
}

export function registerImages(program: Command): void {
  const images = program.command('images').description('container images for air-gapped machines');
  images
    .command('build')
    .description(
      'build local FROM scratch images (no registry needed): collector (the Collector from collector/) and chdb-server ' +
        "(ClickHouse's own server from libchdb, for backend clickhouse with clickhouse.server: chdb-server); default both",
    )
    .argument('[images...]', `which to build: ${BUILDABLE.join(', ')} (default: all)`)
    .option('--json', 'print the image tags as JSON')
    .action(async (names: string[], opts: { json?: boolean }) => {
      const unknown = names.filter((n) => !(BUILDABLE as readonly string[]).includes(n));
      if (unknown.length > 0) throw new UsageError(`images build ${unknown.join(' ')}: unknown image; expected ${BUILDABLE.join(', ')}`);
      const wanted: Buildable[] = names.length > 0 ? [...new Set(names as Buildable[])] : [...BUILDABLE];
      const log = (line: string) => process.stderr.write(`  ${line}\n`);
      const built: BuiltImages = {};
      for (const name of wanted) {
        const started = Date.now();
        if (name === 'collector') built.collector = await buildCollectorImage(log);
        else built.chdbServer = await buildChdbServerImage(log);
        log(`${name}: image built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      if (opts.json) {
        printJson(built);
        return;
      }
      const lines = [...(built.collector ? [`built ${built.collector}`] : []), ...(built.chdbServer ? [`built ${built.chdbServer}`] : []), 'use them from the stack file:'];
      if (built.collector) lines.push('images:', `  collector: ${built.collector}`);
      if (built.chdbServer) lines.push('backend: clickhouse', 'clickhouse:', '  server: chdb-server   # runs the chdb-server image; images.clickhouse names another tag');
      process.stdout.write(lines.join('\n') + '\n');
    });
}

async function buildCollectorImage(log: (line: string) => void): Promise<string> {
  const { ensureCollector } = await import('../collector/build.js');
  const binary = await ensureCollector(log);
  return runImageScript('collector-image.sh', ['--bin', binary, '--tag', pins.localImages.collector]);
}

async function buildChdbServerImage(log: (line: string) => void): Promise<string> {
  const { ensureLauncher, libchdbPath } = await import('../store/embedded/launcher-build.js');
  const binary = await ensureLauncher(log);
  return runImageScript('chdb-server-image.sh', ['--bin', binary, '--libchdb', libchdbPath(), '--tag', pins.localImages.chdbServer]);
}

/** The scripts print progress on stderr (passed through) and the tag as their last stdout line. */
async function runImageScript(script: string, args: string[]): Promise<string> {
  const { execa } = await import('execa');
  const result = await execa('bash', [packagePath('scripts', 'provision', script), ...args], { reject: false, stderr: 'inherit' });
  if (result.exitCode !== 0) throw new UserError(`${script} failed (exit ${result.exitCode}); the lines above say why`);
  return String(result.stdout).trim().split('\n').at(-1)!;
}
