import { detectCi } from './ci.js';
import type { ConfigRead } from './config-file.js';
import { envPrefix } from './service-name.js';

/** `opt-out`: on unless someone says no (typical for a CLI). `opt-in`: off until someone says yes
 * (self-hosted products, where the operator decides for their users). */
export type ConsentMode = 'opt-out' | 'opt-in';
/** Whether runs detected as CI are sent. */
export type CiPolicy = 'send' | 'skip';
export type ConsentSource = 'code' | 'env' | 'ci' | 'config' | 'default';

export interface Consent {
  enabled: boolean;
  source: ConsentSource;
  /** One line a person can read in `status` output, naming the setting that decided. */
  reason: string;
}

export interface ConsentInput {
  service: string;
  /** Set by the host from an explicit user action, such as a `--no-telemetry` flag. */
  enabled?: boolean;
  mode: ConsentMode;
  ci: CiPolicy;
  env: NodeJS.ProcessEnv;
  /** Called only when code, env and CI leave the question open, so a decided run reads no file. */
  readConfig: () => ConfigRead;
}

const OFF = new Set(['0', 'false', 'off', 'no', 'disable', 'disabled']);
const ON = new Set(['1', 'true', 'on', 'yes', 'enable', 'enabled']);

/** Unrecognised values count as unset, so a typo falls through to the next layer instead of guessing. */
export function parseSwitch(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (OFF.has(v)) return false;
  if (ON.has(v)) return true;
  return undefined;
}

/** https://consoledonottrack.com: any non-empty value other than an explicit "0"/"false" means "do not track". */
function doNotTrack(env: NodeJS.ProcessEnv): boolean {
  const v = env.DO_NOT_TRACK?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

/**
 * Precedence: code > env > CI policy > config file > mode default. Within the env layer an opt-out wins
 * over an opt-in, so `DO_NOT_TRACK=1` cannot be undone by a product-specific variable set elsewhere.
 */
export function resolveConsent(input: ConsentInput): Consent {
  if (input.enabled !== undefined) {
    return { enabled: input.enabled, source: 'code', reason: `set by the host (enabled: ${input.enabled})` };
  }
  const variable = `${envPrefix(input.service)}_TELEMETRY`;
  const own = parseSwitch(input.env[variable]);
  if (doNotTrack(input.env)) return { enabled: false, source: 'env', reason: 'DO_NOT_TRACK is set' };
  if (own === false) return { enabled: false, source: 'env', reason: `${variable}=${input.env[variable]}` };
  if (own === true) return { enabled: true, source: 'env', reason: `${variable}=${input.env[variable]}` };

  const ciVariable = detectCi(input.env);
  if (ciVariable && input.ci === 'skip') {
    return { enabled: false, source: 'ci', reason: `CI detected (${ciVariable}) and the CI policy is skip` };
  }

  const read = input.readConfig();
  if (read.state === 'ok' && read.config.enabled !== undefined) {
    return {
      enabled: read.config.enabled,
      source: 'config',
      reason: read.config.enabled ? 'enabled in the config file' : 'disabled in the config file',
    };
  }
  // Fail closed: a file we cannot read may be one in which the user said no.
  if (read.state === 'corrupt') {
    return { enabled: false, source: 'config', reason: `config file unreadable (${read.error})` };
  }
  return input.mode === 'opt-in'
    ? { enabled: false, source: 'default', reason: 'opt-in mode and not enabled' }
    : { enabled: true, source: 'default', reason: 'on by default (opt-out mode)' };
}
