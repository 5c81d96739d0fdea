import type { ProfileName } from '../../cli/stack/schema.js';
import { expectedUserIdHash, type Planted } from './corpus-planted.js';
import type { StoredLog, StoredOutput, StoredPoint, Value } from './corpus-pipeline.js';
import type { Attributes, AttributeValue, ResourceLogsSpec, ResourceMetricsSpec } from './otlp-encode.js';

/**
 * Telemetry that carries planted values the way each source would: in attributes the profile keeps
 * (so masking, not the allow-list, is what removes a secret), in attributes it drops, in kept resource
 * attributes and in the log body. Records are numbered within a run so each stored record can be
 * traced to the one sent.
 */
export interface ProfileShape {
  profile: ProfileName;
  resource: Attributes;
  scope: { name: string; version: string };
  /** Free-text record attribute the profile keeps. */
  keptLogAttribute: string;
  /** Free-text data point attribute the profile keeps. */
  keptPointAttribute: string;
  /** Kept attributes that get the planted value inside an array (SDKs send array attributes). */
  keptLogArrayAttribute: string;
  keptPointArrayAttribute: string;
  /** Resource attribute the profile keeps. */
  keptResourceAttribute: string;
  /** Numeric attributes the profile keeps; they must arrive unchanged. */
  numbers: Attributes;
  /** Whether the profile keeps user.id (then it must arrive as the keyed hash). */
  keepsUserId: boolean;
  /** Send some user ids as a number or inside an array, as some SDKs do. */
  oddUserIds: boolean;
}

/** Attributes no profile keeps: whatever they hold must be gone. */
export const DROPPED_ATTRIBUTE = 'debug.payload';
export const DROPPED_RESOURCE_ATTRIBUTE = 'host.name';
export const DROPPED_SCOPE_ATTRIBUTE = 'scope.note';

export const PROFILE_SHAPES: Record<ProfileName, ProfileShape> = {
  'claude-code': {
    profile: 'claude-code',
    resource: { 'service.name': 'claude-code', 'os.type': 'linux', 'host.arch': 'amd64' },
    scope: { name: 'com.anthropic.claude_code.events', version: '2.1.330' },
    keptLogAttribute: 'error',
    keptPointAttribute: 'tool_name',
    keptLogArrayAttribute: 'error_type',
    keptPointArrayAttribute: 'source',
    keptResourceAttribute: 'team',
    numbers: { input_tokens: 1234, cost_usd: 0.012345 },
    keepsUserId: true,
    oddUserIds: false,
  },
  'cli-usage': {
    profile: 'cli-usage',
    resource: { 'service.name': 'acme-cli' },
    scope: { name: 'telemetry-stack/client', version: '0.1.0' },
    keptLogAttribute: 'cli.verb',
    keptPointAttribute: 'cli.verb',
    keptLogArrayAttribute: 'cli.fingerprint',
    keptPointArrayAttribute: 'category',
    keptResourceAttribute: 'service.instance.id',
    numbers: { 'cli.exit_code': 3 },
    keepsUserId: false,
    oddUserIds: false,
  },
  generic: {
    profile: 'generic',
    resource: { 'service.name': 'orders-api', 'telemetry.sdk.language': 'nodejs' },
    scope: { name: 'orders-api/http', version: '1.4.0' },
    keptLogAttribute: 'http.route',
    keptPointAttribute: 'http.route',
    keptLogArrayAttribute: 'error.type',
    keptPointArrayAttribute: 'name',
    keptResourceAttribute: 'service.namespace',
    numbers: { 'http.response.status_code': 503 },
    keepsUserId: true,
    oddUserIds: true,
  },
};

export interface PlantedBatch {
  logs: ResourceLogsSpec[];
  metrics: ResourceMetricsSpec[];
  /** Raw user ids sent, by record number. */
  rawUserIds: (string | number)[];
}

const RUN_ATTRIBUTE = 'service.version';
const recordName = (run: string, i: number) => `corpus.${run}.${i}`;

/**
 * Odd records get a string body, even ones a map body (structured logging bridges send those).
 * The id ends in the rule's id (…-generic-password), so it is set off by brackets, not a colon:
 * `…-generic-password: "password": "x"` would read as an assignment whose value is "password.
 */
export function plantedBody(p: Planted, i: number): AttributeValue {
  const line = `planted [${p.id}] ${p.text} (end)`;
  return i % 2 === 1 ? line : { message: line, detail: { value: p.text, list: [p.text] } };
}

/**
 * A map body as the chain stores it: nested maps and arrays flattened to dotted keys (OTTL flatten),
 * so that truncation reaches every value. The values themselves are unchanged.
 */
export function flattened(v: AttributeValue, prefix = '', out: Record<string, AttributeValue> = {}): AttributeValue {
  if (typeof v !== 'object' || v === null) return v;
  const entries: [string, AttributeValue][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
  for (const [k, x] of entries) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof x === 'object' && x !== null) flattened(x, key, out);
    else out[key] = x;
  }
  return out;
}

/** One log record and one data point per planted value, all tagged with `run` (e.g. the protocol). */
export function plantedBatch(shape: ProfileShape, planted: readonly Planted[], run: string): PlantedBatch {
  const logs: ResourceLogsSpec[] = [];
  const metrics: ResourceMetricsSpec[] = [];
  const rawUserIds: (string | number)[] = [];
  const runNumber = [...run].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1000, 7);
  planted.forEach((p, i) => {
    // A numeric user id, or one inside an array, must be hashed like a string one, never stored raw or empty.
    const rawUserId = shape.oddUserIds && i % 3 === 0 ? 100_000_000 + runNumber * 10_000 + i : `raw-user-${shape.profile}-${run}-${i}`;
    const userIdValue: AttributeValue = shape.oddUserIds && i % 3 === 1 ? [rawUserId] : rawUserId;
    rawUserIds.push(rawUserId);
    const resource: Attributes = {
      ...shape.resource,
      [RUN_ATTRIBUTE]: run,
      [shape.keptResourceAttribute]: p.text,
      [DROPPED_RESOURCE_ATTRIBUTE]: p.text,
    };
    const scope = { ...shape.scope, attributes: { [DROPPED_SCOPE_ATTRIBUTE]: p.text } };
    logs.push({
      resource,
      scope,
      records: [
        {
          body: plantedBody(p, i),
          attributes: {
            'event.name': recordName(run, i),
            [shape.keptLogAttribute]: p.text,
            [shape.keptLogArrayAttribute]: ['first', p.text],
            [DROPPED_ATTRIBUTE]: p.text,
            'user.id': userIdValue,
            ...shape.numbers,
          },
        },
      ],
    });
    metrics.push({
      resource,
      scope,
      metrics: [
        {
          name: recordName(run, i),
          kind: 'sum',
          valueType: 'double',
          points: [
            {
              value: i + 0.5,
              attributes: {
                [shape.keptPointAttribute]: p.text,
                [shape.keptPointArrayAttribute]: ['first', p.text],
                [DROPPED_ATTRIBUTE]: p.text,
                'user.id': userIdValue,
              },
            },
          ],
        },
      ],
    });
  });
  return { logs, metrics, rawUserIds };
}

export interface Finding {
  record: string;
  what: string;
}

export interface RunVerdict {
  sent: number;
  received: number;
  leaks: Finding[];
  damaged: Finding[];
}

const jsonEscape = (s: string) => JSON.stringify(s).slice(1, -1);

/**
 * Where a record carries the planted text: kept attributes, resource, body, and the second element
 * of a kept array. The chain stores arrays flattened (`k.0`, `k.1`); an array kept whole, or turned
 * into its JSON text by masking, is read through that form instead.
 */
function placesOf(shape: ProfileShape, kind: 'log' | 'point', r: StoredLog | StoredPoint): [string, Value | undefined][] {
  const kept = kind === 'log' ? shape.keptLogAttribute : shape.keptPointAttribute;
  const keptArray = kind === 'log' ? shape.keptLogArrayAttribute : shape.keptPointArrayAttribute;
  let element: Value | undefined = r.attributes[`${keptArray}.1`];
  let first: Value | undefined = r.attributes[`${keptArray}.0`];
  let whole = r.attributes[keptArray];
  if (typeof whole === 'string') {
    try {
      whole = JSON.parse(whole) as Value;
    } catch {
      // not JSON: reported as damage below
    }
  }
  if (Array.isArray(whole)) [first, element] = [whole[0], whole[1]];
  return [
    [kept, r.attributes[kept]],
    [`${keptArray}[0]`, first === 'first' ? 'first' : JSON.stringify(first ?? null)],
    [`${keptArray}[1]`, element],
    [`resource ${shape.keptResourceAttribute}`, r.resource[shape.keptResourceAttribute]],
    ...('body' in r ? [['body', r.body] as [string, Value]] : []),
  ];
}

/**
 * Why a stored value counts as damage, or undefined. An innocent item must arrive exactly as sent;
 * in any item the innocent parts around a masked secret must survive.
 */
function innocentDamage(p: Planted, sent: AttributeValue, stored: Value | undefined): string | undefined {
  if (stored === undefined || stored === null) return 'missing';
  if (p.kind === 'innocent') {
    return JSON.stringify(stored) === JSON.stringify(sent) ? undefined : `is ${JSON.stringify(stored)}, sent ${JSON.stringify(sent)}`;
  }
  const texts = strings(stored);
  const lost = p.innocents.filter((inn) => !texts.some((t) => t.includes(inn)));
  return lost.length === 0 ? undefined : `lost ${lost.map((x) => JSON.stringify(x)).join(', ')} (stored ${JSON.stringify(stored)})`;
}

/** Every string in a value, depth first (keys included: a key can carry data too). */
function strings(v: Value | Record<string, Value>, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      strings(x, out);
    }
  }
  return out;
}

const everything = (r: StoredLog | StoredPoint): string[] => [
  ...strings(r.resource),
  r.scope.name,
  r.scope.version,
  ...strings(r.scope.attributes),
  ...strings(r.attributes),
  ...('body' in r ? strings(r.body) : [r.metric]),
];

/**
 * Judges one run's stored output against what was planted. A leak is a forbidden substring, a raw
 * user id or a dropped attribute found anywhere; damage is an innocent value (or a number, or the
 * service name) that did not arrive exactly as sent.
 */
export function judgeRun(shape: ProfileShape, planted: readonly Planted[], batch: PlantedBatch, run: string, output: StoredOutput, hmacKey: string): RunVerdict {
  const logs = new Map<string, StoredLog[]>();
  for (const l of output.logs) {
    if (l.resource[RUN_ATTRIBUTE] !== run) continue;
    const name = String(l.attributes['event.name']);
    logs.set(name, [...(logs.get(name) ?? []), l]);
  }
  const points = new Map<string, StoredPoint[]>();
  for (const p of output.points) {
    if (p.resource[RUN_ATTRIBUTE] !== run) continue;
    points.set(p.metric, [...(points.get(p.metric) ?? []), p]);
  }
  const verdict: RunVerdict = { sent: planted.length * 2, received: 0, leaks: [], damaged: [] };
  const leak = (record: string, what: string) => verdict.leaks.push({ record, what });
  const damage = (record: string, what: string) => verdict.damaged.push({ record, what });

  planted.forEach((p, i) => {
    const name = recordName(run, i);
    const rawUserId = batch.rawUserIds[i]!;
    const storedLogs = logs.get(name) ?? [];
    const storedPoints = points.get(name) ?? [];
    verdict.received += storedLogs.length + storedPoints.length;
    if (storedLogs.length !== 1) damage(name, `log record stored ${storedLogs.length} times`);
    if (storedPoints.length !== 1) damage(name, `data point stored ${storedPoints.length} times`);

    for (const [kind, r] of [...storedLogs.map((l) => ['log', l] as const), ...storedPoints.map((d) => ['point', d] as const)]) {
      const where = `${name} (${kind}, ${p.id})`;
      const texts = everything(r);
      for (const f of [...p.forbidden, ...p.forbiddenInRecord]) {
        if (texts.some((t) => t.includes(f) || t.includes(jsonEscape(f)))) leak(where, `${p.kind} "${f}"`);
      }
      if (texts.some((t) => t.includes(String(rawUserId)))) leak(where, `raw user id "${rawUserId}"`);
      if (DROPPED_ATTRIBUTE in r.attributes) leak(where, `dropped attribute ${DROPPED_ATTRIBUTE} stored`);
      if (DROPPED_RESOURCE_ATTRIBUTE in r.resource) leak(where, `dropped resource attribute ${DROPPED_RESOURCE_ATTRIBUTE} stored`);
      if (DROPPED_SCOPE_ATTRIBUTE in r.scope.attributes) leak(where, `dropped scope attribute ${DROPPED_SCOPE_ATTRIBUTE} stored`);
      if (r.resource['service.name'] !== shape.resource['service.name']) damage(where, `service.name is ${JSON.stringify(r.resource['service.name'])}`);

      if (shape.keepsUserId) {
        const want = expectedUserIdHash(hmacKey, String(rawUserId));
        // An array user id is stored flattened, its element under `user.id.0`.
        const key = shape.oddUserIds && i % 3 === 1 ? 'user.id.0' : 'user.id';
        if (r.attributes[key] !== want) damage(where, `${key} is ${JSON.stringify(r.attributes[key])}, want HMAC ${want}`);
      } else if (Object.keys(r.attributes).some((k) => k === 'user.id' || k.startsWith('user.id.'))) {
        leak(where, 'user.id stored by a profile that drops it');
      }
      if (kind === 'log') {
        for (const [k, v] of Object.entries(shape.numbers)) if (r.attributes[k] !== v) damage(where, `${k} is ${JSON.stringify(r.attributes[k])}, sent ${JSON.stringify(v)}`);
      }

      for (const [place, value] of placesOf(shape, kind, r)) {
        if (place.endsWith('[0]')) {
          if (value !== 'first') damage(where, `${place} is ${String(value)}, sent "first"`);
          continue;
        }
        const why = innocentDamage(p, place === 'body' ? flattened(plantedBody(p, i)) : p.text, value);
        if (why) damage(where, `${place}: ${why}`);
      }
    }
  });

  return verdict;
}

/** Forbidden values found anywhere in the exporter's file, in plain or JSON-escaped form. */
export function fileLeaks(planted: readonly Planted[], text: string): Finding[] {
  const found: Finding[] = [];
  for (const p of planted) {
    for (const f of p.forbidden) {
      if (text.includes(f) || text.includes(JSON.stringify(f).slice(1, -1))) found.push({ record: '(file)', what: `${p.kind} "${f}"` });
    }
  }
  return found;
}
