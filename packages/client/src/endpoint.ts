import { OTLP_LOGS_PATH } from './names.js';

/**
 * Accepts either a base OTLP/HTTP endpoint (`http://127.0.0.1:4318`, to which `/v1/logs` is appended, as
 * OTEL_EXPORTER_OTLP_ENDPOINT works) or a full logs URL already ending in `/v1/logs` (as
 * OTEL_EXPORTER_OTLP_LOGS_ENDPOINT works). Anything that is not http(s) is refused, because the request
 * code only speaks those two.
 */
export function logsUrl(endpoint: string | undefined): URL | undefined {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.pathname.endsWith(OTLP_LOGS_PATH)) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${OTLP_LOGS_PATH}`;
  }
  return url;
}
