import type { ProfileName } from '../../stack/schema.js';

/**
 * What each source profile keeps. Everything not listed is deleted before storage: a new
 * attribute a client starts sending is dropped until someone decides it is safe and useful.
 *
 * `match` is an OTTL condition that recognises the source; `generic` matches what no other
 * enabled profile matches, so the order of profiles never changes what a record keeps.
 */
export interface Profile {
  name: ProfileName;
  /** OTTL condition (usable in log and datapoint contexts) selecting this source's records. */
  match: string;
  /** The condition in the log context, where a record can also be recognised by its event name. */
  logMatch: string;
  /**
   * The same selection for the sanitize processor, which tries sources in order (first match
   * wins): any one of these selects a record; an empty one selects everything, so `generic`
   * comes last.
   */
  select: readonly { resourceAttributes?: Record<string, string>; scopeName?: string; eventNames?: readonly string[] }[];
  /** Log-record attributes kept (content keys are added by the privacy policy). */
  logAttributes: readonly string[];
  /** Log-record attribute keys kept by RE2 pattern, for families of keys with a variable suffix. */
  logAttributePatterns?: readonly string[];
  /** Metric datapoint attributes kept. */
  datapointAttributes: readonly string[];
  /** Resource attributes kept; service.name always survives. */
  resourceAttributes: readonly string[];
}

/** Names the client library writes (packages/client): the scope marks a cli-usage record. */
export const CLI_USAGE_SCOPE = 'telemetry-stack/client';
/**
 * The documented record shape (packages/client/README.md) marks one too, whichever library wrote it: a
 * CLI in Go or Python sends the event name and attributes without copying our scope name.
 */
export const CLI_COMMAND_EVENT = 'cli.command';

/** Attributes that identify a person; pseudonymized (or dropped/kept) by privacy.userId. */
export const USER_ID_ATTRIBUTES = ['user.id', 'user.email', 'user.account_uuid'] as const;

/** Claude Code content attributes governed by privacy.promptText. */
export const PROMPT_TEXT_ATTRIBUTES = ['prompt', 'response', 'assistant_response', 'content'] as const;
/** Claude Code content attributes governed by privacy.toolDetails. */
export const TOOL_DETAIL_ATTRIBUTES = ['tool_parameters', 'tool_input', 'tool_output', 'tool_result_content'] as const;

const COMMON_RESOURCE = ['service.name', 'service.version', 'service.namespace', 'deployment.environment', 'deployment.environment.name'];

const claudeCode: Profile = {
  name: 'claude-code',
  match: 'resource.attributes["service.name"] == "claude-code"',
  logMatch: 'resource.attributes["service.name"] == "claude-code"',
  select: [{ resourceAttributes: { 'service.name': 'claude-code' } }],
  logAttributes: [
    'event.name',
    'event.timestamp',
    'event.sequence',
    'session.id',
    'prompt.id',
    ...USER_ID_ATTRIBUTES,
    'organization.id',
    'terminal.type',
    'app.version',
    // api_request / api_error: what the cost, token and error reports read
    'model',
    'input_tokens',
    'output_tokens',
    'cache_read_tokens',
    'cache_creation_tokens',
    'cost_usd',
    'cost_usd_micros',
    'duration_ms',
    'query_source',
    'speed',
    'effort',
    'request_id',
    'error',
    'status_code',
    'attempt',
    // tool_decision / tool_result / user_prompt
    'tool_name',
    'decision',
    'source',
    'success',
    'error_type',
    'prompt_length',
    'language',
  ],
  datapointAttributes: [
    'session.id',
    ...USER_ID_ATTRIBUTES,
    'organization.id',
    'terminal.type',
    'app.version',
    'model',
    'type',
    'query_source',
    'tool_name',
    'decision',
    'source',
    'language',
    'start_type',
  ],
  // team/department/cost_center arrive through OTEL_RESOURCE_ATTRIBUTES and group the cost report.
  resourceAttributes: [...COMMON_RESOURCE, 'os.type', 'os.version', 'host.arch', 'team', 'department', 'cost_center'],
};

const cliUsage: Profile = {
  name: 'cli-usage',
  match: `scope.name == "${CLI_USAGE_SCOPE}"`,
  logMatch: `scope.name == "${CLI_USAGE_SCOPE}" or log.event_name == "${CLI_COMMAND_EVENT}" or log.attributes["event.name"] == "${CLI_COMMAND_EVENT}"`,
  select: [{ scopeName: CLI_USAGE_SCOPE }, { eventNames: [CLI_COMMAND_EVENT] }],
  // cli.command events, and the heartbeat's cli.heartbeat / cli.usage records (aggregated counts).
  logAttributes: ['event.name', 'cli.verb', 'cli.exit_code', 'cli.fingerprint', 'usage.category', 'usage.name', 'usage.count', 'heartbeat.dropped'],
  // heartbeat.size.<name>: bucketed sizes such as user_count "11-50", named by the product.
  logAttributePatterns: ['heartbeat\\.size\\.[a-z0-9_.-]{1,64}'],
  datapointAttributes: ['cli.verb', 'cli.exit_code', 'cli.fingerprint', 'category', 'key', 'instance.id', 'size_bucket'],
  resourceAttributes: ['service.name', 'service.version', 'cli.fingerprint', 'service.instance.id'],
};

const generic: Profile = {
  name: 'generic',
  match: 'true',
  logMatch: 'true',
  select: [{}],
  logAttributes: [
    'event.name',
    'session.id',
    ...USER_ID_ATTRIBUTES,
    'error.type',
    'exception.type',
    'http.request.method',
    'http.response.status_code',
    'http.route',
    'rpc.method',
    'rpc.service',
    'code.function.name',
  ],
  datapointAttributes: ['session.id', ...USER_ID_ATTRIBUTES, 'error.type', 'http.request.method', 'http.response.status_code', 'http.route', 'rpc.method', 'rpc.service', 'outcome', 'type', 'name'],
  resourceAttributes: [...COMMON_RESOURCE, 'telemetry.sdk.name', 'telemetry.sdk.language', 'telemetry.sdk.version', 'os.type', 'host.arch'],
};

export const PROFILE_DEFINITIONS: Record<ProfileName, Profile> = {
  'claude-code': claudeCode,
  'cli-usage': cliUsage,
  generic,
};

/** The enabled profiles, each with a match that excludes the specific profiles before it. */
export function enabledProfiles(names: readonly ProfileName[]): Profile[] {
  const specific = names.filter((n) => n !== 'generic').map((n) => PROFILE_DEFINITIONS[n]);
  if (!names.includes('generic')) return specific;
  const others = specific.map((p) => `not (${p.match})`);
  const genericMatch = others.length === 0 ? 'true' : others.join(' and ');
  return [...specific, { ...generic, match: genericMatch }];
}
