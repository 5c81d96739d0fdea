/**
 * RE2 patterns for personal data, matched inside attribute values and log bodies by the
 * redaction processor (only the matched substring is masked).
 */

export const EMAIL_PATTERN = '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}';

/** Dotted quads with each octet 0-255; word boundaries keep version strings like 1.2.3.4.5 partly safe. */
export const IPV4_PATTERN = '\\b((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\b';

const HEXTET = '[0-9A-Fa-f]{1,4}';

/**
 * IPv6: a hex group, then either seven more (full form) or up to six more, `::` and an optional
 * tail of up to seven groups (compressed form); and the loopback `::1`. Two patterns, not one
 * alternation: each alternative that starts with a class costs a try at every position of every
 * value in Go's regexp, and `::1` starts with a literal, which Go finds with a plain search.
 * Timestamps (12:30:45) have neither eight groups nor `::`, and MAC addresses (six groups) neither;
 * both survive. A trailing `::` must not be followed by a word character, so `Bad::method` (hex
 * letters, then `::` and an identifier) is left alone; `Add::face` (all hex) is still masked.
 */
export const IPV6_PATTERNS: readonly string[] = [`\\b${HEXTET}(?:(?::${HEXTET}){7}\\b|(?::${HEXTET}){0,6}::(?:${HEXTET}(?::${HEXTET}){0,6}\\b|\\B))`, '::1\\b'];

/**
 * Where a home directory starts: the prefix kept in front of the masked user name. Each starts
 * with a literal, which Go's regexp searches for (a pattern starting with a class is tried at every
 * position); so the Windows form starts at the colon and leaves the drive letter outside the match.
 */
const HOME_PREFIXES = ['/(?:home|Users)/', ':\\\\{1,2}Users\\\\{1,2}'] as const;
const USER_NAME = '[^/\\\\\\s"\':]+';

/**
 * Home directories, one pattern per kind of prefix: the first capture group is the prefix, kept,
 * and the user name after it masked. Used with OTTL replace_all_patterns (transform), which can
 * keep a capture group; redaction cannot. Windows paths are also matched with doubled backslashes:
 * that is how they read inside JSON text (a tool's input, a structured body), which telemetry
 * carries as plain strings.
 */
export const HOME_PATH_PATTERNS: readonly string[] = HOME_PREFIXES.map((prefix) => `(${prefix})${USER_NAME}`);

/**
 * The same paths for the redaction processor, which masks the whole match (prefix included). The
 * transform masks string values first and keeps the prefix; redaction catches whatever OTTL's
 * replace functions do not reach. The user-name class excludes `*`, so a path the transform already
 * masked (`/home/****`) no longer matches and keeps its readable prefix.
 */
export const HOME_PATH_REDACTION_PATTERNS: readonly string[] = HOME_PREFIXES.map((prefix) => `${prefix}${USER_NAME.replace(':]', ':*]')}`);

/** Every personal-data pattern redaction/values may be given, in the order the chain applies them. */
export const REDACTION_PII_PATTERNS: readonly string[] = [EMAIL_PATTERN, IPV4_PATTERN, ...IPV6_PATTERNS, ...HOME_PATH_REDACTION_PATTERNS];
