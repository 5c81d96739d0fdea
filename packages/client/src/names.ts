// The wire vocabulary of the client library. The Collector's sanitize chain, the storage views and the
// query templates match on these exact strings, so they live in one file with no imports: any part of the
// product can import it without loading the client itself.

/** Instrumentation scope of every record the client sends; the sanitize chain keys cli-usage on it. */
export const SCOPE_NAME = 'telemetry-stack/client';

/** One log record per dispatched command. */
export const EVENT_COMMAND = 'cli.command';
/** One log record per heartbeat flush (liveness, drops, bucketed sizes). */
export const EVENT_HEARTBEAT = 'cli.heartbeat';
/** One log record per counter key in a heartbeat flush. */
export const EVENT_USAGE = 'cli.usage';

/** Log record attribute mirroring the record's EventName, for backends that drop the EventName field. */
export const ATTR_EVENT_NAME = 'event.name';
export const ATTR_VERB = 'cli.verb';
export const ATTR_EXIT_CODE = 'cli.exit_code';

export const RESOURCE_SERVICE_NAME = 'service.name';
export const RESOURCE_SERVICE_VERSION = 'service.version';
export const RESOURCE_FINGERPRINT = 'cli.fingerprint';
export const RESOURCE_INSTANCE_ID = 'service.instance.id';

/** Heartbeat counter record attributes. */
export const ATTR_USAGE_CATEGORY = 'usage.category';
export const ATTR_USAGE_NAME = 'usage.name';
export const ATTR_USAGE_COUNT = 'usage.count';
/** Increments refused since the last successful heartbeat because a cap was reached or a name was invalid. */
export const ATTR_HEARTBEAT_DROPPED = 'heartbeat.dropped';
/** Prefix of bucketed size attributes, e.g. `heartbeat.size.users` = "11-50". */
export const ATTR_HEARTBEAT_SIZE_PREFIX = 'heartbeat.size.';

export const USAGE_CATEGORIES = ['api', 'command', 'ui'] as const;
export type UsageCategory = (typeof USAGE_CATEGORIES)[number];

/** OTLP/HTTP path for logs, appended to a base endpoint as the OTLP exporter specification does. */
export const OTLP_LOGS_PATH = '/v1/logs';
