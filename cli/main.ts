#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerCleanup } from './commands/cleanup.js';
import { registerCollector } from './commands/collector.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerEmit } from './commands/emit.js';
import { registerEnv } from './commands/env.js';
import { registerGenerate } from './commands/generate.js';
import { registerImages } from './commands/images.js';
import { registerInit } from './commands/init.js';
import { registerLint } from './commands/lint.js';
import { registerPurge } from './commands/purge.js';
import { registerQuery } from './commands/query.js';
import { registerReport } from './commands/report.js';
import { registerRuntimeCommands } from './commands/runtime-commands.js';
import { registerSchema } from './commands/schema.js';
import { registerUsage } from './commands/usage.js';
import { registerValidate } from './commands/validate.js';
import { registerVerify } from './commands/verify.js';
import { UserError } from './errors.js';
import { toolVersion } from './version.js';

function buildProgram(): Command {
  const program = new Command('telemetry-stack')
    .description('self-hostable usage telemetry: stack file -> stock OpenTelemetry Collector, storage, queries')
    .version(toolVersion)
    .showSuggestionAfterError(true)
    // Set before subcommands are added: commander copies it to each one it creates.
    .exitOverride();
  registerInit(program);
  registerValidate(program);
  registerGenerate(program);
  registerLint(program);
  registerRuntimeCommands(program);
  registerSchema(program);
  registerVerify(program);
  registerUsage(program);
  registerQuery(program);
  registerReport(program);
  registerDashboard(program);
  registerCleanup(program);
  registerPurge(program);
  registerEnv(program);
  registerEmit(program);
  registerCollector(program);
  registerImages(program);
  return program;
}

/**
 * The one place errors are printed. A person's mistake is one line (plus details such as every
 * problem in a stack file) and exit 1 (2 for usage); anything else is a bug: stack and a request.
 */
async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (help, version, or a usage error).
      process.exitCode = e.exitCode === 0 ? 0 : e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
      return;
    }
    if (e instanceof UserError) {
      process.stderr.write(`telemetry-stack: ${e.message}\n`);
      for (const line of e.details) process.stderr.write(`  ${line}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    process.stderr.write(`telemetry-stack: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.stderr.write('This is a bug in telemetry-stack; please report it with the command you ran.\n');
    process.exitCode = 70;
  }
}

await main(process.argv);
