import { writeFileAtomic } from './atomic-write.js';
import { nodeFs } from './builtins.js';

/** What `telemetry.json` may hold. Unknown keys are kept on rewrite so a newer version's keys survive. */
export interface TelemetryConfigFile {
  enabled?: boolean;
  endpoint?: string;
  /** ISO timestamp of when the first-run notice was returned to the host. */
  noticeShownAt?: string;
}

export type ConfigRead =
  | { state: 'missing' }
  | { state: 'ok'; config: TelemetryConfigFile; raw: Record<string, unknown> }
  | { state: 'corrupt'; error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys with the wrong type are ignored rather than failing the whole file: one bad hand edit should not
 * silently flip the user's consent back to the default. */
function pickKnown(raw: Record<string, unknown>): TelemetryConfigFile {
  const config: TelemetryConfigFile = {};
  if (typeof raw.enabled === 'boolean') config.enabled = raw.enabled;
  if (typeof raw.endpoint === 'string' && raw.endpoint !== '') config.endpoint = raw.endpoint;
  if (typeof raw.noticeShownAt === 'string') config.noticeShownAt = raw.noticeShownAt;
  return config;
}

export function readConfigFile(path: string): ConfigRead {
  let text: string;
  try {
    text = nodeFs().readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'missing' };
    return { state: 'corrupt', error: `cannot read: ${code ?? String(error)}` };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isRecord(parsed)) return { state: 'corrupt', error: 'not a JSON object' };
    return { state: 'ok', config: pickKnown(parsed), raw: parsed };
  } catch (error) {
    return { state: 'corrupt', error: `invalid JSON: ${(error as Error).message}` };
  }
}

/** Merges `patch` into the file (a corrupt file is replaced) and writes it atomically with mode 0600. */
export function updateConfigFile(path: string, patch: TelemetryConfigFile): void {
  const current = readConfigFile(path);
  const base = current.state === 'ok' ? current.raw : {};
  const next: Record<string, unknown> = { ...base, ...patch };
  writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`);
}
