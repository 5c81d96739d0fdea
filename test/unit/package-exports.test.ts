import { describe, expect, it } from 'vitest';

/** What other code imports by package name resolves to the built files package.json points at. */
describe('package exports', () => {
  it('telemetry-stack: load, render and lint', async () => {
    const lib = await import('telemetry-stack');
    const { stack } = lib.parseStackFile('version: 1\nbackend: loki\ndataDir: /d\n', 's.yaml', {});
    const files = lib.renderBundle(lib.resolveStack(stack!, '/s.yaml', {}), { ...lib.loadRenderInputs(), secretPatterns: [] }, { source: 's.yaml', toolVersion: 't' });
    expect(files.map((f) => f.path)).toContain('compose/loki.yaml');
    expect(lib.lintCollectorConfig('c.yaml', files[0]!.content, { env: {} }).filter((f) => f.rule !== 'unset-env')).toEqual([]);
  });

  it('telemetry-stack/client: the usage client, the same modules as @telemetry-stack/client', async () => {
    const client = await import('telemetry-stack/client');
    expect(typeof client.createUsageTelemetry).toBe('function');
    expect(typeof client.emitOnce).toBe('function');
    // One consent, config file and fingerprint whichever name a host imports.
    expect(client.createUsageTelemetry).toBe((await import('@telemetry-stack/client')).createUsageTelemetry);
    expect(client.createHeartbeat).toBe((await import('@telemetry-stack/client/heartbeat')).createHeartbeat);
  });
});
