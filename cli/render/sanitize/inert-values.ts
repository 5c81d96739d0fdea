/**
 * Value shapes no masking pattern can match inside: short lower-case identifiers, hex ids and
 * UUIDs, timestamps, version numbers, which make up most attribute values (event names, models,
 * session ids). They go to the redaction processor as `allowed_values`, which it checks before the
 * `blocked_values`: a value wholly of one of these shapes skips the ~280 pattern scans (about 6
 * microseconds for a UUID; the shape checks take well under one).
 *
 * Why skipping is safe: test/privacy/inert-values.test.ts has Go's own regexp compiler build
 * every built-in pattern (secret rules, e-mail, IP addresses, home paths) and every shape, and
 * searches the pairs of their states for a way the pattern could match part of a value the shape
 * matches; none may exist. Patterns a user adds (privacy.blockedPatterns) are not analysed, so
 * with any of them the shapes are left out and every value is scanned.
 *
 * Each shape is anchored, reads ASCII only, and bounds its length where a longer value would
 * admit a match; the comment says which.
 */
export const INERT_SHAPES: readonly string[] = [
  // event and tool names, models (claude-opus-4-1-20250805), decisions, counts; 25 admits gldt-…
  '^[a-z0-9_-]{1,24}$',
  // dotted lower-case names (claude_code.api_request)
  '^[a-z_.-]{1,24}$',
  // mixed-case words (firstParty, Bash); 16 admits LTAI…
  '^[A-Za-z_.-]{1,15}$',
  // UUIDs, trace ids, git commit ids; 50 admits a Mailgun private key
  '^[0-9a-f-]{1,40}$',
  // RFC 3339 timestamps (2026-11-22T00:15:31.117Z)
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})$',
  // versions (2.1.330, v1.2.3-rc.4); a fourth number would admit an IPv4 address
  '^v?[0-9]{1,4}\\.[0-9]{1,4}\\.[0-9]{1,4}(?:-[a-z]{1,12}(?:\\.[0-9]{1,4})?)?$',
  // decimal numbers sent as text (0.00721)
  '^-?[0-9]{1,15}(?:\\.[0-9]{1,15})?$',
];
