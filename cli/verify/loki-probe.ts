import type { Stack } from '../stack/resolve.js';
import { fillStatement } from '../query/fill-statement.js';
import { loadStatement } from '../query/templates.js';
import { goDuration } from '../stack/duration.js';
import { lokiHeaders, storageEndpoint } from '../stack/storage-endpoint.js';
import type { Canary } from './canary.js';
import type { ProbeResult, StorageProbe } from './storage-probe.js';

interface LokiStream {
  stream: Record<string, string>;
  values: [string, string][];
}

/** verify against Loki: readiness, the canary read back with LogQL, retention from Loki's own /config. */
export function lokiProbe(stack: Stack, env: NodeJS.ProcessEnv): StorageProbe {
  const { url: base, label, external } = storageEndpoint(stack);
  const headers = lokiHeaders(stack, env);
  const get = async (path: string) => {
    const res = await fetch(base + path, { headers, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path.split('?')[0]}: HTTP ${res.status} ${text.slice(0, 200)}`);
    return text;
  };
  return {
    signals: ['logs'],
    // Loki stores attributes as structured metadata with dots turned into underscores.
    userIdKey: 'user_id',
    async check(): Promise<ProbeResult> {
      try {
        await get('/ready');
        return { ok: true, detail: `${label} is ready` };
      } catch (e) {
        return { ok: false, detail: `${label}: ${(e as Error).message}`, hint: external ? 'check loki.url and that your Loki is running' : 'see telemetry-stack logs loki' };
      }
    },
    async findCanary(canary: Canary) {
      const query = fillStatement('logql', loadStatement('logql', 'verify/canary'), { service: canary.serviceName, id: canary.id });
      const start = (BigInt(canary.sentAtMs - 3_600_000) * 1_000_000n).toString();
      const body = JSON.parse(await get(`/loki/api/v1/query_range?query=${encodeURIComponent(query)}&start=${start}&limit=5&direction=backward`)) as { data: { result: LokiStream[] } };
      const stream = body.data.result[0];
      const line = stream?.values[0]?.[1];
      return { ...(stream && line !== undefined ? { log: { body: line, attributes: stream.stream, raw: JSON.stringify(stream) } } : {}), metric: false };
    },
    async retention(): Promise<ProbeResult> {
      try {
        const config = await get('/config');
        const enabled = /retention_enabled:\s*true/.test(config);
        const period = /retention_period:\s*(\S+)/.exec(config)?.[1];
        if (!enabled || !period || period === '0s')
          return {
            ok: false,
            detail: `compactor retention ${enabled ? 'enabled' : 'disabled'}, retention_period ${period ?? 'unset'}`,
            hint: external ? 'retention is set in your Loki (compactor.retention_enabled, limits_config.retention_period)' : 'set retention in the stack file and restart',
          };
        return { ok: true, detail: `compactor retention enabled, retention_period ${period} (stack retention ${stack.retention} = ${goDuration(stack.retention)})` };
      } catch (e) {
        return { ok: false, detail: (e as Error).message };
      }
    },
    close: async () => {},
  };
}
