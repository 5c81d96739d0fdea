// Public surface of `@telemetry-stack/client`: what a CLI needs on every run (consent, the first-run
// notice, `track`) and its `telemetry enable|disable|status` commands. It is built into one file that
// imports nothing, no dependency and no Node built-in (builtins.ts says why); the encoder, the socket code
// and the fingerprint file load on the first send that consent allows (send.ts). The heartbeat for
// long-running products is `@telemetry-stack/client/heartbeat`, a file of its own, so a CLI does not
// load it on every run.

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
