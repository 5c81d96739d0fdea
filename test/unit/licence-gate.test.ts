import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: build tooling in plain ESM, without type declarations
import { collectNpm } from '../../scripts/licences/collect-npm.mjs';
// @ts-expect-error: build tooling in plain ESM, without type declarations
import { renderNotices } from '../../scripts/licences/notices.mjs';
// @ts-expect-error: build tooling in plain ESM, without type declarations
import { dockerfileFailures, licenceFailures, licenceVerdict, refusedModuleFailures, userDownloadNotes } from '../../scripts/licences/policy.mjs';

interface Pkg {
  ecosystem: string;
  name: string;
  version: string;
  licence: string;
  texts: string[];
}

/** An npm project on disk with the given installed dependencies (name -> licence field). */
function npmProject(deps: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'licence-gate-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'fixture-app', version: '1.0.0', license: 'Apache-2.0', dependencies: Object.fromEntries(Object.keys(deps).map((d) => [d, '1.0.0'])) }),
  );
  for (const [name, licence] of Object.entries(deps)) {
    mkdirSync(join(dir, 'node_modules', name), { recursive: true });
    writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version: '1.0.0', license: licence }));
    writeFileSync(join(dir, 'node_modules', name, 'LICENSE'), `${licence} licence text of ${name}\n`);
  }
  return dir;
}

describe('licence gate', () => {
  it('allows the open-source licences we ship under, alone or in SPDX expressions', () => {
    for (const ok of ['MIT', 'Apache-2.0', 'BSD-3-Clause', 'ISC', 'MPL-2.0', '(MIT OR GPL-3.0-only)', 'Apache-2.0 AND MIT', 'MIT*']) {
      expect(licenceVerdict(ok), ok).toEqual({ ok: true });
    }
  });

  it('refuses copyleft, source-available, unknown and missing licences', () => {
    for (const bad of ['AGPL-3.0-only', 'GPL-2.0', 'LGPL-3.0', 'SSPL-1.0', 'BUSL-1.1', 'GPL-2.0 AND MIT', 'Unknown', 'UNLICENSED', '']) {
      expect(licenceVerdict(bad).ok, bad).toBe(false);
    }
  });

  it('an AGPL npm package in a real install: one line naming the package, its version and its licence', async () => {
    const dir = npmProject({ 'agpl-thing': 'AGPL-3.0-only', 'mit-thing': 'MIT' });
    const packages = (await collectNpm(dir)) as Pkg[];
    expect(packages.map((p) => [p.name, p.version, p.licence])).toEqual([
      ['agpl-thing', '1.0.0', 'AGPL-3.0-only'],
      ['mit-thing', '1.0.0', 'MIT'],
    ]);
    expect(licenceFailures(packages)).toEqual(['npm agpl-thing@1.0.0: licence AGPL-3.0-only is copyleft or not open source (allow-list: scripts/licences/policy.mjs)']);
  });

  it('workspace packages are ours: left out of the third-party list, their dependencies are not', async () => {
    const dir = npmProject({ 'mit-thing': 'MIT' });
    const root = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    mkdirSync(join(dir, 'packages', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'packages', 'lib', 'package.json'), JSON.stringify({ name: '@fixture/lib', version: '1.0.0', license: 'Apache-2.0' }));
    mkdirSync(join(dir, 'node_modules', '@fixture'));
    symlinkSync(join(dir, 'packages', 'lib'), join(dir, 'node_modules', '@fixture', 'lib'), 'dir');
    const withWorkspace = { ...root, workspaces: ['packages/lib'], dependencies: { ...(root.dependencies as object), '@fixture/lib': '1.0.0' } };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(withWorkspace));
    expect(((await collectNpm(dir)) as Pkg[]).map((p) => p.name)).toEqual(['mit-thing']);
  });

  it('the Loki module is refused by name whatever licence it is read as, and an AGPL Go module by licence', () => {
    const loki = { ecosystem: 'go', name: 'github.com/grafana/loki/v3', version: 'v3.7.8', licence: 'AGPL-3.0', texts: [] };
    expect(refusedModuleFailures([loki])).toEqual([
      'go github.com/grafana/loki/v3@v3.7.8: refused by policy (AGPL-licensed; never built or shipped: Loki, Grafana and Tempo are backends users bring)',
    ]);
    expect(licenceFailures([loki])).toEqual(['go github.com/grafana/loki/v3@v3.7.8: licence AGPL-3.0 is copyleft or not open source (allow-list: scripts/licences/policy.mjs)']);
    expect(refusedModuleFailures([{ ...loki, name: 'github.com/grafana/loki-client-go' }])).toEqual([]);
  });

  it('an override names one exact version: the next version is read again', () => {
    const overrides = [{ ecosystem: 'go', name: 'github.com/segmentio/asm', version: 'v1.2.1', licence: 'MIT-0' }];
    const pkg = { ecosystem: 'go', name: 'github.com/segmentio/asm', version: 'v1.2.1', licence: 'Unknown', texts: [] };
    expect(licenceFailures([pkg], overrides)).toEqual([]);
    expect(licenceFailures([{ ...pkg, version: 'v1.2.2' }], overrides)).toHaveLength(1);
  });

  it('notices list every package and each distinct licence text once', () => {
    const text = renderNotices('T', 'intro', [
      { ecosystem: 'npm', name: 'a', version: '1.0.0', licence: 'MIT', texts: ['MIT text\n'] },
      { ecosystem: 'npm', name: 'b', version: '2.0.0', licence: 'MIT', texts: ['MIT text'] },
      { ecosystem: 'npm', name: 'c', version: '3.0.0', licence: 'ISC', texts: ['ISC text'] },
    ]) as string;
    expect(text).toContain('| a | 1.0.0 | MIT |');
    expect(text.match(/```text\nMIT text\n```/g)).toHaveLength(1);
    expect(text).toContain('Used by: a@1.0.0, b@2.0.0');
    expect(text).toContain('Used by: c@3.0.0');
  });

  it("Grafana and Loki images are named as the user's own download, never built from", () => {
    const notes = userDownloadNotes({ images: { collector: 'otel/opentelemetry-collector-contrib:0.161.0', loki: 'grafana/loki:3.5.7', grafana: 'grafana/grafana:12.4.11' } }) as string[];
    expect(notes).toEqual([
      "grafana/loki:3.5.7 (images.loki, AGPL-licensed): the user's own download, pulled by the user's Docker engine; never run, built or shipped by this project, nor on its machines",
      "grafana/grafana:12.4.11 (images.grafana, AGPL-licensed): the user's own download, pulled by the user's Docker engine; never run, built or shipped by this project, nor on its machines",
    ]);
    expect(dockerfileFailures([{ path: 'collector/Dockerfile', text: 'FROM scratch\nCOPY otelcol /otelcol\n' }])).toEqual([]);
    expect(dockerfileFailures([{ path: 'x/Dockerfile', text: 'FROM golang:1.25 AS build\nFROM grafana/grafana:12.4.11\n' }])).toEqual([
      "x/Dockerfile: FROM grafana/grafana:12.4.11 builds an AGPL image into what we ship; it must stay the user's download",
    ]);
  });
});
