import type { Stack } from '../../stack/resolve.js';
import {
  enabledProfiles,
  PROMPT_TEXT_ATTRIBUTES,
  TOOL_DETAIL_ATTRIBUTES,
  USER_ID_ATTRIBUTES,
  type Profile,
} from './profiles.js';
import { EMAIL_PATTERN, HOME_PATH_PATTERN, IPV4_PATTERN, IPV6_PATTERN } from './pii-patterns.js';

export type Signal = 'logs' | 'metrics';

export interface SanitizeChain {
  /** Processor configs keyed by component id. */
  processors: Record<string, unknown>;
  /** Processor ids in order, per signal (memory_limiter not included). */
  order: Record<Signal, string[]>;
}

export interface SanitizeInputs {
  /** RE2 patterns from configs/secrets/rules.yaml (privacy.maskSecrets). */
  secretPatterns: readonly string[];
}

const quote = (s: string) => JSON.stringify(s);
const list = (keys: readonly string[]) => `[${keys.map(quote).join(', ')}]`;

/**
 * The sanitize chain, from stock processors only, in the order the data must meet them:
 *  1. filter/sources   — drop records from sources whose profile is not enabled (fail closed);
 *  2. transform/allow  — per-profile attribute allow-lists, content policy, home-path masking,
 *                        truncation and the attribute cap;
 *  3. redaction/user   — keyed hash (hmac-sha256) of user identity, key from an env var;
 *  4. redaction/values — secrets, emails, IP addresses and extra patterns masked in attribute
 *                        values and log bodies.
 * Hashing runs before value masking so a hashed email is no longer an email to mask, and the
 * allow-list runs first so nothing is hashed or scanned that is about to be deleted.
 */
export function renderSanitizeChain(stack: Stack, inputs: SanitizeInputs): SanitizeChain {
  const profiles = enabledProfiles(stack.profiles);
  const p = stack.privacy;
  const processors: Record<string, unknown> = {};
  const logs: string[] = [];
  const metrics: string[] = [];

  if (!stack.profiles.includes('generic')) {
    const anyProfile = profiles.map((x) => `(${x.match})`).join(' or ');
    processors['filter/sources'] = {
      error_mode: 'ignore',
      logs: { log_record: [`not (${anyProfile})`] },
      metrics: { datapoint: [`not (${anyProfile})`] },
    };
    logs.push('filter/sources');
    metrics.push('filter/sources');
  }

  processors['transform/allow'] = {
    error_mode: 'ignore',
    log_statements: profiles.map((profile) => ({
      context: 'log',
      conditions: [profile.match],
      statements: logStatements(profile, stack),
    })),
    metric_statements: profiles.map((profile) => ({
      context: 'datapoint',
      conditions: [profile.match],
      statements: datapointStatements(profile, stack),
    })),
  };
  logs.push('transform/allow');
  metrics.push('transform/allow');

  if (p.userId.mode === 'hmac') {
    processors['redaction/user'] = {
      allow_all_keys: true,
      blocked_key_patterns: [`^(${USER_ID_ATTRIBUTES.map(escapeRegex).join('|')})$`],
      hash_function: 'hmac-sha256',
      hmac_key: `\${env:${p.userId.keyEnv}}`,
      summary: 'silent',
    };
    logs.push('redaction/user');
    metrics.push('redaction/user');
  }

  const blocked = [
    ...(p.maskSecrets ? inputs.secretPatterns : []),
    ...(p.maskEmails ? [EMAIL_PATTERN] : []),
    ...(p.maskIpAddresses ? [IPV4_PATTERN, IPV6_PATTERN] : []),
    ...p.blockedPatterns,
  ];
  if (blocked.length > 0) {
    // Values the policy says to keep verbatim are exempt from masking.
    const ignored = [
      ...(p.userId.mode === 'keep' ? USER_ID_ATTRIBUTES : []),
      ...(p.promptText === 'keep' ? PROMPT_TEXT_ATTRIBUTES : []),
      ...(p.toolDetails === 'keep' ? TOOL_DETAIL_ATTRIBUTES : []),
    ];
    processors['redaction/values'] = {
      allow_all_keys: true,
      ...(ignored.length > 0 ? { ignored_keys: ignored } : {}),
      blocked_values: blocked,
      summary: 'silent',
    };
    logs.push('redaction/values');
    metrics.push('redaction/values');
  }

  return { processors, order: { logs, metrics } };
}

function keptRecordKeys(profile: Profile, stack: Stack, base: readonly string[]): string[] {
  const p = stack.privacy;
  const keys = base.filter((k) => !(p.userId.mode === 'drop' && (USER_ID_ATTRIBUTES as readonly string[]).includes(k)));
  if (profile.name === 'claude-code' || profile.name === 'generic') {
    if (p.promptText !== 'drop') keys.push(...PROMPT_TEXT_ATTRIBUTES);
    if (p.toolDetails !== 'drop') keys.push(...TOOL_DETAIL_ATTRIBUTES);
  }
  return keys;
}

function logStatements(profile: Profile, stack: Stack): string[] {
  const p = stack.privacy;
  const statements = [
    `keep_keys(log.attributes, ${list(keptRecordKeys(profile, stack, profile.logAttributes))})`,
    `keep_keys(resource.attributes, ${list(profile.resourceAttributes)})`,
    `keep_keys(scope.attributes, [])`,
  ];
  if (p.maskHomePaths) {
    statements.push(
      `replace_all_patterns(log.attributes, "value", ${quote(HOME_PATH_PATTERN)}, "$\${1}****")`,
      `replace_pattern(log.body, ${quote(HOME_PATH_PATTERN)}, "$\${1}****") where IsString(log.body)`,
    );
  }
  statements.push(
    `truncate_all(log.attributes, ${p.maxValueLength})`,
    `truncate_all(resource.attributes, ${p.maxValueLength})`,
    `set(log.body, Substring(log.body, 0, ${p.maxValueLength})) where IsString(log.body) and Len(log.body) > ${p.maxValueLength}`,
    `limit(log.attributes, ${p.maxAttributes}, [])`,
  );
  return statements;
}

function datapointStatements(profile: Profile, stack: Stack): string[] {
  const p = stack.privacy;
  const statements = [
    `keep_keys(datapoint.attributes, ${list(keptRecordKeys(profile, stack, profile.datapointAttributes))})`,
    `keep_keys(resource.attributes, ${list(profile.resourceAttributes)})`,
  ];
  if (p.maskHomePaths) {
    statements.push(`replace_all_patterns(datapoint.attributes, "value", ${quote(HOME_PATH_PATTERN)}, "$\${1}****")`);
  }
  statements.push(
    `truncate_all(datapoint.attributes, ${p.maxValueLength})`,
    `truncate_all(resource.attributes, ${p.maxValueLength})`,
    `limit(datapoint.attributes, ${p.maxAttributes}, [])`,
  );
  return statements;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
