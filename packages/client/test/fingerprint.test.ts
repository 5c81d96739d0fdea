import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUsageTelemetry, disableTelemetry, RESOURCE_FINGERPRINT } from '../src/index.js';
import { readOrCreateId } from '../src/persistent-id.js';
import { isolatedHome } from './helpers/env.js';
import { decodeProtobufLogs, flattenRecords } from './helpers/otlp-decode.js';
import { startSink, type Sink } from './helpers/servers.js';

let home: ReturnType<typeof isolatedHome>;
let sink: Sink;
let dir: string;
let path: string;

beforeEach(async () => {
  home = isolatedHome();
  sink = await startSink();
  dir = join(home.env.XDG_CONFIG_HOME!, 'tiny-cli');
  path = join(dir, 'telemetry-fingerprint');
});
afterEach(async () => {
  await sink.close();
  home.cleanup();
});

function mode(p: string): number {
  return statSync(p).mode & 0o777;
}

function sentFingerprints(): unknown[] {
  return sink.requests.map((r) => flattenRecords(decodeProtobufLogs(r.body))[0]!.resource[RESOURCE_FINGERPRINT]);
}

describe('the fingerprint file', () => {
  it('is created on the first send with mode 0600 in a 0700 directory, under $XDG_CONFIG_HOME/<service>', async () => {
    const telemetry = createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: sink.url, env: home.env });
    expect(await telemetry.track('greet')).toBe('sent');
    expect(mode(path)).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
    const id = readFileSync(path, 'utf8').trim();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(sentFingerprints()).toEqual([id]);
    // Atomic write: no temporary sibling is left behind.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('falls back to ~/.config/<service> without XDG_CONFIG_HOME, and ignores a relative one', async () => {
    for (const xdg of [undefined, 'relative/config']) {
      const env = { ...home.env, XDG_CONFIG_HOME: xdg };
      expect(await createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: sink.url, env }).track('greet')).toBe('sent');
    }
    expect(mode(join(home.env.HOME!, '.config', 'tiny-cli', 'telemetry-fingerprint'))).toBe(0o600);
    expect(existsSync(join('relative', 'config'))).toBe(false);
  });

  it.each([
    ['garbage', 'not an id at all\n'],
    ['empty', ''],
    ['truncated', 'abc123'],
    ['upper-case', 'ABCDEF0123456789ABCDEF0123456789'],
  ])('is regenerated when corrupt (%s), with mode 0600', async (_label, content) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, content, { mode: 0o644 });
    const first = readOrCreateId(path);
    expect(first.outcome).toBe('regenerated');
    expect(first.id).toMatch(/^[0-9a-f]{32}$/);
    expect(readFileSync(path, 'utf8').trim()).toBe(first.id);
    expect(mode(path)).toBe(0o600);
    // And then stable.
    expect(readOrCreateId(path)).toEqual({ id: first.id, outcome: 'read' });
  });

  it('a valid id someone made world-readable is kept and put back to 0600', () => {
    mkdirSync(dir, { recursive: true });
    const id = '0123456789abcdef0123456789abcdef';
    writeFileSync(path, `${id}\n`);
    chmodSync(path, 0o644);
    expect(readOrCreateId(path)).toEqual({ id, outcome: 'read' });
    expect(mode(path)).toBe(0o600);
  });

  it('when it cannot be stored (a directory sits at its path), the send still happens with a per-process id', async () => {
    mkdirSync(path, { recursive: true });
    const result = readOrCreateId(path);
    expect(result.outcome).toBe('ephemeral');
    expect(result.id).toMatch(/^[0-9a-f]{32}$/);
    const telemetry = createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: sink.url, env: home.env });
    expect(await telemetry.track('greet')).toBe('sent');
    expect(sentFingerprints()[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('two installations get different ids', () => {
    const a = readOrCreateId(join(home.dir, 'a', 'id'));
    const b = readOrCreateId(join(home.dir, 'b', 'id'));
    expect(a.outcome).toBe('created');
    expect(b.outcome).toBe('created');
    expect(a.id).not.toBe(b.id);
  });

  it('disable removes it, so a later enable cannot be linked to earlier data', async () => {
    await createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: sink.url, env: home.env }).track('greet');
    expect(existsSync(path)).toBe(true);
    expect(disableTelemetry({ service: 'tiny-cli', env: home.env }).ok).toBe(true);
    expect(existsSync(path)).toBe(false);
  });
});
