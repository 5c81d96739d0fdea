import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// configs/pins.json names the Collector release the stack runs (collectorVersion, and the upstream image
// tag for Docker users); collector/manifest.yaml pins the modules our distribution is built from. They
// name the same release, so they must agree: an image of one release and a binary of another would run
// different component code behind the same stack file.

const REPO = join(import.meta.dirname, '..', '..');
const PINS = 'configs/pins.json';
const MANIFEST = 'collector/manifest.yaml';

/** The 0.x release train that collectorVersion names: contrib, and core's beta modules (stable core is v1.x). */
const SAME_TRAIN = [/^go\.opentelemetry\.io\/collector\//, /^github\.com\/open-telemetry\/opentelemetry-collector-contrib\//];
const COLLECTOR_IMAGE = /^otel\/opentelemetry-collector(?:-contrib)?:(.+)$/;

interface PinsFile {
  collectorVersion?: unknown;
  images?: { collector?: unknown };
}

/** One line per disagreement, each naming both files and the fix; empty when they agree. */
function pinDisagreements(pinsText: string, manifestText: string): string[] {
  const pins = JSON.parse(pinsText) as PinsFile;
  const version = pins.collectorVersion;
  if (typeof version !== 'string' || !/^0\.\d+\.\d+$/.test(version)) {
    return [`${PINS}: collectorVersion ${JSON.stringify(version)} is not a 0.x.y Collector release; set it to the version ${MANIFEST} pins`];
  }
  const problems: string[] = [];
  const image = pins.images?.collector;
  const tag = typeof image === 'string' ? COLLECTOR_IMAGE.exec(image)?.[1] : undefined;
  if (tag !== version) {
    problems.push(`${PINS}: images.collector ${JSON.stringify(image)} is not the Collector ${version} that collectorVersion and ${MANIFEST} pin; tag it ${version}`);
  }
  const manifest = parse(manifestText) as Record<string, unknown>;
  let compared = 0;
  for (const section of Object.values(manifest)) {
    if (!Array.isArray(section)) continue;
    for (const entry of section as Array<{ gomod?: unknown; path?: unknown }>) {
      if (typeof entry?.gomod !== 'string' || entry.path !== undefined) continue; // our own local modules
      const [module = '', moduleVersion = ''] = entry.gomod.split(' ');
      if (!SAME_TRAIN.some((train) => train.test(module)) || moduleVersion.startsWith('v1.')) continue;
      compared += 1;
      if (moduleVersion !== `v${version}`) {
        problems.push(`${PINS}: collectorVersion ${version} disagrees with ${MANIFEST}: ${module} ${moduleVersion}; bump them together`);
      }
    }
  }
  if (compared === 0) problems.push(`${MANIFEST}: no upstream Collector module found to compare with ${PINS} collectorVersion ${version}`);
  return problems;
}

const read = (path: string): string => readFileSync(join(REPO, path), 'utf8');

describe('configs/pins.json and collector/manifest.yaml', () => {
  it('name the same Collector release', () => {
    expect(pinDisagreements(read(PINS), read(MANIFEST))).toEqual([]);
  });

  it('a bump of one without the other fails with one line naming both files', () => {
    const bumped = read(PINS)
      .replace(/"collectorVersion": "[^"]+"/, '"collectorVersion": "0.999.0"')
      .replace(/collector-contrib:[^"]+"/, 'collector-contrib:0.999.0"');
    const problems = pinDisagreements(bumped, read(MANIFEST));
    expect(problems.length).toBeGreaterThan(0);
    for (const line of problems) {
      expect(line).not.toContain('\n');
      expect(line).toContain(PINS);
      expect(line).toContain(MANIFEST);
    }
    expect(problems).toContain(
      `${PINS}: collectorVersion 0.999.0 disagrees with ${MANIFEST}: go.opentelemetry.io/collector/receiver/otlpreceiver ${/otlpreceiver (v\S+)/.exec(read(MANIFEST))![1]}; bump them together`,
    );
  });

  it('an image tag of another release fails too, naming both files', () => {
    const stale = read(PINS).replace(/collector-contrib:[^"]+"/, 'collector-contrib:0.150.0"');
    const problems = pinDisagreements(stale, read(MANIFEST));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^configs\/pins\.json: images\.collector .*0\.150\.0.*collector\/manifest\.yaml/);
  });
});
