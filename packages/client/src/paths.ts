import { nodeOs, nodePath } from './builtins.js';

export const CONFIG_FILE_NAME = 'telemetry.json';
export const FINGERPRINT_FILE_NAME = 'telemetry-fingerprint';
export const INSTANCE_ID_FILE_NAME = 'telemetry-instance-id';

/**
 * `$XDG_CONFIG_HOME/<service>`, else `~/.config/<service>`. The XDG spec says a relative XDG_CONFIG_HOME is
 * invalid and must be ignored; honouring it would scatter files relative to whatever directory the CLI ran in.
 * HOME is read from the given env first so tests and hosts that pass their own env stay out of the real home.
 */
export function telemetryConfigDir(service: string, env: NodeJS.ProcessEnv, override?: string): string {
  if (override) return override;
  const { isAbsolute, join } = nodePath();
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, service);
  const home = env.HOME && isAbsolute(env.HOME) ? env.HOME : nodeOs().homedir();
  return join(home, '.config', service);
}
