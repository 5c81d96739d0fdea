#!/usr/bin/env node
// The same CLI as cli.mjs without telemetry, for the benchmark's baseline. It prints the same stderr line
// when TINY_CLI_PRINT_TELEMETRY_RESULT=1 (the benchmark sets it for every variant to check each result):
// the first write to process.stderr sets up its stream, about 0.5 ms, which is the benchmark's own cost
// and not the library's.
import { dispatch } from './commands.mjs';

process.exitCode = dispatch(process.argv.slice(2)).exit;
if (process.env.TINY_CLI_PRINT_TELEMETRY_RESULT === '1') process.stderr.write('telemetry: none\n');
