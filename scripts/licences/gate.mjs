#!/usr/bin/env node
// The licence gate: every npm package a telemetry-stack install brings and every Go module
// compiled into the Collector distribution must carry a licence on the allow-list
// (policy.mjs). Exit 0 when all do; else one line per package (name, version, licence), exit 1.
//
//   node scripts/licences/gate.mjs            check, and check the committed notices are current
//   node scripts/licences/gate.mjs --write    check, and rewrite THIRD_PARTY_NOTICES.md files
//
// Needs `npm run build` first (it reuses the Collector build code) and Go on PATH.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectGo, collectGoModule } from './collect-go.mjs';
import { collectNpm } from './collect-npm.mjs';
import { renderNotices } from './notices.mjs';
import { dockerfileFailures, licenceFailures, refusedModuleFailures, userDownloadNotes } from './policy.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const write = process.argv.includes('--write');
const log = (line) => process.stderr.write(`  ${line}\n`);

const { overrides } = JSON.parse(readFileSync(join(import.meta.dirname, 'overrides.json'), 'utf8'));
const npm = await collectNpm(ROOT);
log(`npm: ${npm.length} production packages`);
const go = await collectGo(log);
log(`go: ${go.length} modules in the Collector distribution`);
const launcher = await collectGoModule(join(ROOT, 'storage', 'chdb-server'), log);
log(`go: ${launcher.length} modules in the storage launcher (storage/chdb-server)`);

const all = [...npm, ...go, ...launcher];
const dockerfiles = ['collector', 'storage', 'compose']
  .flatMap((dir) => readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((f) => `${dir}/${f}`))
  .filter((p) => /(^|\/)Dockerfile[^/]*$/.test(p))
  .map((p) => ({ path: p, text: readFileSync(join(ROOT, p), 'utf8') }));
const failures = [...refusedModuleFailures(all), ...licenceFailures(all, overrides), ...dockerfileFailures(dockerfiles)];
// Grafana and Loki: named by tag in configs/pins.json for the user's Docker engine, never ours to ship.
for (const note of userDownloadNotes(JSON.parse(readFileSync(join(ROOT, 'configs', 'pins.json'), 'utf8')))) log(`not shipped: ${note}`);
const licenceOf = (p) => overrides.find((o) => o.ecosystem === p.ecosystem && o.version === p.version && (o.name === p.name || p.name.startsWith(`${o.name}/`)))?.licence ?? p.licence;
const notices = [
  {
    path: join(ROOT, 'THIRD_PARTY_NOTICES.md'),
    content: renderNotices(
      'Third-party notices: the telemetry-stack npm package',
      'The npm packages installed with telemetry-stack (production dependencies).',
      npm.map((p) => ({ ...p, licence: licenceOf(p) })),
    ),
  },
  {
    path: join(ROOT, 'collector', 'THIRD_PARTY_NOTICES.md'),
    content: renderNotices(
      'Third-party notices: the telemetry-stack Collector distribution',
      'The Go modules compiled into otelcol-telemetry-stack (collector/manifest.yaml) and shipped in its image.',
      go.map((p) => ({ ...p, licence: licenceOf(p) })),
    ),
  },
  {
    path: join(ROOT, 'storage', 'chdb-server', 'THIRD_PARTY_NOTICES.md'),
    content: renderNotices(
      'Third-party notices: the storage launcher',
      'The Go modules compiled into chdb-server (storage/chdb-server). The ClickHouse engine it loads, libchdb, comes with the chdb npm package (Apache-2.0) and is listed in THIRD_PARTY_NOTICES.md.',
      launcher.map((p) => ({ ...p, licence: licenceOf(p) })),
    ),
  },
];
for (const n of notices) {
  const current = existsSync(n.path) ? readFileSync(n.path, 'utf8') : undefined;
  if (write) writeFileSync(n.path, n.content);
  else if (current !== n.content) failures.push(`${n.path.slice(ROOT.length + 1)} is stale: run node scripts/licences/gate.mjs --write and commit it`);
}

if (failures.length > 0) {
  for (const f of failures) process.stderr.write(`licence gate: ${f}\n`);
  process.exit(1);
}
process.stdout.write(
  `licence gate: ${npm.length} npm packages, ${go.length} Go modules in the Collector and ${launcher.length} in the storage launcher, every licence allowed${write ? '; notices written' : '; notices current'}\n`,
);
