import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  disableTelemetry,
  enableTelemetry,
  firstRunNotice,
  telemetryStatus,
} from '../src/index.js';
import { isolatedHome } from './helpers/env.js';

let home: ReturnType<typeof isolatedHome>;
let configPath: string;
const endpoint = 'http://127.0.0.1:4318';

beforeEach(() => {
  home = isolatedHome();
  configPath = join(home.env.XDG_CONFIG_HOME!, 'tiny-cli', 'telemetry.json');
});
afterEach(() => home.cleanup());

describe('enable / disable / status', () => {
  it('status reads without creating anything', () => {
    const status = telemetryStatus({ service: 'tiny-cli', env: home.env, endpoint });
    expect(status).toMatchObject({
      enabled: true,
      willSend: true,
      source: 'default',
      envVariable: 'TINY_CLI_TELEMETRY',
      endpoint: 'http://127.0.0.1:4318/v1/logs',
      endpointSource: 'code',
      configPath,
      noticeShown: false,
    });
    expect(readdirSync(home.dir)).toEqual([]);
  });

  it('disable then enable write the config file atomically with mode 0600, keeping unknown keys', () => {
    mkdirSync(join(home.env.XDG_CONFIG_HOME!, 'tiny-cli'), { recursive: true });
    writeFileSync(configPath, JSON.stringify({ futureKey: 'kept' }));
    expect(disableTelemetry({ service: 'tiny-cli', env: home.env })).toEqual({ ok: true, configPath });
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({ futureKey: 'kept', enabled: false });
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    expect(telemetryStatus({ service: 'tiny-cli', env: home.env, endpoint })).toMatchObject({
      enabled: false,
      willSend: false,
      source: 'config',
    });

    expect(enableTelemetry({ service: 'tiny-cli', env: home.env }).ok).toBe(true);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({ futureKey: 'kept', enabled: true });
    expect(readdirSync(join(home.env.XDG_CONFIG_HOME!, 'tiny-cli')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('status names the env layer when it overrides the file', () => {
    enableTelemetry({ service: 'tiny-cli', env: home.env });
    const status = telemetryStatus({ service: 'tiny-cli', env: { ...home.env, DO_NOT_TRACK: '1' }, endpoint });
    expect(status).toMatchObject({ enabled: false, source: 'env', reason: 'DO_NOT_TRACK is set' });
  });

  it('a corrupt config file is replaced by enable and reported by status', () => {
    mkdirSync(join(home.env.XDG_CONFIG_HOME!, 'tiny-cli'), { recursive: true });
    writeFileSync(configPath, '[1, 2');
    expect(telemetryStatus({ service: 'tiny-cli', env: home.env, endpoint }).reason).toMatch(/config file unreadable/);
    expect(enableTelemetry({ service: 'tiny-cli', env: home.env }).ok).toBe(true);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({ enabled: true });
  });

  it('a write that cannot happen is reported, not thrown', () => {
    // A file where the service directory should be makes every write under it fail.
    mkdirSync(home.env.XDG_CONFIG_HOME!, { recursive: true });
    writeFileSync(join(home.env.XDG_CONFIG_HOME!, 'tiny-cli'), 'in the way');
    const result = enableTelemetry({ service: 'tiny-cli', env: home.env });
    expect(result.ok).toBe(false);
    expect(result.error).toContain(configPath);
  });

  it('an invalid service name is reported, not thrown', () => {
    expect(enableTelemetry({ service: 'a/b', env: home.env })).toMatchObject({ ok: false });
  });
});

describe('first-run notice', () => {
  it('is returned once, then recorded', () => {
    const notice = firstRunNotice({ service: 'tiny-cli', env: home.env, endpoint, disableCommand: 'tiny-cli telemetry disable' });
    expect(notice).toContain('tiny-cli telemetry disable');
    expect(notice).toContain('TINY_CLI_TELEMETRY=0');
    expect(notice).toContain('never its arguments');
    expect(firstRunNotice({ service: 'tiny-cli', env: home.env, endpoint })).toBeUndefined();
    expect(JSON.parse(readFileSync(configPath, 'utf8')).noticeShownAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(telemetryStatus({ service: 'tiny-cli', env: home.env, endpoint }).noticeShown).toBe(true);
  });

  it('is not shown, nor recorded, when telemetry is off or has no endpoint', () => {
    expect(firstRunNotice({ service: 'tiny-cli', env: { ...home.env, DO_NOT_TRACK: '1' }, endpoint })).toBeUndefined();
    expect(firstRunNotice({ service: 'tiny-cli', env: home.env, mode: 'opt-in', endpoint })).toBeUndefined();
    expect(firstRunNotice({ service: 'tiny-cli', env: home.env })).toBeUndefined();
    expect(readdirSync(home.dir)).toEqual([]);
    // Still pending for when it does apply.
    expect(firstRunNotice({ service: 'tiny-cli', env: home.env, endpoint })).toBeDefined();
  });
});
