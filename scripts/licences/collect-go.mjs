// The Go modules compiled into the Collector distribution, with the licence google/go-licenses
// reads from each one's licence file. The sources are the builder's own output for
// collector/manifest.yaml, so what is checked is exactly what `collector build` compiles.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { cacheRoot, generateCollectorSources } from '../../dist/cli/collector/build.js';

const TOOL_DIR = join(import.meta.dirname, 'go-licenses');
/** Our own modules: the distribution's main module and the components beside it in this repository. */
const OWN = 'github.com/telemetry-stack/';

/** Builds the pinned go-licenses once per go.sum, into the cache outside the repository. */
async function goLicensesBinary(log) {
  const key = createHash('sha256')
    .update(readFileSync(join(TOOL_DIR, 'go.mod')))
    .update(readFileSync(join(TOOL_DIR, 'go.sum')))
    .digest('hex')
    .slice(0, 16);
  const binary = join(cacheRoot(), 'go-licenses', key, 'go-licenses');
  if (existsSync(binary)) return binary;
  log('building google/go-licenses (pinned in scripts/licences/go-licenses/go.mod)');
  mkdirSync(dirname(binary), { recursive: true });
  // -mod=mod: a tools module has no vendor directory; go.sum still pins every byte.
  await execa('go', ['build', '-o', binary, 'github.com/google/go-licenses/v2'], { cwd: TOOL_DIR, env: { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' } });
  return binary;
}

/** go's module cache escapes upper case as `!x`; the module path is the unescaped directory. */
function moduleOf(licencePath) {
  const m = /\/pkg\/mod\/(.+?)@([^/]+)\/(.*)$/.exec(licencePath);
  if (!m) return undefined;
  return { module: m[1].replace(/!([a-z])/g, (_, c) => c.toUpperCase()), version: m[2], inModule: dirname(m[3]) };
}

/** The module of a package whose licence go-licenses could not classify, and its licence file. */
async function moduleOfPackage(dir, pkg) {
  const r = await execa('go', ['list', '-f', '{{.Module.Path}}\t{{.Module.Version}}\t{{.Module.Dir}}', pkg], {
    cwd: dir,
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
    reject: false,
  });
  if (r.exitCode !== 0) return undefined;
  const [module, version, moduleDir] = String(r.stdout).trim().split('\t');
  const licenceFile = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'COPYING'].map((f) => join(moduleDir, f)).find((f) => existsSync(f));
  return { module, version, inModule: '.', licenceFile };
}

/** @returns {Promise<{ecosystem: 'go', name: string, version: string, licence: string, texts: string[]}[]>} */
export async function collectGo(log = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-stack-licences-'));
  try {
    log('generating the Collector sources from collector/manifest.yaml (builder --skip-compilation)');
    await generateCollectorSources(dir, { log });
    return await collectGoModule(dir, log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same for a main module of this repository (the storage launcher): every module it compiles in. */
export async function collectGoModule(dir, log = () => {}) {
  const tool = await goLicensesBinary(log);
  const work = mkdtempSync(join(tmpdir(), 'telemetry-stack-licences-'));
  try {
    const template = join(work, 'report.tmpl');
    writeFileSync(template, '{{range .}}{{.Name}}\t{{.Version}}\t{{.LicenseName}}\t{{.LicensePath}}\n{{end}}');
    log('classifying every licence file (go-licenses report)');
    const report = await execa(tool, ['report', '.', '--template', template], { cwd: dir, env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' }, reject: false });
    if (report.exitCode !== 0) throw new Error(`go-licenses report failed: ${String(report.stderr).trim().split('\n').pop()}`);
    // One row per package; packages of one module under one licence file are one entry.
    const entries = new Map();
    for (const line of String(report.stdout).split('\n').filter(Boolean)) {
      const [pkg, version, licence, reported] = line.split('\t');
      // go-licenses writes `Unknown` where it found no licence file it could classify.
      const licencePath = reported && reported !== 'Unknown' ? reported : '';
      if (pkg.startsWith(OWN)) continue;
      const where = licencePath ? moduleOf(licencePath) : await moduleOfPackage(dir, pkg);
      const name = where ? (where.inModule === '.' ? where.module : `${where.module}/${where.inModule}`) : pkg;
      const entryVersion = where?.version ?? (version || 'unknown');
      const key = `${name}@${entryVersion}`;
      if (entries.has(key)) continue;
      const texts = [];
      // A licence file the classifier could not name is still the text to pass on.
      const file = licencePath || where?.licenceFile;
      if (file && existsSync(file)) {
        texts.push(readFileSync(file, 'utf8'));
        const notice = join(dirname(file), 'NOTICE');
        if (existsSync(notice)) texts.push(readFileSync(notice, 'utf8'));
      }
      entries.set(key, { ecosystem: 'go', name, version: entryVersion, licence: licence || 'Unknown', texts });
    }
    return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
