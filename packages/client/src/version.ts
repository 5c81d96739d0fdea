// The host's version string leaves the process with every event, so it is held to the shape of a
// version (semver and its build metadata fit) and a length; anything else, which could be a path or a
// hostname baked into a dev build's version, is replaced rather than sent.
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

export const UNKNOWN_VERSION = 'unknown';

export function cleanVersion(version: unknown): string {
  return typeof version === 'string' && VERSION.test(version) ? version : UNKNOWN_VERSION;
}
