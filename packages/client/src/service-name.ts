// The service name becomes a directory name under the config dir and an environment variable prefix, so
// it is held to a shape that cannot escape the directory (no separators, no `..`) or form an odd variable.
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isValidServiceName(service: unknown): service is string {
  return typeof service === 'string' && SERVICE_NAME.test(service) && !service.includes('..');
}

/** `tiny-cli` -> `TINY_CLI`, so `TINY_CLI_TELEMETRY=0` opts out. */
export function envPrefix(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
