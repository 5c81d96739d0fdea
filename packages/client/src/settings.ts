import { nodePath } from './builtins.js';
import { readConfigFile, type ConfigRead } from './config-file.js';
import { resolveConsent, type Consent } from './consent.js';
import type { OtlpProtocol } from './encode.js';
import { logsUrl } from './endpoint.js';
import { RESOURCE_SERVICE_NAME, RESOURCE_SERVICE_VERSION } from './names.js';
import type { ConsentOptions, SenderOptions } from './options.js';
import { CONFIG_FILE_NAME, FINGERPRINT_FILE_NAME, INSTANCE_ID_FILE_NAME, telemetryConfigDir } from './paths.js';
import type { SendRequest } from './send.js';
import { envPrefix, isValidServiceName } from './service-name.js';
import { cleanVersion } from './version.js';

// The one place where options, environment and config file become settings, with defaults applied.
// Everything is computed on first use and kept: a run whose consent is decided by code or env never reads
// the config file, and a disabled run never looks at the endpoint.

export const DEFAULT_TIMEOUT_MS = 800;
/** A telemetry send that needs longer than this is not worth holding a host's exit for. */
export const MAX_TIMEOUT_MS = 30_000;

export type EndpointSource = 'code' | 'env' | 'config';

export interface TelemetryContext {
  readonly service: string;
  readonly validService: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly configDir: string;
  readonly configPath: string;
  readonly fingerprintPath: string;
  readonly instanceIdPath: string;
  readConfig(): ConfigRead;
  consent(): Consent;
  /** Forget the cached file read and consent, after this process changed the file. */
  refresh(): void;
}

interface ConfigPaths {
  configDir: string;
  configPath: string;
  fingerprintPath: string;
  instanceIdPath: string;
}

function configPaths(service: string, env: NodeJS.ProcessEnv, override: string | undefined): ConfigPaths {
  const configDir = telemetryConfigDir(service, env, override);
  const { join } = nodePath();
  return {
    configDir,
    configPath: join(configDir, CONFIG_FILE_NAME),
    fingerprintPath: join(configDir, FINGERPRINT_FILE_NAME),
    instanceIdPath: join(configDir, INSTANCE_ID_FILE_NAME),
  };
}

export function telemetryContext(options: ConsentOptions): TelemetryContext {
  const env = options.env ?? process.env;
  const validService = isValidServiceName(options.service);
  const service = validService ? options.service : 'invalid-service';
  // The paths too are worked out on first use: a run whose consent code or env decides never needs one,
  // and the first calls into node:path cost a disabled run about 0.2 ms (measured in a fresh process).
  let paths: ConfigPaths | undefined;
  const pathsOf = (): ConfigPaths => (paths ??= configPaths(service, env, options.configDir));
  let config: ConfigRead | undefined;
  let consent: Consent | undefined;
  const readConfig = (): ConfigRead => (config ??= readConfigFile(pathsOf().configPath));
  return {
    service,
    validService,
    env,
    get configDir() {
      return pathsOf().configDir;
    },
    get configPath() {
      return pathsOf().configPath;
    },
    get fingerprintPath() {
      return pathsOf().fingerprintPath;
    },
    get instanceIdPath() {
      return pathsOf().instanceIdPath;
    },
    readConfig,
    consent() {
      if (!validService) {
        return { enabled: false, source: 'code', reason: 'invalid service name (want [A-Za-z0-9._-], 1-64 chars)' };
      }
      return (consent ??= resolveConsent({
        service,
        enabled: options.enabled,
        mode: options.mode ?? 'opt-out',
        ci: options.ci ?? 'skip',
        env,
        readConfig,
      }));
    },
    refresh() {
      config = undefined;
      consent = undefined;
    },
  };
}

export interface ResolvedEndpoint {
  url: URL | undefined;
  source: EndpointSource | undefined;
  /** Set when a value was given but is not a usable http(s) URL. */
  invalid?: string;
}

/** Precedence code > env > config file, the same as consent. The file is read only if it is needed. */
export function resolveEndpoint(context: TelemetryContext, fromCode: string | undefined): ResolvedEndpoint {
  const variable = `${envPrefix(context.service)}_TELEMETRY_ENDPOINT`;
  const layers: Array<[EndpointSource, () => string | undefined]> = [
    ['code', () => fromCode],
    ['env', () => context.env[variable]],
    ['config', () => configEndpoint(context)],
  ];
  for (const [source, read] of layers) {
    const raw = read();
    if (raw === undefined || raw.trim() === '') continue;
    const url = logsUrl(raw);
    return url ? { url, source } : { url: undefined, source, invalid: raw };
  }
  return { url: undefined, source: undefined };
}

function configEndpoint(context: TelemetryContext): string | undefined {
  const read = context.readConfig();
  return read.state === 'ok' ? read.config.endpoint : undefined;
}

export function resolveTimeout(timeoutMs: number | undefined): number {
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) return DEFAULT_TIMEOUT_MS;
  return Math.min(timeoutMs, MAX_TIMEOUT_MS);
}

/**
 * http/protobuf by default: it is the OTLP exporter specification's default (OTEL_EXPORTER_OTLP_PROTOCOL),
 * every OTLP/HTTP receiver accepts it while some accept nothing else, and a cli.command request is 266
 * bytes against 714 as JSON. Both encodings are a few lines of encode.ts, so load cost does not enter into it.
 * http/json stays available for gateways that only pass JSON.
 */
export function resolveProtocol(protocol: SenderOptions['protocol']): OtlpProtocol {
  return protocol === 'http/json' ? 'http/json' : 'http/protobuf';
}

/**
 * What every request a sender makes shares: how it goes (protocol, deadline, headers) and the
 * resource naming the sending CLI. Callers add their own resource attributes, the URL and the events.
 */
export function requestBase(options: SenderOptions, context: TelemetryContext): Pick<SendRequest, 'protocol' | 'timeoutMs' | 'headers'> & { resource: Record<string, string> } {
  return {
    protocol: resolveProtocol(options.protocol),
    timeoutMs: resolveTimeout(options.timeoutMs),
    headers: options.headers,
    resource: { [RESOURCE_SERVICE_NAME]: context.service, [RESOURCE_SERVICE_VERSION]: cleanVersion(options.version) },
  };
}
