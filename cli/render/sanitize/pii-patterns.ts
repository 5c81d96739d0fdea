/**
 * RE2 patterns for personal data, matched inside attribute values and log bodies by the
 * redaction processor (only the matched substring is masked).
 */

export const EMAIL_PATTERN = '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}';

/** Dotted quads with each octet 0-255; word boundaries keep version strings like 1.2.3.4.5 partly safe. */
export const IPV4_PATTERN = '\\b((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\b';

/**
 * Full eight-group IPv6, or a compressed form with `::`. Timestamps (12:30:45) have neither
 * eight groups nor `::`, so they survive; MAC addresses (six groups) survive too.
 */
export const IPV6_PATTERN =
  '\\b([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\\b|\\b([0-9A-Fa-f]{1,4}:){1,6}:([0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4}\\b|::1\\b|\\b([0-9A-Fa-f]{1,4}:){1,7}:';

/**
 * Home directories: the first capture group is kept and the user name after it masked.
 * Used with OTTL replace_pattern (transform), which can keep a capture group; redaction cannot.
 * Windows paths are also matched with doubled backslashes: that is how they read inside JSON text
 * (a tool's input, a structured body), which telemetry carries as plain strings.
 */
export const HOME_PATH_PATTERN = '(/home/|/Users/|[A-Za-z]:\\\\{1,2}Users\\\\{1,2})[^/\\\\\\s"\':]+';

/**
 * The same paths for the redaction processor, which masks the whole match (prefix included). The
 * transform masks string values first and keeps the prefix; redaction catches what OTTL's
 * replace functions never see (values inside arrays, maps and map bodies). The user-name class
 * excludes `*`, so a path the transform already masked (`/home/****`) no longer matches and keeps
 * its readable prefix.
 */
export const HOME_PATH_REDACTION_PATTERN = '(/home/|/Users/|[A-Za-z]:\\\\{1,2}Users\\\\{1,2})[^/\\\\\\s"\':*]+';
