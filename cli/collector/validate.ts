import { execa } from 'execa';

export interface CollectorValidation {
  ok: boolean;
  /** The Collector's own words on failure (its last error line). */
  message: string;
}

/**
 * Runs the real binary's `validate`: it decodes the config, runs every component's Validate() and
 * builds (without starting) the pipeline graph, so OTTL statements and regexes are compiled too.
 */
export async function validateWithCollector(binary: string, configFile: string, env: NodeJS.ProcessEnv): Promise<CollectorValidation> {
  const result = await execa(binary, ['validate', `--config=file:${configFile}`], { env, reject: false, all: true, timeout: 60_000 });
  if (result.exitCode === 0) return { ok: true, message: '' };
  const lines = (result.all ?? '').split('\n').filter((l) => l.trim() !== '');
  const errorLine = [...lines].reverse().find((l) => /error/i.test(l)) ?? lines.at(-1) ?? `exit ${result.exitCode}`;
  return { ok: false, message: errorLine.trim() };
}
