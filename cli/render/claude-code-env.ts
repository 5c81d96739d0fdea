import { homeOf } from '../home/layout.js';
import type { Stack } from '../stack/resolve.js';

export const CLAUDE_CODE_ENV_FORMATS = ['shell', 'dotenv', 'managed-settings'] as const;
export type ClaudeCodeEnvFormat = (typeof CLAUDE_CODE_ENV_FORMATS)[number];

export interface ClaudeCodeEnvOptions {
  /** Endpoint clients use; default: the receiver's address (loopback when it binds every interface). */
  endpoint?: string;
  /** The team token's value, when known; otherwise a reference or placeholder is printed. */
  token?: string;
}

/**
 * The environment that points Claude Code at this stack. Content switches follow the stack's
 * privacy policy: a stack that drops prompt text does not ask Claude Code to send it at all.
 */
export function claudeCodeEnv(stack: Stack, options: ClaudeCodeEnvOptions): Record<string, string> {
  const r = stack.receivers;
  const http = r.http.enabled;
  const host = r.bind === '0.0.0.0' || r.bind === '::' ? '127.0.0.1' : r.bind;
  const port = http ? r.http.port : r.grpc.port;
  const endpoint = options.endpoint ?? `${r.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const env: Record<string, string> = {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: http ? 'http/protobuf' : 'grpc',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_METRIC_EXPORT_INTERVAL: '60000',
    OTEL_LOGS_EXPORT_INTERVAL: '5000',
    // Cost and token sums as deltas: each point is what happened since the last, so sums add up.
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    OTEL_LOG_USER_PROMPTS: stack.privacy.promptText === 'drop' ? '0' : '1',
    OTEL_LOG_TOOL_DETAILS: stack.privacy.toolDetails === 'drop' ? '0' : '1',
  };
  if (r.tls?.generate) {
    // The receivers' certificate comes from the stack's own CA: the OTLP variable for exporters
    // that honour it, and Node's own for Claude Code's HTTP client.
    const ca = homeOf(stack.dataDir).tls.caFile;
    env['OTEL_EXPORTER_OTLP_CERTIFICATE'] = ca;
    env['NODE_EXTRA_CA_CERTS'] = ca;
  }
  if (r.auth) env['OTEL_EXPORTER_OTLP_HEADERS'] = `Authorization=Bearer ${options.token ?? `\${${r.auth.bearerTokenEnv}}`}`;
  return env;
}

export function formatClaudeCodeEnv(env: Record<string, string>, format: ClaudeCodeEnvFormat): string {
  const entries = Object.entries(env);
  switch (format) {
    case 'shell':
      // Double quotes so a ${TOKEN} reference expands in the user's shell.
      return entries.map(([k, v]) => `export ${k}="${v.replace(/["\\`]/g, '\\$&')}"`).join('\n') + '\n';
    case 'dotenv':
      return entries.map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
    case 'managed-settings':
      return JSON.stringify({ env }, null, 2) + '\n';
  }
}
