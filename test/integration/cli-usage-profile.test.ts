import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFilePipeline, type FilePipeline } from '../support/corpus-pipeline.js';

/**
 * The cli-usage profile through the real Collector: command events keep verb, exit code and
 * fingerprint; heartbeat records keep their aggregated counts and size buckets; anything else a
 * client adds (arguments, host names, paths) is dropped.
 */
describe('cli-usage profile in the real Collector', () => {
  let pipeline: FilePipeline;
  beforeAll(async () => {
    pipeline = await startFilePipeline({ stackYaml: 'profiles: [cli-usage]' });
  });
  afterAll(async () => {
    await pipeline?.stop();
  });

  it('keeps command and heartbeat attributes, drops everything else', async () => {
    const resource = { 'service.name': 'mytool', 'service.version': '1.2.3', 'cli.fingerprint': 'fp-1', 'host.name': 'laptop-of-alice' };
    const scope = { name: 'telemetry-stack/client' };
    await pipeline.send(
      'http/json',
      [
        {
          resource,
          scope,
          records: [
            { eventName: 'cli.command', attributes: { 'event.name': 'cli.command', 'cli.verb': 'deploy', 'cli.exit_code': 0, 'cli.args': '--token abc' } },
            { eventName: 'cli.heartbeat', attributes: { 'event.name': 'cli.heartbeat', 'heartbeat.dropped': 0, 'heartbeat.size.user_count': '11-50', 'heartbeat.sizes': 'x' } },
            { eventName: 'cli.usage', attributes: { 'event.name': 'cli.usage', 'usage.category': 'api', 'usage.name': 'users.list', 'usage.count': 42, 'usage.note': 'free text' } },
          ],
        },
      ],
      [],
    );
    const out = await pipeline.waitFor(3, 0);
    const byEvent = Object.fromEntries(out.logs.map((l) => [String(l.attributes['event.name']), l]));
    expect(Object.keys(byEvent['cli.command']!.attributes).sort()).toEqual(['cli.exit_code', 'cli.verb', 'event.name']);
    expect(byEvent['cli.heartbeat']!.attributes).toEqual({ 'event.name': 'cli.heartbeat', 'heartbeat.dropped': 0, 'heartbeat.size.user_count': '11-50' });
    expect(byEvent['cli.usage']!.attributes).toEqual({ 'event.name': 'cli.usage', 'usage.category': 'api', 'usage.name': 'users.list', 'usage.count': 42 });
    expect(out.text).not.toContain('laptop-of-alice');
    expect(out.text).not.toContain('--token');
  });
});
