import { CURRENT_VERSION } from './constants.js';

/**
 * The stack file's `version` is major.minor. An unknown major means keys may have changed
 * meaning, so it is an error; a newer minor only added keys, so it is a warning.
 */
export function checkVersion(value: unknown): { message: string; severity: 'error' | 'warning' } | undefined {
  if (value === undefined) return { message: `required; add \`version: ${CURRENT_VERSION}\` at the top`, severity: 'error' };
  const text = String(value);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return { message: `expected major.minor such as ${CURRENT_VERSION}, got ${JSON.stringify(value)}`, severity: 'error' };
  const [major, minor] = CURRENT_VERSION.split('.').map(Number) as [number, number];
  const fileMajor = Number(match[1]);
  const fileMinor = Number(match[2] ?? 0);
  if (fileMajor !== major) {
    return { message: `version ${text} is not supported (this telemetry-stack reads ${major}.x); upgrade telemetry-stack or rewrite the file with \`telemetry-stack init\``, severity: 'error' };
  }
  if (fileMinor > minor) {
    return { message: `version ${text} is newer than this telemetry-stack (${CURRENT_VERSION}); newer keys may be rejected, upgrade telemetry-stack`, severity: 'warning' };
  }
  return undefined;
}
