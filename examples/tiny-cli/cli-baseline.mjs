#!/usr/bin/env node
// The same CLI as cli.mjs without telemetry, for the benchmark's baseline.
import { dispatch } from './commands.mjs';

process.exitCode = dispatch(process.argv.slice(2)).exit;
