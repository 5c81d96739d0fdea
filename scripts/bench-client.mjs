#!/usr/bin/env node
// What @telemetry-stack/client costs a host CLI, in one run:
// - install: `npm pack` of packages/client, then `npm install` of the tarball into an empty project
//   (offline: it has no dependency to fetch): tarball bytes, bytes installed, packages installed;
// - whole process: the example tiny CLI run as a child process in five variants, the median wall time of
//   each against the uninstrumented baseline, and a floor: the baseline plus `import` of an empty package
//   by name, which is what Node charges for a host's first dependency before any of its code runs (the
//   resolution of a bare name: node_modules lookup, package.json, exports). Every variant, the baseline
//   too, writes one `telemetry: <result>` line to stderr, so the line's own cost is in all of them;
// - import alone, timed inside fresh processes (less noisy than whole processes): import, and import +
//   createUsageTelemetry + a track that DO_NOT_TRACK turns down, against an empty module, the floor of any
//   first import.
//
//   npm run build && node scripts/bench-client.mjs [--runs 15] [--before DIR]
//
// --before DIR adds the same variants for another built checkout (its examples/tiny-cli/cli.mjs and the
// client module that imports), run in the same rounds, so before and after are measured on the same
// machine state. For example, for the commit before the client became its own package:
//   mkdir /tmp/before && git archive 66dafda | tar -x -C /tmp/before \
//     && ln -s "$PWD/node_modules" /tmp/before/node_modules && (cd /tmp/before && node cli/client/bundle.mjs)
// From 5b278de on, the client is an npm workspace: node_modules/@telemetry-stack/client is a link to
// ../../packages/client, which through a linked node_modules would be this checkout's client again. Such a
// checkout gets a node_modules of its own, every entry linked but that one (here for f13f18d):
//   B=/tmp/before; mkdir -p $B/node_modules/@telemetry-stack && git archive f13f18d | tar -x -C $B \
//     && for d in node_modules/* node_modules/.bin; do [ $d = node_modules/@telemetry-stack ] || ln -s "$PWD/$d" $B/$d; done \
//     && ln -s ../../packages/client $B/node_modules/@telemetry-stack/client && (cd $B/packages/client && node scripts/build.mjs)
//
// Variants run round-robin (one of each per round), so drift in machine load spreads over all of them.
// Every server listens on 127.0.0.1 with port 0; nothing leaves the machine.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import net from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = join(REPO, 'packages/client');
const CLI = join(REPO, 'examples/tiny-cli/cli.mjs');
const BASELINE = join(REPO, 'examples/tiny-cli/cli-baseline.mjs');
const KILL_AFTER_MS = 10_000;
const NPM_TIMEOUT_MS = 120_000;

function fail(message) {
  console.error(message);
  process.exit(1);
}

function parseArgs(argv) {
  const i = argv.indexOf('--runs');
  const runs = i >= 0 ? Number(argv[i + 1]) : 15;
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) fail('--runs must be an integer from 1 to 1000');
  const b = argv.indexOf('--before');
  const before = b >= 0 ? resolve(argv[b + 1] ?? '') : undefined;
  if (before !== undefined && !existsSync(join(before, 'examples/tiny-cli/cli.mjs'))) {
    fail(`--before ${before}: no examples/tiny-cli/cli.mjs there; give a built checkout (see the header of this script)`);
  }
  return { runs, before };
}

/** The client module a checkout's example imports (the name in its import), resolved from there as Node would. */
function clientEntryOf(checkout) {
  const cli = join(checkout, 'examples/tiny-cli/cli.mjs');
  const name = /from '((?:@telemetry-stack\/|telemetry-stack\/)client)'/.exec(readFileSync(cli, 'utf8'))?.[1];
  if (name === undefined) fail(`${cli}: imports no telemetry-stack client`);
  try {
    return createRequire(cli).resolve(name);
  } catch {
    fail(`${checkout}: ${name} does not resolve from its example; build it first (see the header of this script)`);
  }
}

/** Apparent size of every file under `dir`, and the packages in it (folders with a package.json). */
function installed(dir) {
  let bytes = 0;
  let packages = 0;
  const walk = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        if (existsSync(join(full, 'package.json'))) packages += 1;
        walk(full);
      } else if (entry.isFile()) {
        bytes += statSync(full).size;
      }
    }
  };
  walk(dir);
  return { bytes, packages };
}

/**
 * `npm pack` of packages/client, then `npm install` of the tarball into an empty project. Nested
 * package.json files inside a package (none today) would count as packages too, which errs on the high
 * side. Run with --offline: the client has no dependency, so nothing needs the registry.
 */
async function measureInstall(home) {
  const packDir = join(home, 'pack');
  const project = join(home, 'empty-project');
  mkdirSync(packDir);
  mkdirSync(project);
  const run = promisify(execFile);
  const npm = { timeout: NPM_TIMEOUT_MS, env: { ...process.env, npm_config_update_notifier: 'false' } };
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', packDir], { ...npm, cwd: PACKAGE });
  const [pack] = JSON.parse(stdout);
  const tarball = join(packDir, pack.filename);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'empty-project', version: '1.0.0', private: true }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { ...npm, cwd: project });
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules/@telemetry-stack/client/package.json'), 'utf8'));
  return { name: `${manifest.name}@${manifest.version}`, tarballBytes: statSync(tarball).size, files: pack.files.length, ...installed(join(project, 'node_modules')) };
}

function listen(server) {
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server.address().port)));
}

async function startSink() {
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, requests: () => requests, close: () => new Promise((d) => server.close(d)) };
}

async function startBlackHole() {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((d) => {
        for (const s of sockets) s.destroy();
        server.close(d);
      }),
  };
}

/**
 * The floor of any dependency: the baseline CLI with one more import, of a package that holds nothing, by
 * name, from a project of its own (a package.json and node_modules/, as a host has). Its one extra module
 * file matches the client's one file, so floor and client differ only in what the client's file does.
 */
function writeFloorHost(home) {
  const project = join(home, 'floor-host');
  const dependency = join(project, 'node_modules/empty-package');
  mkdirSync(dependency, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'floor-host', private: true, type: 'module' }));
  writeFileSync(join(dependency, 'package.json'), JSON.stringify({ name: 'empty-package', version: '1.0.0', type: 'module', exports: { '.': { types: './index.d.ts', default: './index.js' } } }));
  writeFileSync(join(dependency, 'index.js'), 'export {};\n');
  const script = join(project, 'cli.mjs');
  writeFileSync(
    script,
    [
      "import 'empty-package';",
      `import { dispatch } from ${JSON.stringify(pathToFileURL(join(REPO, 'examples/tiny-cli/commands.mjs')).href)};`,
      '',
      'process.exitCode = dispatch(process.argv.slice(2)).exit;',
      "if (process.env.TINY_CLI_PRINT_TELEMETRY_RESULT === '1') process.stderr.write('telemetry: none\\n');",
      '',
    ].join('\n'),
  );
  return script;
}

async function refusedUrl() {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((d) => server.close(d));
  return `http://127.0.0.1:${port}`;
}

/**
 * Preloaded into every measured child with --require: at exit it writes the process's CPU time (user +
 * system, all threads, from getrusage in microseconds) to fd 3. CPU time moves far less than wall time
 * when other jobs share the machine, and this reads it to the microsecond, where /proc's 10 ms ticks could
 * only be averaged. The preload itself (one small CommonJS file) is the same in every variant.
 */
function writeCpuProbe(home) {
  const probe = join(home, 'cpu-probe.cjs');
  writeFileSync(
    probe,
    [
      "'use strict';",
      "process.on('exit', () => {",
      '  const usage = process.resourceUsage();',
      "  require('node:fs').writeSync(3, `${(usage.userCPUTime + usage.systemCPUTime) / 1000}\\n`);",
      '});',
      '',
    ].join('\n'),
  );
  return probe;
}

/** Asynchronous spawn: the sink answering the child runs on this process's event loop. */
function timeRun(script, env, probe) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', probe, script, 'add', '1', '2'], { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let cpu = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdio[3].on('data', (d) => (cpu += d));
    const timer = setTimeout(() => process.kill(child.pid, 'SIGKILL'), KILL_AFTER_MS);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const cpuMs = Number(cpu);
      if (code !== 0 || stdout !== '3\n' || cpu === '' || !Number.isFinite(cpuMs)) fail(new Error(`${script}: exit ${code ?? signal}\n${stderr}`));
      else done({ ms, cpuMs, stderr });
    });
  });
}

/** In-process milliseconds of the import (and of import + create + a declined track) in a fresh process. */
function timeImport(entry, warm, env) {
  const script = `
    await import(${JSON.stringify(warm)});
    // performance.now() loads internals of its own on first use; taken before the snapshot.
    let t0 = performance.now();
    const before = new Set(process.moduleLoadList);
    t0 = performance.now();
    const client = await import(${JSON.stringify(entry)});
    const t1 = performance.now();
    if (client.createUsageTelemetry) {
      const result = await client.createUsageTelemetry({ service: 'tiny-cli', version: '1.0.0' }).track('add');
      if (result !== 'disabled') throw new Error('expected disabled, got ' + result);
    }
    const t2 = performance.now();
    const builtins = process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith('NativeModule ')).length;
    process.stdout.write(JSON.stringify({ importMs: t1 - t0, totalMs: t2 - t0, builtins }));
  `;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(JSON.parse(stdout)) : fail(new Error(`${entry}: exit ${code}\n${stderr}`))));
  });
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function pad(text, width, right = false) {
  const s = String(text);
  return right ? s.padStart(width) : s.padEnd(width);
}

async function main() {
  const { runs, before } = parseArgs(process.argv.slice(2));
  const entry = clientEntryOf(REPO);
  const beforeEntry = before === undefined ? undefined : clientEntryOf(before);
  if (beforeEntry === entry) fail(`--before ${before}: its example imports this checkout's client (${entry}); see the header of this script`);
  const home = mkdtempSync(join(tmpdir(), 'bench-client-'));
  const loadBefore = load();
  const sink = await startSink();
  const hole = await startBlackHole();
  const refused = await refusedUrl();
  // Built from nothing so that a CI=true or DO_NOT_TRACK in the caller's shell cannot change a variant.
  const baseEnv = { PATH: process.env.PATH, HOME: join(home, 'home'), XDG_CONFIG_HOME: join(home, 'config') };
  const printResult = { ...baseEnv, TINY_CLI_PRINT_TELEMETRY_RESULT: '1' };
  const withEndpoint = (url, extra = {}) => ({
    ...baseEnv,
    TINY_CLI_TELEMETRY_ENDPOINT: url,
    TINY_CLI_PRINT_TELEMETRY_RESULT: '1',
    ...extra,
  });
  const instrumented = (label, cli) => [
    { name: `${label}disabled (TINY_CLI_TELEMETRY=0)`, script: cli, env: withEndpoint(sink.url, { TINY_CLI_TELEMETRY: '0' }), expect: 'disabled' },
    { name: `${label}enabled, local sink 200`, script: cli, env: withEndpoint(sink.url), expect: 'sent' },
    { name: `${label}enabled, endpoint refused`, script: cli, env: withEndpoint(refused), expect: 'failed' },
    { name: `${label}enabled, endpoint black-holed`, script: cli, env: withEndpoint(hole.url), expect: 'timeout' },
  ];
  const variants = [
    { name: 'baseline (no library)', script: BASELINE, env: printResult, expect: 'none' },
    { name: 'floor: baseline + an empty package', script: writeFloorHost(home), env: printResult, expect: 'none' },
    ...(before === undefined ? [] : instrumented('before: ', join(before, 'examples/tiny-cli/cli.mjs'))),
    ...instrumented(before === undefined ? '' : 'after: ', CLI),
  ];
  const sends = variants.filter((v) => v.expect === 'sent').length;

  try {
    const install = await measureInstall(home);
    console.log(`install: ${install.name}, npm pack then npm install of the tarball into an empty project\n`);
    console.log(
      `  tarball ${(install.tarballBytes / 1024).toFixed(1)} KB (${install.files} files), installed ${(install.bytes / 1024).toFixed(1)} KB in node_modules, ${install.packages} package${install.packages === 1 ? '' : 's'}\n`,
    );

    // One unmeasured run each: the first instrumented run creates the fingerprint and shows the notice,
    // which is a once-per-installation cost, and the OS file cache warms up.
    const probe = writeCpuProbe(home);
    for (const v of variants) await timeRun(v.script, v.env, probe);
    const times = variants.map(() => []);
    const cpu = variants.map(() => []);
    for (let round = 0; round < runs; round += 1) {
      for (const [i, v] of variants.entries()) {
        const { ms, cpuMs, stderr } = await timeRun(v.script, v.env, probe);
        if (!stderr.includes(`telemetry: ${v.expect}`)) {
          throw new Error(`${v.name}: expected telemetry: ${v.expect}, got: ${stderr.trim()}`);
        }
        times[i].push(ms);
        cpu[i].push(cpuMs);
      }
    }

    const base = median(times[0]);
    const cpuBase = median(cpu[0]);
    const signed = (n) => `${n >= 0 ? '+' : ''}${n.toFixed(1)}`;
    // Each round runs every variant once, close together in time; the median of the per-round differences
    // cancels load that drifts from round to round, which a difference of two medians does not.
    const paired = (samples, i, against) => median(samples[i].map((t, r) => t - samples[against][r]));
    const width = before === undefined ? 34 : 43;
    console.log(`node ${process.version}, ${runs} runs per variant, library timeout 800 ms (default)\n`);
    console.log(
      `${pad('variant', width)}${pad('median ms', 11, true)}${pad('min', 8, true)}${pad('max', 8, true)}${pad('vs base', 10, true)}${pad('ratio', 8, true)}${pad('paired', 9, true)}` +
        `${pad('cpu ms', 9, true)}${pad('paired', 9, true)}`,
    );
    for (const [i, v] of variants.entries()) {
      const m = median(times[i]);
      console.log(
        `${pad(v.name, width)}${pad(m.toFixed(1), 11, true)}${pad(Math.min(...times[i]).toFixed(1), 8, true)}${pad(Math.max(...times[i]).toFixed(1), 8, true)}${pad(signed(m - base), 10, true)}${pad(`${(m / base).toFixed(2)}x`, 8, true)}${pad(signed(paired(times, i, 0)), 9, true)}` +
          `${pad(median(cpu[i]).toFixed(1), 9, true)}${pad(signed(paired(cpu, i, 0)), 9, true)}`,
      );
    }
    console.log('(paired: median over rounds of the variant minus the baseline run of the same round)');
    console.log('(cpu ms: median user + system time of the child, all threads, from its getrusage at exit)');
    console.log(`(cpu ms of the baseline, median ${cpuBase.toFixed(1)}, is the reference for the cpu paired column)`);
    // What the library's own file and code cost on a disabled run, once Node's price for resolving any
    // package by name (the floor row) is set aside.
    console.log('');
    for (const [i, v] of variants.entries()) {
      if (!v.name.includes('disabled')) continue;
      console.log(`${v.name} minus the floor, paired: ${signed(paired(times, i, 1))} ms wall, ${signed(paired(cpu, i, 1))} ms cpu`);
    }
    console.log(`\nsink received ${sink.requests()} requests (expected ${(runs + 1) * sends})`);

    // The floor: the first import of any ES module file, here an empty one, is paid by every host anyway.
    const empty = join(home, 'empty.mjs');
    const warm = join(home, 'warm.mjs');
    writeFileSync(empty, 'export {};\n');
    writeFileSync(warm, 'export {};\n');
    const imports = [
      { name: 'empty module (floor)', entry: empty },
      ...(beforeEntry === undefined ? [] : [{ name: `before: ${relativeToCheckout(before, beforeEntry)}`, entry: beforeEntry }]),
      { name: `${before === undefined ? '' : 'after: '}@telemetry-stack/client`, entry },
    ];
    const declined = { ...baseEnv, DO_NOT_TRACK: '1' };
    const samples = imports.map(() => []);
    for (const v of imports) await timeImport(v.entry, warm, declined);
    for (let round = 0; round < runs; round += 1) {
      for (const [i, v] of imports.entries()) samples[i].push(await timeImport(v.entry, warm, declined));
    }
    console.log(`\nimport in a fresh process (in-process ms, median of ${runs}; DO_NOT_TRACK=1)\n`);
    console.log(`${pad('module', width)}${pad('import', 11, true)}${pad('+track', 10, true)}${pad('built-ins', 11, true)}`);
    for (const [i, v] of imports.entries()) {
      const s = samples[i];
      console.log(
        `${pad(v.name, width)}${pad(median(s.map((x) => x.importMs)).toFixed(2), 11, true)}${pad(median(s.map((x) => x.totalMs)).toFixed(2), 10, true)}${pad(Math.max(...s.map((x) => x.builtins)), 11, true)}`,
      );
    }
    console.log(`\nload average ${loadBefore} before, ${load()} after (${cpus().length} CPUs)`);
  } finally {
    await sink.close();
    await hole.close();
    rmSync(home, { recursive: true, force: true });
  }
}

function relativeToCheckout(checkout, path) {
  return path.startsWith(`${checkout}/`) ? path.slice(checkout.length + 1) : path;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
