#!/usr/bin/env node
// A tiny CLI instrumented with @telemetry-stack/client. The endpoint comes from TINY_CLI_TELEMETRY_ENDPOINT
// (the library reads <SERVICE>_TELEMETRY_ENDPOINT); without it nothing is sent anywhere. This folder is a
// package of its own that depends on @telemetry-stack/client (an npm workspace of this repository, so the
// name resolves to packages/client and its build in packages/client/dist/); this is the import a host writes.
//
//   TINY_CLI_TELEMETRY_ENDPOINT=http://127.0.0.1:4318 node examples/tiny-cli/cli.mjs greet Ada
//   node examples/tiny-cli/cli.mjs telemetry status|enable|disable
import { createUsageTelemetry, disableTelemetry, enableTelemetry, firstRunNotice, telemetryStatus } from '@telemetry-stack/client';
import { dispatch, VERBS } from './commands.mjs';

const service = 'tiny-cli';
const version = '1.0.0';
const argv = process.argv.slice(2);

function telemetryCommand(action) {
  if (action === 'enable' || action === 'disable') {
    const result = action === 'enable' ? enableTelemetry({ service }) : disableTelemetry({ service });
    process.stderr.write(result.ok ? `telemetry ${action}d (${result.configPath})\n` : `${result.error}\n`);
    return result.ok ? 0 : 1;
  }
  if (action === 'status') {
    process.stdout.write(`${JSON.stringify(telemetryStatus({ service }), null, 2)}\n`);
    return 0;
  }
  process.stderr.write('usage: tiny-cli telemetry <status|enable|disable>\n');
  return 64;
}

if (argv[0] === 'telemetry') {
  process.exitCode = telemetryCommand(argv[1]);
} else {
  const notice = firstRunNotice({ service, disableCommand: 'tiny-cli telemetry disable' });
  if (notice) process.stderr.write(`${notice}\n\n`);

  const telemetry = createUsageTelemetry({ service, version, knownVerbs: VERBS });
  const { verb, exit } = dispatch(argv);
  process.exitCode = exit;
  // Only the matched verb is passed, never argv; the library re-checks it against knownVerbs anyway.
  // Awaiting is optional (the send keeps the process up to timeoutMs either way); it lets the
  // example report the result code when asked to.
  const result = await telemetry.track(verb ?? '', { exit });
  if (process.env.TINY_CLI_PRINT_TELEMETRY_RESULT === '1') process.stderr.write(`telemetry: ${result}\n`);
}
