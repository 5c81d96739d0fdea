import {
  ATTR_EVENT_NAME,
  ATTR_EXIT_CODE,
  ATTR_HEARTBEAT_DROPPED,
  ATTR_HEARTBEAT_SIZE_PREFIX,
  ATTR_USAGE_CATEGORY,
  ATTR_USAGE_COUNT,
  ATTR_USAGE_NAME,
  ATTR_VERB,
  EVENT_COMMAND,
  RESOURCE_FINGERPRINT,
  RESOURCE_INSTANCE_ID,
  RESOURCE_SERVICE_NAME,
  RESOURCE_SERVICE_VERSION,
  SCOPE_NAME,
} from '@telemetry-stack/client/names';
import type { ProfileName } from '../../stack/schema.js';
import {
  ATTR_CACHE_CREATION_TOKENS,
  ATTR_CACHE_READ_TOKENS,
  ATTR_COST_USD,
  ATTR_ERROR,
  ATTR_ERROR_TYPE,
  ATTR_INPUT_TOKENS,
  ATTR_MODEL,
  ATTR_OUTPUT_TOKENS,
  ATTR_SESSION_ID,
  ATTR_STATUS_CODE,
  ATTR_SUCCESS,
  ATTR_TOOL_NAME,
  ATTR_USER_ACCOUNT_UUID,
  ATTR_USER_EMAIL,
  ATTR_USER_ID,
  CLAUDE_CODE_SERVICE_NAME,
  RESOURCE_COST_CENTER,
  RESOURCE_DEPARTMENT,
  RESOURCE_TEAM,
} from '../../vocabulary/claude-code.js';

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

/** Attributes that identify a person; pseudonymized (or dropped/kept) by privacy.userId. */
export const USER_ID_ATTRIBUTES = [ATTR_USER_ID, ATTR_USER_EMAIL, ATTR_USER_ACCOUNT_UUID] as const;

/** Claude Code content attributes governed by privacy.promptText. */
export const PROMPT_TEXT_ATTRIBUTES = ['prompt', 'response', 'assistant_response', 'content'] as const;
/** Claude Code content attributes governed by privacy.toolDetails. */
export const TOOL_DETAIL_ATTRIBUTES = ['tool_parameters', 'tool_input', 'tool_output', 'tool_result_content'] as const;

const COMMON_RESOURCE = [RESOURCE_SERVICE_NAME, RESOURCE_SERVICE_VERSION, 'service.namespace', 'deployment.environment', 'deployment.environment.name'];

const claudeCode: Profile = {
  name: 'claude-code',
  match: `resource.attributes["${RESOURCE_SERVICE_NAME}"] == "${CLAUDE_CODE_SERVICE_NAME}"`,
  logMatch: `resource.attributes["${RESOURCE_SERVICE_NAME}"] == "${CLAUDE_CODE_SERVICE_NAME}"`,
  select: [{ resourceAttributes: { [RESOURCE_SERVICE_NAME]: CLAUDE_CODE_SERVICE_NAME } }],
  logAttributes: [
    ATTR_EVENT_NAME,
    'event.timestamp',
    'event.sequence',
    ATTR_SESSION_ID,
    'prompt.id',
    ...USER_ID_ATTRIBUTES,
    'organization.id',
    'terminal.type',
    'app.version',
    // api_request / api_error: what the cost, token and error reports read
    ATTR_MODEL,
    ATTR_INPUT_TOKENS,
    ATTR_OUTPUT_TOKENS,
    ATTR_CACHE_READ_TOKENS,
    ATTR_CACHE_CREATION_TOKENS,
    ATTR_COST_USD,
    'cost_usd_micros',
    'duration_ms',
    'query_source',
    'speed',
    'effort',
    'request_id',
    ATTR_ERROR,
    ATTR_STATUS_CODE,
    'attempt',
    // tool_decision / tool_result / user_prompt
    ATTR_TOOL_NAME,
    'decision',
    'source',
    ATTR_SUCCESS,
    ATTR_ERROR_TYPE,
    'prompt_length',
    'language',
  ],
  datapointAttributes: [
    ATTR_SESSION_ID,
    ...USER_ID_ATTRIBUTES,
    'organization.id',
    'terminal.type',
    'app.version',
    ATTR_MODEL,
    'type',
    'query_source',
    ATTR_TOOL_NAME,
    'decision',
    'source',
    'language',
    'start_type',
  ],
  // team/department/cost_center arrive through OTEL_RESOURCE_ATTRIBUTES and group the cost report.
  resourceAttributes: [...COMMON_RESOURCE, 'os.type', 'os.version', 'host.arch', RESOURCE_TEAM, RESOURCE_DEPARTMENT, RESOURCE_COST_CENTER],
};

const cliUsage: Profile = {
  name: 'cli-usage',
  // The client's scope marks its records; the documented record shape (packages/client/README.md)
  // marks one too, whichever library wrote it: a CLI in Go or Python sends the event name and
  // attributes without copying our scope name.
  match: `scope.name == "${SCOPE_NAME}"`,
  logMatch: `scope.name == "${SCOPE_NAME}" or log.event_name == "${EVENT_COMMAND}" or log.attributes["${ATTR_EVENT_NAME}"] == "${EVENT_COMMAND}"`,
  select: [{ scopeName: SCOPE_NAME }, { eventNames: [EVENT_COMMAND] }],
  // cli.command events, and the heartbeat's cli.heartbeat / cli.usage records (aggregated counts).
  // The fingerprint is a resource attribute of our client; other clients may send it on the record.
  logAttributes: [ATTR_EVENT_NAME, ATTR_VERB, ATTR_EXIT_CODE, RESOURCE_FINGERPRINT, ATTR_USAGE_CATEGORY, ATTR_USAGE_NAME, ATTR_USAGE_COUNT, ATTR_HEARTBEAT_DROPPED],
  // heartbeat.size.<name>: bucketed sizes such as user_count "11-50", named by the product.
  logAttributePatterns: [`${ATTR_HEARTBEAT_SIZE_PREFIX.replace(/\./g, '\\.')}[a-z0-9_.-]{1,64}`],
  datapointAttributes: [ATTR_VERB, ATTR_EXIT_CODE, RESOURCE_FINGERPRINT, 'category', 'key', 'instance.id', 'size_bucket'],
  resourceAttributes: [RESOURCE_SERVICE_NAME, RESOURCE_SERVICE_VERSION, RESOURCE_FINGERPRINT, RESOURCE_INSTANCE_ID],
};

const generic: Profile = {
  name: 'generic',
  match: 'true',
  logMatch: 'true',
  select: [{}],
  logAttributes: [
    ATTR_EVENT_NAME,
    ATTR_SESSION_ID,
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
  datapointAttributes: [ATTR_SESSION_ID, ...USER_ID_ATTRIBUTES, 'error.type', 'http.request.method', 'http.response.status_code', 'http.route', 'rpc.method', 'rpc.service', 'outcome', 'type', 'name'],
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
