/**
 * Claude Code's wire vocabulary: the names it sends and the stack receives, keeps, stores in
 * columns and reports on. Claude Code defines them, not us, so they live here in the CLI rather
 * than in the client's names (`@telemetry-stack/client/names`), which holds only what our own
 * client sends; the client never sends these, and a CLI embedding it must not load them.
 * The sanitize allow-lists, the DDL's attribute columns and verify's canary all take them from here.
 */

/** Claude Code's resource service.name: what the claude-code profile recognises it by. */
export const CLAUDE_CODE_SERVICE_NAME = 'claude-code';
/** Instrumentation scope of Claude Code's events. */
export const CLAUDE_CODE_SCOPE_NAME = 'com.anthropic.claude_code.events';

/** Identity of the person (the generic profile recognises the same names). */
export const ATTR_USER_ID = 'user.id';
export const ATTR_USER_EMAIL = 'user.email';
export const ATTR_USER_ACCOUNT_UUID = 'user.account_uuid';
export const ATTR_SESSION_ID = 'session.id';

/** api_request: what the cost and token reports read. */
export const ATTR_MODEL = 'model';
export const ATTR_COST_USD = 'cost_usd';
export const ATTR_INPUT_TOKENS = 'input_tokens';
export const ATTR_OUTPUT_TOKENS = 'output_tokens';
export const ATTR_CACHE_READ_TOKENS = 'cache_read_tokens';
export const ATTR_CACHE_CREATION_TOKENS = 'cache_creation_tokens';

/** api_error: what the API error report reads. */
export const ATTR_STATUS_CODE = 'status_code';
export const ATTR_ERROR = 'error';

/** tool_result: what the failing-tools report reads. */
export const ATTR_TOOL_NAME = 'tool_name';
export const ATTR_SUCCESS = 'success';
export const ATTR_ERROR_TYPE = 'error_type';

/**
 * Resource attributes a team sets through OTEL_RESOURCE_ATTRIBUTES for Claude Code: they group
 * the cost report (`--user-attribute`).
 */
export const RESOURCE_TEAM = 'team';
export const RESOURCE_DEPARTMENT = 'department';
export const RESOURCE_COST_CENTER = 'cost_center';
