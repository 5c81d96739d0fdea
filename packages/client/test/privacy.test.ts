import { describe, expect, it } from 'vitest';
import {
  ATTR_VERB,
  createUsageTelemetry,
  RESOURCE_SERVICE_VERSION,
  sanitizeVerb,
  type OtlpProtocol,
} from '../src/index.js';
import { homeAndSinkPerTest, type isolatedHome } from './helpers/env.js';
import { decodeLogs, flattenRecords } from './helpers/otlp-decode.js';
import type { Sink } from './helpers/servers.js';

// What a careless host might pass as the "verb": the whole command line, secrets and all. Each of these
// is refused by its shape alone. A bare lowercase word ("hunter2") has the shape of a verb and is cut
// only because it follows one that is refused, or by knownVerbs (tested below).
const JUNK = [
  '--token=s3cr3t-T0KEN',
  '-p',
  '/home/alice/.ssh/id_ed25519',
  '~/work/secret-project',
  'C:\\Users\\alice\\notes.txt',
  'alice@example.com',
  '10.20.30.40',
  'https://intranet.corp.example/path?q=1',
  'ALICE',
  '"quoted value"',
  '4815162342',
];
// Distinctive enough that they cannot turn up by chance in a fingerprint or a timestamp.
const SECRETS = [
  's3cr3t',
  'hunter2',
  'alice',
  'id_ed25519',
  'secret-project',
  'notes.txt',
  'example.com',
  '10.20.30.40',
  'intranet',
  'quoted value',
  '4815162342',
];

let home: ReturnType<typeof isolatedHome>;
let sink: Sink;
homeAndSinkPerTest((h, s) => {
  home = h;
  sink = s;
});

function sentVerbs(): unknown[] {
  return sink.requests.flatMap((r) => flattenRecords(decodeLogs(r.contentType, r.body)).map((x) => x.record.attributes[ATTR_VERB]));
}

describe.each<OtlpProtocol>(['http/protobuf', 'http/json'])('argument values never leave the process (%s)', (protocol) => {
  it('a verb followed by argument junk is cut to the verb path, in the decoded payload and the raw bytes', async () => {
    const telemetry = createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: sink.url, protocol, env: home.env });
    expect(await telemetry.track(`deploy -p hunter2 ${JUNK.join(' ')}`, { exit: 1 })).toBe('sent');
    // The array form, as from process.argv.slice(2), is held to the same rule.
    expect(await telemetry.track(['db', 'migrate', '-p', 'hunter2', ...JUNK])).toBe('sent');
    // Every junk token placed right after the verb is cut on its own.
    for (const token of JUNK) expect(await telemetry.track(['sync', token, 'later'])).toBe('sent');

    expect(sentVerbs()).toEqual(['deploy', 'db migrate', ...JUNK.map(() => 'sync')]);
    const raw = Buffer.concat(sink.requests.map((r) => r.body)).toString('latin1').toLowerCase();
    for (const secret of SECRETS) expect(raw).not.toContain(secret.toLowerCase());
  });

  it('with knownVerbs, a lowercase value that looks like a verb is cut too', async () => {
    const telemetry = createUsageTelemetry({
      service: 'tiny-cli',
      version: '1',
      endpoint: sink.url,
      protocol,
      env: home.env,
      knownVerbs: ['deploy', 'db migrate'],
    });
    expect(await telemetry.track('deploy prod-database')).toBe('sent');
    expect(await telemetry.track('db migrate down')).toBe('sent');
    expect(await telemetry.track('unknown-verb')).toBe('invalid');
    expect(sentVerbs()).toEqual(['deploy', 'db migrate']);
    const raw = Buffer.concat(sink.requests.map((r) => r.body)).toString('latin1');
    expect(raw).not.toContain('prod-database');
    expect(raw).not.toContain('down');
  });

  it('a verb with nothing safe in it sends nothing', async () => {
    const telemetry = createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: sink.url, protocol, env: home.env });
    for (const verb of ['', '   ', '--help', '/usr/bin/x', 'Deploy', '9lives', 'a\u0000b']) {
      expect(await telemetry.track(verb)).toBe('invalid');
    }
    expect(sink.connections()).toBe(0);
  });
});

describe('sanitizeVerb', () => {
  it.each([
    ['deploy', 'deploy'],
    ['  db   migrate  ', 'db migrate'],
    ['users.list', 'users.list'],
    ['db:migrate up', 'db:migrate up'],
    ['run build_all', 'run build_all'],
    ['a b c d e f', 'a b c d'],
    ['deploy\u00a0--force', 'deploy'],
    ['deploy\t/etc/passwd', 'deploy'],
    ['deploy x=1', 'deploy'],
    ['get ..', 'get'],
    ['get a..b', 'get'],
    ['get .hidden', 'get'],
    ['get trailing.', 'get'],
    ['get ñame', 'get'],
    [`${'a'.repeat(33)}`, undefined],
    [`${'a'.repeat(32)} ${'b'.repeat(32)}`, 'a'.repeat(32)],
    ['--version', undefined],
  ])('%j -> %j', (input, expected) => {
    expect(sanitizeVerb(input)).toBe(expected);
  });

  it('keeps the total within 64 characters and 4 segments', () => {
    for (let i = 0; i < 200; i += 1) {
      const input = Array.from({ length: 1 + (i % 9) }, (_, j) => 'x'.repeat(1 + ((i * 7 + j * 13) % 40))).join(' ');
      const out = sanitizeVerb(input);
      if (out === undefined) continue;
      expect(out.length).toBeLessThanOrEqual(64);
      expect(out.split(' ').length).toBeLessThanOrEqual(4);
      expect(input.startsWith(out)).toBe(true);
    }
  });
});

describe('the version string', () => {
  it('is sent when it has the shape of a version, replaced when it does not', async () => {
    const versions = ['1.2.3', '2.0.0-rc.1+build.5', '/home/alice/src/tool', 'dev build on alice-laptop', 'x'.repeat(65)];
    for (const version of versions) {
      expect(await createUsageTelemetry({ service: 'tiny-cli', version, endpoint: sink.url, env: home.env }).track('greet')).toBe('sent');
    }
    const sent = sink.requests.map((r) => flattenRecords(decodeLogs(r.contentType, r.body))[0]!.resource[RESOURCE_SERVICE_VERSION]);
    expect(sent).toEqual(['1.2.3', '2.0.0-rc.1+build.5', 'unknown', 'unknown', 'unknown']);
  });
});
