// `telemetry-stack/client`, kept for hosts written against it before the client became its own package:
// the same modules as `@telemetry-stack/client` and its `./heartbeat`, so both names share one consent,
// one config file and one fingerprint. New hosts depend on @telemetry-stack/client alone, which installs
// without this package's storage engine.
export * from '@telemetry-stack/client';
export * from '@telemetry-stack/client/heartbeat';
