import { execa } from 'execa';
import { componentKnowledge } from '../lint/knowledge/components.js';
import type { Kind } from '../lint/collector-doc.js';

export interface CollectorValidation {
  ok: boolean;
  /** The Collector's whole error, one line, without its "decoding failed" headers. */
  message: string;
  /** Set when the config names a real component type this distribution does not include. */
  notInDistribution?: { kind: string; type: string };
}

const HEADER = /:?\s*decoding failed due to the following error\(s\):\s*$/;

/**
 * The Collector prints nested decode errors as a header line per level followed by the cause on
 * later lines; joining the levels keeps the whole path (which component, which key) on one line.
 */
export function collectorErrorCause(output: string, exitCode: number | undefined): string {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Error:'));
  const body = (start >= 0 ? lines.slice(start) : lines.filter((l) => /error/i.test(l)).slice(-1))
    .map((l) =>
      l
        .replace(/^Error:\s*/, '')
        .replace(HEADER, '')
        .trim(),
    )
    .filter((l) => l !== '' && !/^\d{4}\/\d\d\/\d\d /.test(l));
  return body.join(': ') || `exit ${exitCode ?? 'unknown'}`;
}

/** `'processors' unknown type: "file_log" for id: ...` -> kind and type, when the type exists upstream. */
export function notInDistribution(cause: string): { kind: string; type: string } | undefined {
  const m = /'(receivers|processors|exporters|extensions|connectors)' unknown type: "([^"]+)"/.exec(cause);
  if (!m) return undefined;
  const status = componentKnowledge().typeStatus(m[1] as Kind, m[2]!).status;
  return status === 'current' || status === 'alias' ? { kind: m[1]!, type: m[2]! } : undefined;
}

/**
 * Runs the real binary's `validate` on a set of files, passed as several --config flags so the
 * Collector merges them itself: it decodes the config, runs every component's Validate() and
 * builds (without starting) the pipeline graph, so OTTL statements and regexes are compiled too.
 */
export async function validateWithCollector(binary: string, configFiles: string | readonly string[], env: NodeJS.ProcessEnv): Promise<CollectorValidation> {
  const files = typeof configFiles === 'string' ? [configFiles] : configFiles;
  const result = await execa(binary, ['validate', ...files.map((f) => `--config=file:${f}`)], { env, reject: false, all: true, timeout: 60_000 });
  if (result.exitCode === 0) return { ok: true, message: '' };
  const message = collectorErrorCause(result.all ?? '', result.exitCode);
  const missing = notInDistribution(message);
  return missing ? { ok: false, message, notInDistribution: missing } : { ok: false, message };
}
