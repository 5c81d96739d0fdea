// Public surface of `telemetry-stack/client`. Only this library's own small modules load with it: no
// dependency, and no Node built-in but node:module (see builtins.ts). The OTLP encoder and the socket code
// load on the first send.

export * from './names.js';
export type { SendResult } from './result.js';
export type { TelemetryLogger } from './logger.js';
export type { ConsentOptions, SenderOptions } from './options.js';
export type { CiPolicy, ConsentMode, ConsentSource } from './consent.js';
export type { OtlpProtocol } from './encode.js';
export type { TelemetryStatus } from './status.js';
export type { EndpointSource } from './settings.js';
export { DEFAULT_TIMEOUT_MS } from './settings.js';

export {
  createUsageTelemetry,
  type TrackOptions,
  type UsageTelemetry,
  type UsageTelemetryOptions,
} from './usage-telemetry.js';
export { emitOnce, type EmitOnceOptions } from './emit-once.js';
export {
  createHeartbeat,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  type Heartbeat,
  type HeartbeatOptions,
  type HeartbeatPending,
} from './heartbeat.js';
export { bucket, BUCKETS, type Bucket } from './bucket.js';
export { firstRunNotice, noticeText, type NoticeOptions } from './notice.js';
export {
  disableTelemetry,
  enableTelemetry,
  telemetryStatus,
  type ConfigLocation,
  type ControlResult,
} from './controls.js';
export { sanitizeVerb, MAX_VERB_LENGTH, MAX_VERB_SEGMENTS } from './verb.js';
export { detectCi } from './ci.js';
export { envPrefix } from './service-name.js';
