import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../cli/paths.js';
import { pins } from '../../cli/pins.js';
import { containerSpecs, renderClickHouseListenXml } from '../../cli/render/containers.js';
import { COMPOSE_DIR, filesUnder, GOLDEN_TOOL_VERSION } from '../../tools/golden.js';
import { toCreate } from '../../cli/runtime/docker/container-create.js';
import { loadStackFile, parseStackFile } from '../../cli/stack/load.js';
import { clickhouseUsername, runsChdbServer } from '../../cli/stack/storage-endpoint.js';
import { resolveStack } from '../../cli/stack/resolve.js';

const stackOf = (yaml: string) => resolveStack(parseStackFile(`version: 1\nname: t\ndataDir: /data\n${yaml}`, 's.yaml', {}).stack!, '/s.yaml', {});

describe('the ClickHouse server container', () => {
  const stack = stackOf('backend: clickhouse\nclickhouse: {port: 18123, database: tel, username: writer}');
  const spec = containerSpecs(stack, '1.2.3').find((s) => s.service === 'clickhouse')!;

  it('uses the pinned official image unless overridden', () => {
    expect(spec.image).toBe(pins.images.clickhouse);
    expect(spec.image).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+/);
    const override = containerSpecs(stackOf('backend: clickhouse\nimages: {clickhouse: registry.local/ch:1}'), 'x').find((s) => s.service === 'clickhouse')!;
    expect(override.image).toBe('registry.local/ch:1');
  });

  it('gets credentials from the environment, never a literal password', () => {
    expect(spec.env).toEqual({
      CLICKHOUSE_DB: 'tel',
      CLICKHOUSE_USER: 'writer',
      CLICKHOUSE_PASSWORD: '${TELEMETRY_STACK_CLICKHOUSE_PASSWORD}',
      CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT: '1',
    });
    const create = toCreate(stack, spec, { TELEMETRY_STACK_CLICKHOUSE_PASSWORD: 's3cret' });
    expect(create.env).toContain('CLICKHOUSE_PASSWORD=s3cret');
  });

  it('keeps data in a labelled named volume and listens on 127.0.0.1 only', () => {
    expect(spec.volumes).toEqual([{ volume: 'telemetry-stack-t-clickhouse', target: '/var/lib/clickhouse' }]);
    expect(spec.labels).toMatchObject({ 'dev.telemetry-stack.stack': 't', 'dev.telemetry-stack.service': 'clickhouse', 'dev.telemetry-stack.version': '1.2.3' });
    // The image's own listen config (0.0.0.0 and ::) is replaced, not added to.
    expect(spec.files).toEqual([{ source: 'clickhouse/listen.xml', target: '/etc/clickhouse-server/config.d/docker_related_config.xml' }]);
    const xml = renderClickHouseListenXml(stack);
    expect([...xml.matchAll(/<listen_host>([^<]+)<\/listen_host>/g)].map((m) => m[1])).toEqual(['127.0.0.1']);
    expect(xml).toContain('<http_port>18123</http_port>');
  });

  it('has a health check against its own /ping on loopback and a memory limit', () => {
    expect(spec.healthcheck?.test).toEqual(['CMD', 'wget', '--spider', '-q', 'http://127.0.0.1:18123/ping']);
    const create = toCreate(stack, spec, {});
    expect(create.healthcheck).toEqual({ test: spec.healthcheck!.test, intervalNs: 2e9, timeoutNs: 2e9, retries: 30, startPeriodNs: 5e9 });
    expect(create.memoryBytes).toBe(2048 * 1024 * 1024);
  });
});

describe('the storage image built here (clickhouse.server: chdb-server)', () => {
  const stack = stackOf('backend: clickhouse\nclickhouse: {server: chdb-server, port: 18123, database: tel, username: writer}');
  const spec = containerSpecs(stack, '1.2.3').find((s) => s.service === 'clickhouse')!;

  it('runs the local tag images build gives it unless images.clickhouse names another', () => {
    expect(spec.image).toBe(pins.localImages.chdbServer);
    const override = containerSpecs(stackOf('backend: clickhouse\nclickhouse: {server: chdb-server}\nimages: {clickhouse: registry.local/chdb:2}'), 'x').find((s) => s.service === 'clickhouse')!;
    expect(override.image).toBe('registry.local/chdb:2');
  });

  it("passes both passwords as environment references and names the variables on the launcher's command line", () => {
    expect(spec.env).toEqual({
      TELEMETRY_STACK_CLICKHOUSE_PASSWORD: '${TELEMETRY_STACK_CLICKHOUSE_PASSWORD}',
      TELEMETRY_STACK_CLICKHOUSE_READER_PASSWORD: '${TELEMETRY_STACK_CLICKHOUSE_READER_PASSWORD}',
    });
    expect(spec.command).toEqual([
      '--password-env',
      'TELEMETRY_STACK_CLICKHOUSE_PASSWORD',
      '--reader-password-env',
      'TELEMETRY_STACK_CLICKHOUSE_READER_PASSWORD',
      '--database',
      'tel',
      '--port',
      '18123',
      '--tcp-port',
      '18124',
    ]);
    const create = toCreate(stack, spec, { TELEMETRY_STACK_CLICKHOUSE_PASSWORD: 'w', TELEMETRY_STACK_CLICKHOUSE_READER_PASSWORD: 'r' });
    expect(create.env.sort()).toEqual(['TELEMETRY_STACK_CLICKHOUSE_PASSWORD=w', 'TELEMETRY_STACK_CLICKHOUSE_READER_PASSWORD=r']);
  });

  it("mounts no config (the launcher renders its own), keeps data in the image's data directory, and checks health with the launcher itself", () => {
    expect(spec.files).toEqual([]);
    expect(spec.volumes).toEqual([{ volume: 'telemetry-stack-t-clickhouse', target: '/var/lib/chdb-server' }]);
    expect(readFileSync(packagePath('storage', 'chdb-server', 'Dockerfile'), 'utf8')).toMatch(/--data-dir", "\/var\/lib\/chdb-server"/);
    expect(spec.healthcheck?.test).toEqual(['CMD', '/chdb-server', '--ping', '18123']);
  });

  it("its users are the launcher's: the Collector writes as telemetry_writer, the CLI reads as telemetry_reader", () => {
    expect(clickhouseUsername(stack, 'writer')).toBe('telemetry_writer');
    expect(clickhouseUsername(stack, 'reader')).toBe('telemetry_reader');
    const official = stackOf('backend: clickhouse\nclickhouse: {username: writer}');
    expect([clickhouseUsername(official, 'writer'), clickhouseUsername(official, 'reader')]).toEqual(['writer', 'writer']);
    // A server of the user's is never the launcher's, whatever clickhouse.server says.
    expect(runsChdbServer(stackOf('backend: clickhouse\nclickhouse: {server: chdb-server, url: "http://127.0.0.1:9123"}'))).toBe(false);
  });
});

describe('compose/ is what `up` creates', () => {
  const file = join(COMPOSE_DIR, 'telemetry-stack.yaml');
  const stack = resolveStack(loadStackFile(file, {}).stack, file, {});
  const compose = parse(readFileSync(join(COMPOSE_DIR, 'compose.yaml'), 'utf8')) as { services: Record<string, Record<string, unknown>> };

  for (const spec of containerSpecs(stack, GOLDEN_TOOL_VERSION)) {
    it(`service ${spec.service}: same image, command, environment names, mounts, network, labels and memory`, () => {
      const create = toCreate(stack, spec, {});
      const service = compose.services[spec.service]!;
      expect(service['image']).toBe(create.image);
      expect(service['container_name']).toBe(create.name);
      expect(service['command'] ?? []).toEqual(create.cmd);
      expect(service['network_mode']).toBe('host');
      expect(Object.keys((service['environment'] as Record<string, string>) ?? {}).sort()).toEqual(create.env.map((e) => e.split('=')[0]).sort());
      expect(service['labels']).toEqual(create.labels);
      expect(service['mem_limit']).toBe(`${create.memoryBytes / 1024 / 1024}m`);
      // Same volumes and targets; compose mounts rendered files relative to itself, up from the data dir.
      const targets = (binds: string[]) => binds.map((b) => b.split(':').slice(1).join(':')).sort();
      expect(targets(service['volumes'] as string[])).toEqual(targets(create.binds));
      const volumes = (binds: string[]) => binds.filter((b) => !b.startsWith('.') && !b.startsWith('/')).sort();
      expect(volumes(service['volumes'] as string[])).toEqual(volumes(create.binds));
    });
  }

  it('every file and folder compose mounts is committed beside it (a folder with files in it)', () => {
    for (const service of Object.values(compose.services)) {
      for (const v of service['volumes'] as string[]) {
        if (!v.startsWith('./')) continue;
        const path = packagePath('compose', v.split(':')[0]!);
        if (existsSync(path) && statSync(path).isDirectory()) expect(filesUnder(path).length, v).toBeGreaterThan(0);
        else expect(() => readFileSync(path), v).not.toThrow();
      }
    }
  });
});
