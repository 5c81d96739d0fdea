/** Names other modules need without loading the schema library (keeps CLI start-up fast). */
export const STACK_FILE_NAME = 'telemetry-stack.yaml';
/** The major.minor this code writes and understands; see stack/version.ts for the rule. */
export const CURRENT_VERSION = '1.0';
export const PROFILES = ['claude-code', 'cli-usage', 'generic'] as const;
export type ProfileName = (typeof PROFILES)[number];
