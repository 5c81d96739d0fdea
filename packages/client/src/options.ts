import type { CiPolicy, ConsentMode } from './consent.js';
import type { OtlpProtocol } from './encode.js';
import type { TelemetryLogger } from './logger.js';

/** What decides whether anything is sent, and where the per-user state lives. */
export interface ConsentOptions {
  /** Product name: directory under the config dir and env prefix (`tiny-cli` -> `TINY_CLI_TELEMETRY`). */
  service: string;
  /** Host override from an explicit user action (a flag); beats env, config file and default. */
  enabled?: boolean;
  /** Default `opt-out`. */
  mode?: ConsentMode;
  /** Default `skip`. */
  ci?: CiPolicy;
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Default `$XDG_CONFIG_HOME/<service>` or `~/.config/<service>`. */
  configDir?: string;
}

/** Everything a sender (command events or heartbeats) needs on top of consent. */
export interface SenderOptions extends ConsentOptions {
  version: string;
  /** Base OTLP/HTTP endpoint or full `/v1/logs` URL. Else `<PREFIX>_TELEMETRY_ENDPOINT`, else the config file. */
  endpoint?: string;
  /** Whole-send deadline. Default 800 ms. */
  timeoutMs?: number;
  /** Default `http/protobuf`. */
  protocol?: OtlpProtocol;
  /** Extra request headers, e.g. a gateway token. */
  headers?: Readonly<Record<string, string>>;
  /** Default silent. */
  logger?: TelemetryLogger;
}
