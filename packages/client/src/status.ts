import { detectCi } from './ci.js';
import type { ConsentSource } from './consent.js';
import { resolveEndpoint, type EndpointSource, type TelemetryContext } from './settings.js';
import { envPrefix } from './service-name.js';

export interface TelemetryStatus {
  service: string;
  /** Consent alone. */
  enabled: boolean;
  /** Consent and a usable endpoint: whether `track` would actually send. */
  willSend: boolean;
  source: ConsentSource;
  reason: string;
  /** The per-product opt-out variable, e.g. `TINY_CLI_TELEMETRY`. */
  envVariable: string;
  endpoint: string | undefined;
  endpointSource: EndpointSource | undefined;
  /** A configured endpoint that is not a usable http(s) URL. */
  endpointProblem?: string;
  configPath: string;
  fingerprintPath: string;
  noticeShown: boolean;
  /** The CI variable that was detected, if any. */
  ci: string | undefined;
}

export function telemetryStatusOf(context: TelemetryContext, codeEndpoint: string | undefined): TelemetryStatus {
  const consent = context.consent();
  const endpoint = resolveEndpoint(context, codeEndpoint);
  const read = context.readConfig();
  const status: TelemetryStatus = {
    service: context.service,
    enabled: consent.enabled,
    willSend: consent.enabled && endpoint.url !== undefined,
    source: consent.source,
    reason: consent.reason,
    envVariable: `${envPrefix(context.service)}_TELEMETRY`,
    endpoint: endpoint.url?.href,
    endpointSource: endpoint.source,
    configPath: context.configPath,
    fingerprintPath: context.fingerprintPath,
    noticeShown: read.state === 'ok' && read.config.noticeShownAt !== undefined,
    ci: detectCi(context.env),
  };
  if (endpoint.invalid !== undefined) status.endpointProblem = `not an http(s) URL: ${endpoint.invalid}`;
  return status;
}
