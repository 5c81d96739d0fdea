#!/usr/bin/env node
// Builds the dashboard page's script and styles (cli/dashboard/web/) with uPlot into dist/dashboard/,
// so the package serves them itself: no CDN, and the page works without network.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const OUT = join(ROOT, 'dist', 'dashboard');
const require = createRequire(import.meta.url);
const uplotDir = dirname(require.resolve('uplot/package.json'));
const uplotVersion = JSON.parse(readFileSync(join(uplotDir, 'package.json'), 'utf8')).version;

rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: { app: join(ROOT, 'cli', 'dashboard', 'web', 'app.ts') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  outdir: OUT,
  logLevel: 'warning',
  banner: {
    js: `/* telemetry-stack dashboard. Includes uPlot ${uplotVersion} (c) Leon Sorokin, MIT licence: /LICENSES.txt */`,
    css: `/* Includes uPlot ${uplotVersion} styles, MIT licence: /LICENSES.txt */`,
  },
});
// uPlot's MIT licence asks for its notice to travel with copies of it; the server serves this file.
writeFileSync(join(OUT, 'LICENSES.txt'), `The dashboard page includes uPlot ${uplotVersion} (https://github.com/leeoniya/uPlot):\n\n${readFileSync(join(uplotDir, 'LICENSE'), 'utf8')}`);
