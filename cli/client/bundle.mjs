#!/usr/bin/env node
// Builds what `telemetry-stack/client` resolves to: dist/client/index.js, one ESM file holding everything
// a host loads at import, plus chunks that only a send loads (the id file, the OTLP serializer and the
// HTTP request). `npm run build` runs it after tsc; the tests call bundleClient() into a temporary tree.
//
// Why a bundle, when tsc already emits dist/cli/client/: every host process pays for the import, and as
// some 25 separate ES modules it cost 25-30 ms here, about half of it per-file resolution and loading;
// one file costs a few ms. The send path gains more: the logs serializer of @opentelemetry/otlp-transformer
// loads about 60 CommonJS files from node_modules, 45 of them @opentelemetry/api's index, which it needs
// for one diag.debug call (30-40 ms). Bundled from the packages' ES builds, which declare no side
// effects, what is not used is dropped and the send chunk loads in a few ms. Payloads are still encoded
// by @opentelemetry/otlp-transformer, at the version in package-lock.json when the bundle was built.
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

export async function bundleClient({ entry = join(HERE, 'index.ts'), outdir, metafile = false } = {}) {
  if (!outdir) throw new Error('bundleClient: outdir is required');
  // Chunk names carry a content hash; chunks of an earlier build would otherwise pile up beside the new.
  rmSync(outdir, { recursive: true, force: true });
  return build({
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Packages without an "exports" map (@opentelemetry/api-logs, ...) are taken from their ES build.
    mainFields: ['module', 'main'],
    chunkNames: '[name]-[hash]',
    plugins: [otlpTransformer],
    metafile,
    logLevel: 'warning',
    banner: {
      js: '// telemetry-stack/client. Send chunks include code of @opentelemetry/otlp-transformer, api and api-logs (Apache-2.0).',
    },
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outdir = process.argv[2] ?? join(HERE, '../../dist/client');
  await bundleClient({ outdir });
}
