#!/usr/bin/env node
// Builds the package into dist/: `npm run build` in packages/client, or bundleClient() from the tests.
// - index.js (`@telemetry-stack/client`), heartbeat.js (`./heartbeat`) and names.js (`./names`): one ESM
//   file each, with no static import at all;
// - send.js: the send path (encoding, the socket, the fingerprint file), imported with import() by the
//   entries once consent allows a send;
// - types/: tsc's declarations for the entries.
//
// Why one file per entry, when tsc could emit the sources as they are: every host process pays for the
// import, and import cost is mostly per file. As some 25 ES modules the import cost 22-30 ms of CPU here;
// each file beyond the first still costs about 1 ms (measured: 6.6 against 7.7 ms CPU for the same code as
// one file or as two). So each entry is built on its own rather than with esbuild's code splitting, which
// would put what they share (names.ts, builtins.ts, settings.ts) in further files that every entry imports;
// here each carries its own copy.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(PACKAGE, 'src');

/** In the entries, `import('./send.js')` stays an import of the separately built send.js next to them. */
const sendPathApart = {
  name: 'send-path-apart',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/send\.js$/ }, (args) =>
      args.importer.startsWith(SRC) && !args.importer.endsWith('send.ts') ? { path: './send.js', external: true } : undefined,
    );
  },
};

const ENTRIES = {
  index: 'index.ts',
  heartbeat: 'heartbeat-entry.ts',
  names: 'names.ts',
  send: 'send.ts',
};

/** Bundles every entry into `outdir` (emptied first); resolves to one metafile covering all of them. */
export async function bundleClient({ outdir, metafile = false } = {}) {
  if (!outdir) throw new Error('bundleClient: outdir is required');
  rmSync(outdir, { recursive: true, force: true });
  const results = await Promise.all(
    Object.entries(ENTRIES).map(([name, source]) =>
      build({
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        outdir,
        entryPoints: { [name]: join(SRC, source) },
        plugins: [sendPathApart],
        metafile,
        logLevel: 'warning',
        banner: { js: `// @telemetry-stack/client ${name}.js` },
      }),
    ),
  );
  if (!metafile) return {};
  return {
    metafile: {
      inputs: Object.assign({}, ...results.map((r) => r.metafile.inputs)),
      outputs: Object.assign({}, ...results.map((r) => r.metafile.outputs)),
    },
  };
}

/** tsc's declarations of the entries, into `outdir`/types (tsconfig.json holds the settings). */
export async function emitDeclarations({ outdir }) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', join(PACKAGE, 'tsconfig.json'), '--declarationDir', join(outdir, 'types')], {
    timeout: 120_000,
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outdir = join(PACKAGE, 'dist');
  await bundleClient({ outdir });
  await emitDeclarations({ outdir });
}
