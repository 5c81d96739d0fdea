import { int, pick, randomText, type Rng } from './fuzz.js';

/**
 * Seeded stack files: a valid file with random but legal values, then damage of one of several
 * kinds (YAML syntax, wrong types, values at and past their limits, unknown keys, YAML features
 * such as aliases, tags and merge keys, env references, deep nesting, control characters).
 */

const PROFILES = ['claude-code', 'cli-usage', 'generic'];

export function validStackText(r: Rng, dataDir: string): string {
  const port = () => int(r, 1024, 65535);
  const lines = [
    `version: ${pick(r, ['1', '1.0', '"1.0"'])}`,
    `name: ${pick(r, ['telemetry', 'team-a', 'x', 'abc-123'])}`,
    `dataDir: ${JSON.stringify(dataDir)}`,
    `backend: ${pick(r, ['embedded', 'clickhouse', 'loki'])}`,
    `runtime: ${pick(r, ['auto', 'process'])}`,
    'receivers:',
    `  bind: ${pick(r, ['127.0.0.1', '::1', 'localhost', '127.0.0.2'])}`,
    `  grpc: {enabled: ${r() < 0.8}, port: ${port()}}`,
    `  http: {enabled: true, port: ${port()}}`,
    `profiles: [${PROFILES.filter(() => r() < 0.6).join(', ') || 'generic'}]`,
    'privacy:',
    `  maskSecrets: ${r() < 0.5}`,
    `  promptText: ${pick(r, ['drop', 'mask', 'keep'])}`,
    `  toolDetails: ${pick(r, ['drop', 'mask', 'keep'])}`,
    `  userId: {mode: ${pick(r, ['hmac', 'keep', 'drop'])}}`,
    `  blockedPatterns: [${pick(r, ['', '"secret-[0-9]+"', '"(?i)token=\\\\w+"', '"[a-z]{3}\\\\d"'])}]`,
    `  maxValueLength: ${int(r, 64, 100_000)}`,
    `  maxAttributes: ${int(r, 4, 1024)}`,
    `retention: ${pick(r, ['90d', '1d', '12h', '30m', '365d'])}`,
    'delivery:',
    `  persistentQueue: ${r() < 0.8}`,
    `  queueSize: ${int(r, 1, 100_000)}`,
    `  batchSize: ${int(r, 1, 50_000)}`,
    `  flushInterval: ${pick(r, ['200ms', '1s', '5s'])}`,
    `  retry: {initialInterval: 1s, maxInterval: 30s, maxElapsedTime: ${pick(r, ['0s', '5m'])}}`,
    `collector: {memoryLimitMiB: ${int(r, 32, 4096)}, healthPort: ${port()}, metricsPort: ${port()}}`,
    `clickhouse: {port: ${port()}, database: ${pick(r, ['telemetry', 'db_1'])}, username: default}`,
    `loki: {port: ${port()}}`,
  ];
  return lines.join('\n') + '\n';
}

const WEIRD_VALUES = [
  '-1',
  '0',
  '1e309',
  '.nan',
  '-.inf',
  '""',
  '~',
  'null',
  '[]',
  '{}',
  '[1, [2, [3]]]',
  'yes',
  'NO',
  '0x1F',
  '0o17',
  '123456789012345678901234567890',
  '"\\u0000"',
  '"\\uD800"',
  '"\\t\\n\\r"',
  '"${UNSET_FUZZ_VAR}"',
  '"${FUZZ_SET}"',
  '"${FUZZ_SET:-fallback}"',
  '"$${literal}"',
  '"${"',
  '"${1BAD}"',
  '"${FUZZ_MULTILINE}"',
  '!!binary aGVsbG8=',
  '!!js/function "function(){}"',
  '!custom tag',
  '!!set {a, b}',
  '!!omap [a: 1]',
  '2026-01-01',
  '12:30:00',
  "'single ''quoted'''",
  '"😀😀😀"',
  '"\\xff"',
  '|\n  literal\n  block',
  '>\n  folded',
  '&anchor value',
  '*undefined_alias',
  '65536',
  '99999999999999999d',
  '90',
  '1.5s',
  '"0.0.0.0"',
  '"::"',
  '"256.1.1.1"',
  '"[::1]"',
];

function longValue(r: Rng): string {
  return JSON.stringify(randomText(r, int(r, 1000, 60_000)));
}

function deepValue(r: Rng): string {
  const depth = int(r, 50, 3000);
  return r() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : '{a: '.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Replaces the value of one `key: value` line (block or flow) with something odd. */
function swapValue(r: Rng, text: string): string {
  const lines = text.split('\n');
  const candidates = lines.map((l, i) => (/:\s*\S/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return text;
  const i = pick(r, candidates);
  const line = lines[i]!;
  const value = r() < 0.1 ? longValue(r) : r() < 0.1 ? deepValue(r) : pick(r, WEIRD_VALUES);
  // Inside a flow mapping, replace one `k: v` pair's value; otherwise the whole value after the first colon.
  const flow = /\{([^}]*)\}/.exec(line);
  if (flow && r() < 0.6) {
    const pairs = flow[1]!.split(',');
    const k = int(r, 0, pairs.length - 1);
    pairs[k] = pairs[k]!.replace(/:.*/, `: ${value.replace(/\n/g, ' ')}`);
    lines[i] = line.replace(flow[0], `{${pairs.join(',')}}`);
  } else {
    lines[i] = line.replace(/:\s.*$/, `: ${value}`);
  }
  return lines.join('\n');
}

function syntaxDamage(r: Rng, text: string): string {
  let out = text;
  for (let n = int(r, 1, 5); n > 0; n--) {
    const at = int(r, 0, Math.max(0, out.length - 1));
    const op = int(r, 0, 4);
    if (op === 0) out = out.slice(0, at) + out.slice(at + int(r, 1, 10));
    else if (op === 1)
      out = out.slice(0, at) + pick(r, [':', '-', '{', '}', '[', ']', '\t', '  ', '\n', '#', '&', '*', '!', '%', '@', '`', '|', '>', '"', "'", '? ', '---\n', '...\n']) + out.slice(at);
    else if (op === 2) out = out.slice(0, at);
    else if (op === 3) out = out.slice(0, at) + randomText(r, int(r, 1, 20)) + out.slice(at);
    else out = out.replace(/\n {2}/, '\n   ');
  }
  return out;
}

function unknownKeys(r: Rng, text: string): string {
  const key = pick(r, ['verison', 'backnd', 'reciever', 'profile', 'privcy', 'deliveri', 'colector', 'clickhous', 'extra', '"${KEY}"', '123', '"a.b"', '? [complex, key]', '<<']);
  const lines = text.split('\n');
  const at = int(r, 0, lines.length - 1);
  const indent = r() < 0.5 ? '' : '  ';
  lines.splice(at, 0, `${indent}${key}: ${pick(r, ['1', 'x', '{}', '[]'])}`);
  return lines.join('\n');
}

function yamlFeatures(r: Rng, text: string): string {
  switch (int(r, 0, 8)) {
    case 0: {
      // Exponential alias expansion ("billion laughs").
      const levels = Array.from({ length: 9 }, (_, i) =>
        i === 0
          ? `l0: &l0 [x, x, x, x, x, x, x, x, x, x]`
          : `l${i}: &l${i} [${Array(10)
              .fill(`*l${i - 1}`)
              .join(', ')}]`,
      );
      return `${levels.join('\n')}\n${text}`;
    }
    case 1:
      return `${text}\n---\n${text}`;
    case 2:
      return `\uFEFF${text}`;
    case 3:
      return text.replace(/\n/g, '\r\n');
    case 4:
      return text.replace(/\n {2}/g, '\n\t');
    case 5:
      return `base: &base {port: 4318}\n${text.replace(/http: \{[^}]*\}/, 'http: {<<: *base, enabled: true}')}`;
    case 6:
      return text + `\nname: duplicate\n`;
    case 7:
      return `%YAML 1.1\n%TAG ! tag:fuzz:\n---\n${text}`;
    default:
      return text.replace(/: /, ':\u0000 ');
  }
}

export interface StackFuzzCase {
  kind: string;
  text: string;
}

export function* stackFileCases(r: Rng, count: number, dataDir: string): Generator<StackFuzzCase> {
  for (let i = 0; i < count; i++) {
    const base = validStackText(r, dataDir);
    const kind = pick(r, ['valid', 'swap', 'swap', 'swap', 'syntax', 'syntax', 'unknown-key', 'yaml-feature', 'combined', 'garbage']);
    switch (kind) {
      case 'valid':
        yield { kind, text: base };
        break;
      case 'swap':
        yield { kind, text: swapValue(r, base) };
        break;
      case 'syntax':
        yield { kind, text: syntaxDamage(r, base) };
        break;
      case 'unknown-key':
        yield { kind, text: unknownKeys(r, base) };
        break;
      case 'yaml-feature':
        yield { kind, text: yamlFeatures(r, base) };
        break;
      case 'combined':
        yield { kind, text: syntaxDamage(r, unknownKeys(r, swapValue(r, swapValue(r, base)))) };
        break;
      default:
        yield { kind, text: randomText(r, int(r, 0, 500)) };
    }
  }
}
