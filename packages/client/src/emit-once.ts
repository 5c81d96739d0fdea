import type { SendResult } from './result.js';
import { createUsageTelemetry, type UsageTelemetryOptions } from './usage-telemetry.js';

export interface EmitOnceOptions extends UsageTelemetryOptions {
  verb: string | readonly string[];
  exit?: number;
}

/**
 * One event, for a host command such as `telemetry-stack emit <verb> --exit N` that sends on behalf of a
 * shell script. Consent applies exactly as for `track`. Resolves to the result code; never rejects.
 */
export async function emitOnce(options: EmitOnceOptions): Promise<SendResult> {
  const telemetry = createUsageTelemetry(options);
  return telemetry.track(options.verb, { exit: options.exit });
}
