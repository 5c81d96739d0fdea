// Public surface of `@telemetry-stack/client/heartbeat`: usage counted in memory and sent on an interval,
// for long-running products. Built into a file of its own, apart from the per-run CLI entry (index.ts).

export {
  createHeartbeat,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  type Heartbeat,
  type HeartbeatOptions,
  type HeartbeatPending,
} from './heartbeat.js';
export { bucket, BUCKETS, type Bucket } from './bucket.js';
