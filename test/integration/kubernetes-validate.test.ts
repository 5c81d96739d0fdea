import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { committedGoldenFiles, GOLDEN_DIR, goldenDirs, KUBERNETES_GOLDEN_PREFIX } from '../../tools/golden.js';

/**
 * Offline validation of the committed Kubernetes bundles (the golden test keeps them equal to what
 * the renderer makes): PyPI's kubernetes-validate, which ships the API schemas, in strict mode
 * (unknown fields are errors), on each resource file and on `kubectl kustomize`'s output where
 * kubectl is installed. The venv lives outside the repository, keyed by the validator's version.
 */
const VALIDATOR = 'kubernetes-validate==1.37.0';
const cacheHome = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
const venv = join(cacheHome, 'telemetry-stack', 'kubernetes-validate-1.37.0');
const validator = join(venv, 'bin', 'kubernetes-validate');

const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const variants = goldenDirs().filter((d) => d.startsWith(join(GOLDEN_DIR, KUBERNETES_GOLDEN_PREFIX)));

function validate(files: string[]): { status: number | null; out: string } {
  const r = spawnSync(validator, ['--strict', '--no-warn', ...files], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!python)('kubernetes bundle: offline validation', () => {
  let work = '';
  beforeAll(() => {
    if (!existsSync(validator)) {
      mkdirSync(join(cacheHome, 'telemetry-stack'), { recursive: true });
      execFileSync(python!, ['-m', 'venv', venv], { stdio: 'inherit' });
      execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', VALIDATOR], { stdio: 'inherit' });
    }
    work = mkdtempSync(join(tmpdir(), 'k8s-validate-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('there are kubernetes golden variants to validate', () => {
    expect(variants.length).toBeGreaterThanOrEqual(2);
  });

  for (const dir of variants) {
    const name = dir.slice(GOLDEN_DIR.length + 1);

    it(`${name}: every resource file passes strict schema validation`, () => {
      // What the kustomization lists as resources; the Collector configs, the schema Job's stack
      // file and the kustomization itself are not Kubernetes resources.
      const listed = (parse(readFileSync(join(dir, 'kubernetes', 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources;
      const resources = committedGoldenFiles(dir)
        .filter((f) => f.startsWith('kubernetes/') && listed.includes(f.slice('kubernetes/'.length)))
        .map((f) => join(dir, f));
      expect(resources.length).toBe(listed.length);
      expect(resources.length).toBeGreaterThanOrEqual(7);
      const r = validate(resources);
      expect(r.out).not.toMatch(/ERROR/);
      expect(r.status, r.out).toBe(0);
    });

    it.skipIf(!kubectl)(`${name}: kubectl kustomize builds it, and the build passes strict validation`, () => {
      const built = execFileSync('kubectl', ['kustomize', join(dir, 'kubernetes')], { encoding: 'utf8' });
      const out = join(work, `${name}.yaml`);
      writeFileSync(out, built);
      expect(built).toMatch(/^kind: ConfigMap$/m);
      const r = validate([out]);
      expect(r.out).not.toMatch(/ERROR/);
      expect(r.status, r.out).toBe(0);
    });
  }
});

describe.runIf(!python)('kubernetes bundle: offline validation skipped', () => {
  it.skip('needs python3 with venv to install kubernetes-validate; none was found on PATH', () => {});
});
