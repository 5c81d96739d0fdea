// A library embedded in someone else's CLI must not write to that CLI's stdout or stderr: output there
// can break scripts that parse it. Diagnostics go to a logger the host chooses; the default drops them.

export interface TelemetryLogger {
  debug(message: string): void;
}

export const silentLogger: TelemetryLogger = { debug() {} };

/** A host-supplied logger can throw too; that must not escape into the host either. */
export function safeLog(logger: TelemetryLogger | undefined, message: string): void {
  if (!logger) return;
  try {
    logger.debug(message);
  } catch {
    // Swallowed on purpose: a failing logger is not worth failing the host's command over.
  }
}
