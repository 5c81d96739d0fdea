import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { UsageError, UserError } from '../errors.js';
import { renderStackFile, type InitChoices } from '../render/stack-file.js';
import { PROFILES, STACK_FILE_NAME, type ProfileName } from '../stack/constants.js';
import { printJson } from './shared.js';

const BACKENDS = ['embedded', 'clickhouse', 'loki'] as const;
const RUNTIMES = ['auto', 'docker', 'process'] as const;

interface InitOptions {
  file: string;
  name: string;
  backend?: string;
  runtime?: string;
  profile?: string[];
  force?: boolean;
  json?: boolean;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(`write a ${STACK_FILE_NAME} (asks only on a terminal, and only for what no flag gave)`)
    .option('-f, --file <file>', 'where to write', STACK_FILE_NAME)
    .option('--name <name>', 'stack name', 'telemetry')
    .option('--backend <backend>', `storage: ${BACKENDS.join(' | ')} (default embedded)`)
    .option('--runtime <runtime>', `how it runs: ${RUNTIMES.join(' | ')} (default auto)`)
    .option('--profile <profile...>', `sources to accept: ${PROFILES.join(', ')} (default claude-code cli-usage)`)
    .option('--force', 'overwrite an existing file')
    .option('--json', 'print what was written as JSON')
    .action(async (opts: InitOptions) => {
      const path = resolve(opts.file);
      if (existsSync(path) && !opts.force) throw new UserError(`${path}: already exists; pass --force to overwrite it`);
      const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !opts.json;
      const choices: InitChoices = {
        name: opts.name,
        backend: await choose('backend', opts.backend, BACKENDS, 'embedded', interactive),
        runtime: await choose('runtime', opts.runtime, RUNTIMES, 'auto', interactive),
        profiles: parseProfiles(opts.profile),
      };
      if (!/^[a-z][a-z0-9-]{0,39}$/.test(choices.name)) throw new UsageError(`--name ${choices.name}: expected lowercase letters, digits and dashes, starting with a letter`);
      if (choices.backend === 'embedded' && choices.runtime === 'docker') throw new UsageError('--backend embedded runs as a local process; use --runtime process or auto');
      writeFileSync(path, renderStackFile(choices));
      if (opts.json) printJson({ file: path, ...choices });
      else
        process.stdout.write(`wrote ${path} (backend ${choices.backend}, runtime ${choices.runtime}, profiles ${choices.profiles.join(', ')})\nnext: telemetry-stack validate && telemetry-stack up\n`);
    });
}

function parseProfiles(given: string[] | undefined): ProfileName[] {
  if (!given || given.length === 0) return ['claude-code', 'cli-usage'];
  const names = given
    .flatMap((g) => g.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(PROFILES as readonly string[]).includes(n)) throw new UsageError(`--profile ${n}: expected one of ${PROFILES.join(', ')}`);
  }
  return [...new Set(names)] as ProfileName[];
}

async function choose<T extends string>(what: string, given: string | undefined, options: readonly T[], fallback: T, interactive: boolean): Promise<T> {
  if (given !== undefined) {
    if (!(options as readonly string[]).includes(given)) throw new UsageError(`--${what} ${given}: expected one of ${options.join(', ')}`);
    return given as T;
  }
  if (!interactive) return fallback;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (;;) {
      const answer = (await rl.question(`${what} (${options.join('/')}) [${fallback}]: `)).trim();
      if (answer === '') return fallback;
      if ((options as readonly string[]).includes(answer)) return answer as T;
      process.stdout.write(`  expected one of ${options.join(', ')}\n`);
    }
  } finally {
    rl.close();
  }
}
