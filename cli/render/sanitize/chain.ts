import type { Stack } from '../../stack/resolve.js';
import { enabledProfiles, PROMPT_TEXT_ATTRIBUTES, TOOL_DETAIL_ATTRIBUTES, USER_ID_ATTRIBUTES, type Profile } from './profiles.js';
import { INERT_SHAPES } from './inert-values.js';
import { EMAIL_PATTERN, HOME_PATH_PATTERNS, HOME_PATH_REDACTION_PATTERNS, IPV4_PATTERN, IPV6_PATTERNS } from './pii-patterns.js';

export type Signal = 'logs' | 'metrics';

export interface SanitizeChain {
  /** Processor configs keyed by component id. */
  processors: Record<string, unknown>;
  /** Processor ids in order, per signal (memory_limiter not included). */
  order: Record<Signal, string[]>;
}

export interface SanitizeInputs {
  /**
   * RE2 patterns from configs/secrets/rules.yaml (privacy.maskSecrets). The inert value shapes
   * are shown safe against these (inert-values.ts); other patterns belong in privacy.blockedPatterns.
   */
  secretPatterns: readonly string[];
}

const quote = (s: string) => JSON.stringify(s);
const list = (keys: readonly string[]) => `[${keys.map(quote).join(', ')}]`;

/**
 * The sanitize chain, from stock processors only, in the order the data must meet them:
 *  1. filter/sources    — drop records from sources whose profile is not enabled (fail closed);
 *  2. transform/allow   — per-profile attribute allow-lists (record, resource and scope), content
 *                         policy; kept arrays and maps flattened to scalar keys; home-path masking
 *                         in string values (keeping the readable prefix);
 *  3. redaction/user    — keyed hash (hmac-sha256) of user identity, key from an env var;
 *  4. redaction/values  — secrets, emails, IP addresses, home paths and extra patterns masked in
 *                         resource and record attributes (arrays and maps already flattened to
 *                         their leaves) and in log bodies of any shape (map bodies recursively);
 *  5. transform/limit   — truncation (maxValueLength) and the attribute cap (maxAttributes).
 * The allow-list runs first so nothing is hashed or scanned that is about to be deleted. Hashing runs
 * before value masking so a hashed email is no longer an email to mask. Truncation runs after
 * masking: cut first, a secret straddling the limit loses the tail its pattern needs to match and
 * the rest of it (all but a few characters of a token) would be stored.
 */
export function renderSanitizeChain(stack: Stack, inputs: SanitizeInputs): SanitizeChain {
  const profiles = enabledProfiles(stack.profiles);
  const p = stack.privacy;
  const processors: Record<string, unknown> = {};
  const logs: string[] = [];
  const metrics: string[] = [];

  if (!stack.profiles.includes('generic')) {
    const any = (match: (x: Profile) => string) => profiles.map((x) => `(${match(x)})`).join(' or ');
    processors['filter/sources'] = {
      error_mode: 'ignore',
      logs: { log_record: [`not (${any((x) => x.logMatch)})`] },
      metrics: { datapoint: [`not (${any((x) => x.match)})`] },
    };
    logs.push('filter/sources');
    metrics.push('filter/sources');
  }

  processors['transform/allow'] = {
    error_mode: 'ignore',
    log_statements: [
      ...profiles.map((profile) => ({
        context: 'log',
        conditions: [profile.logMatch],
        statements: logAllowStatements(profile, stack),
      })),
      { context: 'log', statements: recordSharedStatements('log', stack) },
      { context: 'resource', statements: recordSharedStatements('resource', stack) },
    ],
    metric_statements: [
      ...profiles.map((profile) => ({
        context: 'datapoint',
        conditions: [profile.match],
        statements: datapointAllowStatements(profile, stack),
      })),
      { context: 'datapoint', statements: recordSharedStatements('datapoint', stack) },
      { context: 'resource', statements: recordSharedStatements('resource', stack) },
    ],
  };
  logs.push('transform/allow');
  metrics.push('transform/allow');

  // `.0`, `.sub`: a user id sent as an array or a map arrives flattened, and is hashed too.
  const userIdKeys = `^(${USER_ID_ATTRIBUTES.map(escapeRegex).join('|')})(\\..+)?$`;
  if (p.userId.mode === 'hmac') {
    processors['redaction/user'] = {
      allow_all_keys: true,
      blocked_key_patterns: [userIdKeys],
      hash_function: 'hmac-sha256',
      hmac_key: `\${env:${p.userId.keyEnv}}`,
      // A numeric user id would otherwise be read as "" and stored empty instead of hashed.
      redact_all_types: true,
      summary: 'silent',
    };
    logs.push('redaction/user');
    metrics.push('redaction/user');
  }

  const blocked = [
    ...(p.maskSecrets ? inputs.secretPatterns : []),
    ...(p.maskEmails ? [EMAIL_PATTERN] : []),
    ...(p.maskIpAddresses ? [IPV4_PATTERN, ...IPV6_PATTERNS] : []),
    ...(p.maskHomePaths ? HOME_PATH_REDACTION_PATTERNS : []),
    ...p.blockedPatterns,
  ];
  if (blocked.length > 0) {
    // Values the policy says to keep verbatim are exempt from masking.
    const ignored = [...(p.userId.mode === 'keep' ? USER_ID_ATTRIBUTES : []), ...(p.promptText === 'keep' ? PROMPT_TEXT_ATTRIBUTES : []), ...(p.toolDetails === 'keep' ? TOOL_DETAIL_ATTRIBUTES : [])];
    processors['redaction/values'] = {
      allow_all_keys: true,
      ...(ignored.length > 0 ? { ignored_keys: ignored } : {}),
      // Hashed ids are 64 hex characters that redaction/user just wrote: nothing to find in them,
      // and long hex is the slowest kind of value to scan.
      ...(p.userId.mode === 'hmac' ? { ignored_key_patterns: [userIdKeys] } : {}),
      // Values no built-in pattern can match inside skip the scan (inert-values.ts); a user's own
      // patterns are not analysed, so with any of them every value is scanned.
      ...(p.blockedPatterns.length === 0 ? { allowed_values: [...INERT_SHAPES] } : {}),
      blocked_values: blocked,
      // No redact_all_types here: arrays and maps arrive flattened to their leaves, and no pattern can
      // match the text of a number or a bool, so scanning those would only cost time (every value
      // meets every pattern; this processor is most of the chain's CPU).
      summary: 'silent',
    };
    logs.push('redaction/values');
    metrics.push('redaction/values');
  }

  processors['transform/limit'] = {
    error_mode: 'ignore',
    log_statements: [
      { context: 'log', statements: logLimitStatements(stack) },
      { context: 'resource', statements: [`truncate_all(resource.attributes, ${p.maxValueLength})`] },
    ],
    metric_statements: [
      { context: 'datapoint', statements: datapointLimitStatements(stack) },
      { context: 'resource', statements: [`truncate_all(resource.attributes, ${p.maxValueLength})`] },
    ],
  };
  logs.push('transform/limit');
  metrics.push('transform/limit');

  return { processors, order: { logs, metrics } };
}

/** A profile's record keys plus the content keys the privacy policy keeps (shared with processor.ts). */
export function keptRecordKeys(profile: Profile, stack: Stack, base: readonly string[]): string[] {
  const p = stack.privacy;
  const keys = base.filter((k) => !(p.userId.mode === 'drop' && (USER_ID_ATTRIBUTES as readonly string[]).includes(k)));
  if (profile.name === 'claude-code' || profile.name === 'generic') {
    if (p.promptText !== 'drop') keys.push(...PROMPT_TEXT_ATTRIBUTES);
    if (p.toolDetails !== 'drop') keys.push(...TOOL_DETAIL_ATTRIBUTES);
  }
  return keys;
}

function logAllowStatements(profile: Profile, stack: Stack): string[] {
  const keys = keptRecordKeys(profile, stack, profile.logAttributes);
  const patterns = profile.logAttributePatterns ?? [];
  // keep_matching_keys only when a profile needs key families; exact names are clearer as keep_keys.
  const keep = patterns.length === 0 ? `keep_keys(log.attributes, ${list(keys)})` : `keep_matching_keys(log.attributes, ${quote(`^(${[...keys.map(escapeRegex), ...patterns].join('|')})$`)})`;
  return [keep, `keep_keys(resource.attributes, ${list(profile.resourceAttributes)})`, `keep_keys(scope.attributes, [])`];
}

function datapointAllowStatements(profile: Profile, stack: Stack): string[] {
  return [
    `keep_keys(datapoint.attributes, ${list(keptRecordKeys(profile, stack, profile.datapointAttributes))})`,
    `keep_keys(resource.attributes, ${list(profile.resourceAttributes)})`,
    `keep_keys(scope.attributes, [])`,
  ];
}

/** OTTL statements masking the user name in home paths, one per kind of prefix, which is kept. */
function maskHomePaths(statement: (pattern: string) => string): string[] {
  return HOME_PATH_PATTERNS.map((pattern) => statement(`${quote(pattern)}, "$\${1}****"`));
}

/**
 * How deep nested attributes and bodies are flattened. Flattening builds each key from the whole
 * path, so an unbounded tree costs memory in the square of its depth (a 300 KB request nested
 * 20,000 levels took the Collector to 887 MiB). Whatever is nested deeper is deleted, never kept
 * unscanned: a key of FLATTEN_DEPTH or more segments can only be such a remainder (or a leaf with
 * an unusually dotted name, which is dropped as well).
 */
export const FLATTEN_DEPTH = 8;

function boundedFlatten(target: string, condition?: string): string[] {
  const where = condition ? ` where ${condition}` : '';
  return [
    `flatten(${target}, "", ${FLATTEN_DEPTH})${where}`,
    // Seven dots or more, anywhere: starting at a literal dot lets Go skip a dotless key at once.
    `delete_matching_keys(${target}, ${quote(`(?:\\.[^.]*){${FLATTEN_DEPTH - 1}}`)})${where}`,
  ];
}

/**
 * After the allow-list, for every source. Arrays and maps in kept attributes are flattened into
 * scalar keys (`k.0`, `k.sub`): the masks below and in the redaction processor then see each
 * element as the plain string it is. Unflattened, OTTL's replace functions skip them and the
 * redaction processor can only scan their JSON text, where quotes, backslashes and newlines are
 * escaped and patterns that need that context (a Windows path, `-p <password>` after a line
 * break) no longer match. Resource attributes get the same in a `resource` group of their own,
 * which runs once per resource rather than once for every record under it.
 */
function recordSharedStatements(context: 'log' | 'datapoint' | 'resource', stack: Stack): string[] {
  const attributes = `${context}.attributes`;
  const maskHome = stack.privacy.maskHomePaths;
  return [
    ...boundedFlatten(attributes),
    // A map body is flattened here too, before masking, so no scan ever walks an unbounded tree.
    ...(context === 'log' ? boundedFlatten('log.body', 'IsMap(log.body)') : []),
    ...(maskHome ? maskHomePaths((mask) => `replace_all_patterns(${attributes}, "value", ${mask})`) : []),
    ...(maskHome && context === 'log' ? maskHomePaths((mask) => `replace_pattern(log.body, ${mask}) where IsString(log.body)`) : []),
  ];
}

function logLimitStatements(stack: Stack): string[] {
  const p = stack.privacy;
  return [
    `truncate_all(log.attributes, ${p.maxValueLength})`,
    `set(log.body, Substring(log.body, 0, ${p.maxValueLength})) where IsString(log.body) and Len(log.body) > ${p.maxValueLength}`,
    // truncate_all reaches only the top level of a map; the body was flattened before masking.
    `truncate_all(log.body, ${p.maxValueLength}) where IsMap(log.body)`,
    `limit(log.attributes, ${p.maxAttributes}, [])`,
  ];
}

function datapointLimitStatements(stack: Stack): string[] {
  const p = stack.privacy;
  return [`truncate_all(datapoint.attributes, ${p.maxValueLength})`, `limit(datapoint.attributes, ${p.maxAttributes}, [])`];
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
