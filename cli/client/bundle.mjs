#!/usr/bin/env node
// Builds what `telemetry-stack/client` resolves to, in dist/client/:
// - index.js: one ESM file holding everything a host loads at import, with no static import at all;
// - send.js and its chunks: what only a send loads (encoding, the serializers, the socket), imported
//   with import() by index.js.
// `npm run build` runs it after tsc; the tests call bundleClient() into a temporary tree.
//
// Why a bundle, when tsc already emits dist/cli/client/: every host process pays for the import, and
// import cost is mostly per file. As some 25 ES modules the import cost 22-30 ms of CPU here; each file
// beyond the first still costs about 1 ms (measured: 6.6 against 7.7 ms CPU for the same code as one file
// or as two). So the two parts are built separately rather than with esbuild's code splitting, which would
// put what both use (names.ts, builtins.ts: constants and accessors, no state) in a third file that
// index.js imports; here each part carries its own copy.
//
// The send path gains more: the logs serializer of @opentelemetry/otlp-transformer loads about 60
// CommonJS files from node_modules, 45 of them @opentelemetry/api's index, which it needs for one
// diag.debug call (30-40 ms). Bundled from the packages' ES builds, which declare no side effects, what is
// not used is dropped and the serializer chunks load in a few ms. Payloads are still encoded by
// @opentelemetry/otlp-transformer, at the version in package-lock.json when the bundle was built.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const TRANSFORMER = '@opentelemetry/otlp-transformer';

/**
 * encode.ts names the serializers' CommonJS files (build/src/), which is right for the tsc output run
 * straight from node_modules. In the bundle the package's ES build (build/esm/, same source and version)
 * is used instead, because esbuild can drop unused code from ES modules but must keep CommonJS whole.
 * The bare package name is encode.ts's fallback for a package layout that moved; it stays an import of
 * the installed package, since bundling it would pull in the metrics and trace code as well.
 */
const otlpTransformer = {
  name: 'otlp-transformer-es-build',
  setup(builder) {
    builder.onResolve({ filter: /^@opentelemetry\/otlp-transformer$/ }, (args) => ({ path: args.path, external: true }));
    builder.onResolve({ filter: /^@opentelemetry\/otlp-transformer\/build\/src\// }, (args) =>
      builder.resolve(args.path.replace(`${TRANSFORMER}/build/src/`, `${TRANSFORMER}/build/esm/`), {
        kind: args.kind,
        resolveDir: args.resolveDir,
      }),
    );
  },
};

/** In index.js, `import('./send.js')` stays an import of the separately built send.js next to it. */
const sendPathApart = {
  name: 'send-path-apart',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/send\.js$/ }, (args) =>
      args.importer.startsWith(HERE) ? { path: './send.js', external: true } : undefined,
    );
  },
};

const COMMON = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Packages without an "exports" map (@opentelemetry/api-logs, ...) are taken from their ES build.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

/** Builds both parts into `outdir` (emptied first); resolves to one metafile covering both. */
export async function bundleClient({ outdir, metafile = false } = {}) {
  if (!outdir) throw new Error('bundleClient: outdir is required');
  // Chunk names carry a content hash; chunks of an earlier build would otherwise pile up beside the new.
  rmSync(outdir, { recursive: true, force: true });
  const [index, send] = await Promise.all([
    build({
      ...COMMON,
      outdir,
      entryPoints: { index: join(HERE, 'index.ts') },
      plugins: [sendPathApart],
      metafile,
      banner: { js: '// telemetry-stack/client' },
    }),
    build({
      ...COMMON,
      outdir,
      entryPoints: { send: join(HERE, 'send.ts') },
      // Each serializer stays a chunk of its own, loaded only for the protocol in use.
      splitting: true,
      chunkNames: '[name]-[hash]',
      plugins: [otlpTransformer],
      metafile,
      banner: {
        js: '// telemetry-stack/client send path. Includes code of @opentelemetry/otlp-transformer, api and api-logs (Apache-2.0).',
      },
    }),
  ]);
  if (!metafile) return {};
  return {
    metafile: {
      inputs: { ...index.metafile.inputs, ...send.metafile.inputs },
      outputs: { ...index.metafile.outputs, ...send.metafile.outputs },
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outdir = process.argv[2] ?? join(HERE, '../../dist/client');
  await bundleClient({ outdir });
}
