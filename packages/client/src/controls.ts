import { nodeFs } from './builtins.js';
import { updateConfigFile } from './config-file.js';
import type { ConsentOptions, SenderOptions } from './options.js';
import { telemetryContext, type TelemetryContext } from './settings.js';
import { telemetryStatusOf, type TelemetryStatus } from './status.js';

// Backing for a host's `telemetry enable|disable|status` commands. They change only the config file
// layer: an env opt-out (or DO_NOT_TRACK) still wins over `enable`, and `status` says which layer decided.

export type ConfigLocation = Pick<ConsentOptions, 'service' | 'env' | 'configDir'>;

export interface ControlResult {
  ok: boolean;
  configPath: string;
  /** Set when `ok` is false: one line naming the file and what went wrong. */
  error?: string;
}

function setEnabled(location: ConfigLocation, enabled: boolean): ControlResult {
  let context: TelemetryContext;
  let configPath: string;
  try {
    context = telemetryContext(location);
    configPath = context.configPath;
  } catch (error) {
    // Only where no path can be worked out (a Node without process.getBuiltinModule, builtins.ts).
    return { ok: false, configPath: '', error: `telemetry config directory: ${(error as Error).message}` };
  }
  if (!context.validService) {
    return { ok: false, configPath: '', error: `invalid service name: ${JSON.stringify(location.service)}` };
  }
  try {
    updateConfigFile(configPath, { enabled });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, configPath, error: `${configPath}: cannot write (${reason})` };
  }
  if (!enabled) {
    // A later `enable` starts from a new random id, so data from before and after cannot be linked.
    try {
      nodeFs().unlinkSync(context.fingerprintPath);
    } catch {
      // Absent already, or not ours to remove; consent is recorded either way.
    }
  }
  return { ok: true, configPath };
}

export function enableTelemetry(location: ConfigLocation): ControlResult {
  return setEnabled(location, true);
}

export function disableTelemetry(location: ConfigLocation): ControlResult {
  return setEnabled(location, false);
}

/** Reads only; never creates the config or fingerprint file. */
export function telemetryStatus(options: ConsentOptions & Pick<SenderOptions, 'endpoint'>): TelemetryStatus {
  return telemetryStatusOf(telemetryContext(options), options.endpoint);
}
