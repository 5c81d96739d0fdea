import { CURRENT_VERSION, type ProfileName } from '../stack/constants.js';

export interface InitChoices {
  name: string;
  backend: 'embedded' | 'clickhouse' | 'loki';
  runtime: 'auto' | 'docker' | 'process';
  profiles: ProfileName[];
}

/**
 * The stack file `init` writes: the choices made, plus the privacy and retention defaults spelled
 * out, because those are the ones a team should read before the first event arrives.
 */
export function renderStackFile(c: InitChoices): string {
  return `# telemetry-stack stack file. Reference: configs/telemetry-stack.schema.json (editors complete keys from it).
# Every key not written here has a default; \`telemetry-stack validate\` checks the file.
version: ${CURRENT_VERSION}
name: ${c.name}
# embedded: ClickHouse engine in a local process (no Docker) | clickhouse: ClickHouse server | loki: your Grafana Loki
backend: ${c.backend}
# auto: Docker when an engine answers, else native processes
runtime: ${c.runtime}
${c.backend === 'loki' ? lokiBlock(c.runtime) : ''}# Sources accepted; data from any other source is dropped.
profiles: [${c.profiles.join(', ')}]
receivers:
  bind: 127.0.0.1   # loopback only; a wider address needs auth.bearerTokenEnv
privacy:
  maskSecrets: true
  maskEmails: true
  maskIpAddresses: true
  maskHomePaths: true
  promptText: drop    # drop | mask | keep
  toolDetails: drop   # drop | mask | keep
  userId:
    mode: hmac        # keyed hash of user.id / user.email; key from $TELEMETRY_STACK_HMAC_KEY
retention: 90d
`;
}

/** Loki is the user's: runtime process needs its address; docker can run the upstream image instead. */
function lokiBlock(runtime: InitChoices['runtime']): string {
  const url = 'url: http://127.0.0.1:3100   # your Loki; the Collector pushes to <url>/otlp';
  if (runtime === 'process') return `loki:\n  ${url}\n`;
  return `# Without loki.url, runtime docker runs the pinned upstream Loki image; with it, only the Collector runs.\n# loki:\n#   ${url}\n`;
}
