import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createUsageTelemetry,
  enableTelemetry,
  disableTelemetry,
  type UsageTelemetryOptions,
} from '../src/index.js';
import { homeAndSinkPerTest, type isolatedHome } from './helpers/env.js';
import type { Sink } from './helpers/servers.js';

// Each way of saying "no" is checked against a real local endpoint that counts connections: the
// result code alone could lie, the server's count cannot. Each block also has a control that sends,
// so a sink that never received anything would fail the suite instead of passing it.

let home: ReturnType<typeof isolatedHome>;
let sink: Sink;
homeAndSinkPerTest((h, s) => {
  home = h;
  sink = s;
});

function client(extraEnv: NodeJS.ProcessEnv, options: Partial<UsageTelemetryOptions> = {}) {
  return createUsageTelemetry({
    service: 'tiny-cli',
    version: '1.0.0',
    endpoint: sink.url,
    env: { ...home.env, ...extraEnv },
    ...options,
  });
}

async function expectNothingSent(extraEnv: NodeJS.ProcessEnv, options: Partial<UsageTelemetryOptions> = {}) {
  const telemetry = client(extraEnv, options);
  expect(await telemetry.track('greet', { exit: 0 })).toBe('disabled');
  await telemetry.flush();
  expect(sink.connections()).toBe(0);
  expect(sink.requests).toHaveLength(0);
  // Disabled means no state either: no fingerprint was created.
  expect(existsSync(join(home.env.XDG_CONFIG_HOME!, 'tiny-cli', 'telemetry-fingerprint'))).toBe(false);
}

async function expectSent(extraEnv: NodeJS.ProcessEnv, options: Partial<UsageTelemetryOptions> = {}) {
  expect(await client(extraEnv, options).track('greet', { exit: 0 })).toBe('sent');
  expect(sink.requests).toHaveLength(1);
}

describe('opt-out variables', () => {
  it('control: with no opt-out set, the event is sent', async () => {
    await expectSent({});
  });

  it.each(['0', 'false', 'off', 'no', 'FALSE', ' 0 '])('<SERVICE>_TELEMETRY=%j', async (value) => {
    await expectNothingSent({ TINY_CLI_TELEMETRY: value });
  });

  it('the prefix is derived from the service name: my.tool -> MY_TOOL_TELEMETRY', async () => {
    await expectNothingSent({ MY_TOOL_TELEMETRY: '0' }, { service: 'my.tool' });
  });

  it.each(['1', 'true', 'yes'])('DO_NOT_TRACK=%j', async (value) => {
    await expectNothingSent({ DO_NOT_TRACK: value });
  });

  it('DO_NOT_TRACK wins over <SERVICE>_TELEMETRY=1', async () => {
    await expectNothingSent({ DO_NOT_TRACK: '1', TINY_CLI_TELEMETRY: '1' });
  });

  it('DO_NOT_TRACK=0 is not an opt-out', async () => {
    await expectSent({ DO_NOT_TRACK: '0' });
  });
});

describe('CI policy', () => {
  it.each([
    { CI: 'true' },
    { CI: '1' },
    { GITHUB_ACTIONS: 'true' },
    { GITLAB_CI: 'true' },
    { BUILDKITE: 'true' },
    { JENKINS_URL: 'http://127.0.0.1/' },
  ])('skip (the default) sends nothing under %j', async (ciEnv) => {
    await expectNothingSent(ciEnv);
  });

  it('send sends under CI', async () => {
    await expectSent({ CI: 'true' }, { ci: 'send' });
  });

  it('CI=false overrides the other CI variables', async () => {
    await expectSent({ CI: 'false', BUILD_NUMBER: '17' });
  });

  it('an explicit <SERVICE>_TELEMETRY=1 sends under CI', async () => {
    await expectSent({ CI: 'true', TINY_CLI_TELEMETRY: '1' });
  });
});

describe('opt-in mode', () => {
  it('sends nothing until enabled', async () => {
    await expectNothingSent({}, { mode: 'opt-in' });
  });

  it('sends once enabled through the config file', async () => {
    expect(enableTelemetry({ service: 'tiny-cli', env: home.env }).ok).toBe(true);
    await expectSent({}, { mode: 'opt-in' });
  });

  it('sends once enabled through the environment', async () => {
    await expectSent({ TINY_CLI_TELEMETRY: '1' }, { mode: 'opt-in' });
  });
});

describe('precedence code > env > config file > default', () => {
  it('config file: disabled', async () => {
    expect(disableTelemetry({ service: 'tiny-cli', env: home.env }).ok).toBe(true);
    await expectNothingSent({});
  });

  it('env beats config file', async () => {
    disableTelemetry({ service: 'tiny-cli', env: home.env });
    await expectSent({ TINY_CLI_TELEMETRY: '1' });
  });

  it('code enabled: false beats everything', async () => {
    enableTelemetry({ service: 'tiny-cli', env: home.env });
    await expectNothingSent({ TINY_CLI_TELEMETRY: '1' }, { enabled: false });
  });

  it('code enabled: true beats env', async () => {
    await expectSent({ DO_NOT_TRACK: '1' }, { enabled: true });
  });

  it('a corrupt config file counts as disabled (it may hold a "no" we cannot read)', async () => {
    const dir = join(home.env.XDG_CONFIG_HOME!, 'tiny-cli');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'telemetry.json'), '{"enabled": fal');
    await expectNothingSent({});
  });

  it('an unrecognised env value falls through to the next layer', async () => {
    disableTelemetry({ service: 'tiny-cli', env: home.env });
    await expectNothingSent({ TINY_CLI_TELEMETRY: 'maybe' });
  });
});

describe('no endpoint', () => {
  it('nothing configured: disabled, nothing sent', async () => {
    const telemetry = createUsageTelemetry({ service: 'tiny-cli', version: '1', env: home.env });
    expect(await telemetry.track('greet')).toBe('disabled');
    expect(sink.connections()).toBe(0);
  });

  it('<SERVICE>_TELEMETRY_ENDPOINT selects the endpoint when code gives none', async () => {
    const telemetry = createUsageTelemetry({
      service: 'tiny-cli',
      version: '1',
      env: { ...home.env, TINY_CLI_TELEMETRY_ENDPOINT: sink.url },
    });
    expect(await telemetry.track('greet')).toBe('sent');
    expect(sink.requests).toHaveLength(1);
  });

  it('a non-http endpoint is refused without a connection', async () => {
    const telemetry = createUsageTelemetry({ service: 'tiny-cli', version: '1', env: home.env, endpoint: 'file:///etc/passwd' });
    expect(await telemetry.track('greet')).toBe('disabled');
    expect(telemetry.status().endpointProblem).toMatch(/not an http\(s\) URL/);
  });

  it('an invalid service name disables instead of throwing', async () => {
    const telemetry = createUsageTelemetry({ service: '../../etc', version: '1', env: home.env, endpoint: sink.url });
    expect(await telemetry.track('greet')).toBe('disabled');
    expect(sink.connections()).toBe(0);
  });
});

describe('consent first', () => {
  /** A verb list that records being read, as a host's list would be parsed. */
  function watchedVerbs(): { verbs: readonly string[]; read: () => boolean } {
    let read = false;
    const verbs = {
      [Symbol.iterator]() {
        read = true;
        return ['greet'][Symbol.iterator]();
      },
    } as unknown as readonly string[];
    return { verbs, read: () => read };
  }

  it('a disabled run never reads the host\'s verb list', async () => {
    const watched = watchedVerbs();
    expect(await client({ TINY_CLI_TELEMETRY: '0' }, { knownVerbs: watched.verbs }).track('greet')).toBe('disabled');
    expect(watched.read()).toBe(false);
  });

  it('control: an enabled run reads it, and sends only a known verb', async () => {
    const watched = watchedVerbs();
    const telemetry = client({}, { knownVerbs: watched.verbs });
    expect(await telemetry.track('greet')).toBe('sent');
    expect(watched.read()).toBe(true);
    expect(await telemetry.track('deploy')).toBe('invalid');
  });
});
