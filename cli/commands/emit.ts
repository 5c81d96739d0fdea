import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { printJson } from './shared.js';

/** Where a local stack listens (the stack file's defaults), when nothing else names an endpoint. */
const LOCAL_ENDPOINT = 'http://127.0.0.1:4318';

export function registerEmit(program: Command): void {
  program
    .command('emit')
    .description('send one usage event for a shell script or another language: the verb and exit code only, same opt-outs and timeout as the client library')
    .argument('<verb...>', 'verb path, e.g. `deploy preview` (arguments, paths and flags are refused)')
    .requiredOption('--service <name>', 'the calling tool, e.g. mytool (opt out with MYTOOL_TELEMETRY=0 or DO_NOT_TRACK=1)')
    .option('--exit <code>', 'the command exit code', '0')
    .option('--version <version>', 'the calling tool version', '0.0.0')
    .option('--endpoint <url>', `OTLP/HTTP endpoint (default: $<SERVICE>_TELEMETRY_ENDPOINT, the tool's telemetry config, else ${LOCAL_ENDPOINT})`)
    .option('--timeout <ms>', 'give up after this long', '800')
    .option('--json', 'print the result as JSON')
    .action(async (verb: string[], opts: { service: string; exit: string; version: string; endpoint?: string; timeout: string; json?: boolean }) => {
      const exit = Number(opts.exit);
      if (!Number.isInteger(exit) || exit < 0 || exit > 255) throw new UsageError(`--exit ${opts.exit}: expected an exit code from 0 to 255`);
      const timeoutMs = Number(opts.timeout);
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout ${opts.timeout}: expected milliseconds, e.g. 800`);
      const { emitOnce, telemetryStatus } = await import('@telemetry-stack/client');
      // The library resolves env and the tool's config file itself; the local stack is the last resort.
      const configured = opts.endpoint === undefined && telemetryStatus({ service: opts.service }).endpointSource !== undefined;
      const result = await emitOnce({
        service: opts.service,
        version: opts.version,
        verb,
        exit,
        timeoutMs,
        ...(opts.endpoint ? { endpoint: opts.endpoint } : configured ? {} : { endpoint: LOCAL_ENDPOINT }),
      });
      // Best effort: a telemetry failure never fails the calling script, so the exit code stays 0.
      if (opts.json) printJson({ result });
    });
}
