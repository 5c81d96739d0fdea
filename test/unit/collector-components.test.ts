import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { componentKnowledge } from '../../cli/lint/knowledge/components.js';
// @ts-expect-error: a plain .mjs script without types
import { changelogAliases, manifestPins } from '../../scripts/collector-components.mjs';

const root = join(import.meta.dirname, '..', '..');

describe('component knowledge (configs/collector-components.json)', () => {
  it('was generated at the versions collector/manifest.yaml pins; if not, rerun node scripts/collector-components.mjs', () => {
    const pins = (manifestPins as (t: string) => unknown)(readFileSync(join(root, 'collector', 'manifest.yaml'), 'utf8'));
    expect(componentKnowledge().versions).toEqual(pins);
    const manifestModules = [...readFileSync(join(root, 'collector', 'manifest.yaml'), 'utf8').matchAll(/gomod:\s*(\S+)/g)].map((m) => m[1]);
    expect(componentKnowledge().generated.thisDistribution).toEqual(manifestModules);
  });

  it('knows the renames, removals, listeners and exporterhelper defaults the rules rely on', () => {
    const k = componentKnowledge();
    expect(k.typeStatus('exporters', 'otlphttp')).toMatchObject({ status: 'alias', use: 'otlp_http' });
    expect(k.typeStatus('exporters', 'otlp')).toMatchObject({ status: 'alias', use: 'otlp_grpc' });
    expect(k.typeStatus('receivers', 'filelog')).toMatchObject({ status: 'alias', use: 'file_log' });
    expect(k.typeStatus('extensions', 'memory_ballast')).toMatchObject({ status: 'removed' });
    expect(k.typeStatus('exporters', 'loki')).toMatchObject({ status: 'removed' });
    expect(k.typeStatus('processors', 'memory_limitr')).toMatchObject({ status: 'unknown', suggestion: 'memory_limiter' });
    expect(k.entry('exporters', 'prometheus')?.delivery).toBe('pull');
    expect(k.entry('exporters', 'otlp_grpc')).toMatchObject({ sendingQueueDefault: 'enabled', retryOnFailureDefault: 'enabled', delivery: 'push' });
    expect(k.entry('receivers', 'redis')?.scrapes).toBe(true);
    expect(k.listener('receivers', 'redis')).toBeUndefined();
    expect(k.listener('receivers', 'otlp')?.paths).toEqual(['protocols.grpc', 'protocols.http']);
    expect(k.listener('extensions', 'pprof')?.defaultEndpoints).toEqual(['localhost:1777']);
    expect(k.exporterhelperDefaults.sending_queue).toMatchObject({ queue_size: 1000, num_consumers: 10, sizer: 'requests' });
    expect(k.exporterhelperDefaults.retry_on_failure.enabled).toBe(true);
  });

  it('reads renames from a release CHANGELOG', () => {
    const lines =
      '- `receiver/file_log`: Rename `filelog` receiver to `file_log` with deprecated alias `filelog` (#45339)\n- `exporter/load_balancing`: Rename the `loadbalancing` exporter to `load_balancing`. The old `loadbalancing` type remains available as a deprecated alias. (#45339)\n';
    expect((changelogAliases as (t: string) => unknown)(lines)).toEqual([
      { kind: 'receivers', name: 'file_log', alias: 'filelog' },
      { kind: 'exporters', name: 'load_balancing', alias: 'loadbalancing' },
    ]);
  });
});
