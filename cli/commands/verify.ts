import type { Command } from 'commander';
import { loadStack, printJson, STACK_FILE_OPTION } from './shared.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('prove the running stack end to end: config, health, storage, a canary through the pipeline, sanitization, retention, latency')
    .option(...STACK_FILE_OPTION)
    .option('--json', 'print the report as JSON')
    .option('--deep', 'also check exposure and robustness: loopback-only listeners, private secret files, no secrets in configs or logs, malformed OTLP refused, auth and TLS enforced')
    .action(async (opts: { file?: string; json?: boolean; deep?: boolean }) => {
      const { stack } = await loadStack(opts.file);
      const { verifyStack } = await import('../verify/verify.js');
      const deep = opts.deep ? await import('../verify/deep-checks.js') : undefined;
      // Reading a secret file tightens its mode, so the modes are taken before anything reads them.
      const modesBefore = deep?.secretFileModes(stack);
      const print = opts.json ? undefined : (line: string) => process.stdout.write(`${line}\n`);
      const report = await verifyStack(stack, process.env, print);
      if (deep && modesBefore) {
        const { loadOrCreateSecrets } = await import('../home/secrets.js');
        const loaded = loadOrCreateSecrets(stack, process.env, { create: false });
        // The read-only user's password is no environment variable; it is named by its file.
        const secrets = { ...loaded.env, ...(loaded.readerPassword ? { 'clickhouse-reader-password': loaded.readerPassword } : {}) };
        const checks = await deep.deepChecks(stack, { secrets, modesBefore }, (c) => print?.(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`));
        report.checks.push(...checks);
        report.ok = report.ok && checks.every((c) => c.ok);
      }
      if (opts.json) printJson(report);
      else {
        for (const c of report.checks.filter((c) => !c.ok && c.hint)) process.stdout.write(`  fix ${c.name}: ${c.hint}\n`);
        process.stdout.write(report.ok ? 'verify: all checks passed\n' : `verify: ${report.checks.filter((c) => !c.ok).length} check(s) failed\n`);
      }
      if (!report.ok) process.exitCode = 1;
    });
}
