/**
 * Value shapes no masking pattern can match inside: short lower-case identifiers, hex ids and
 * UUIDs, and the like, which make up most attribute values (event names, models, session ids).
 * They go to the redaction processor as `allowed_values`, which it checks before the
 * `blocked_values`: a value wholly of one of these shapes skips the ~280 pattern scans (about 6
 * microseconds for a UUID; the four shape checks take about 0.35).
 *
 * Why skipping is safe: a value of shape (characters C, at most N of them) can only contain
 * strings over C no longer than N. test/privacy/inert-values.test.ts computes, with Go's own
 * regexp parser, the shortest string over C each built-in pattern (secret rules, e-mail, IP
 * addresses, home paths) can match, and checks that it is longer than N or impossible. Patterns
 * a user adds (privacy.blockedPatterns) are not analysed, so with any of them the shapes are left
 * out and every value is scanned.
 */
export interface InertShape {
  /** Characters, as the body of an RE2 class (ranges allowed, `-` last). */
  readonly chars: string;
  readonly maxLength: number;
}

export const INERT_SHAPES: readonly InertShape[] = [
  // event and tool names, models (claude-opus-4-1-20250805), decisions, counts; 25 would admit gldt-…
  { chars: 'a-z0-9_-', maxLength: 24 },
  // dotted lower-case names (claude_code.api_request)
  { chars: 'a-z_.-', maxLength: 24 },
  // mixed-case words (firstParty, Bash); 16 would admit LTAI…
  { chars: 'A-Za-z_.-', maxLength: 15 },
  // UUIDs, trace ids, git commit ids; 50 would admit a Mailgun private key
  { chars: '0-9a-f-', maxLength: 40 },
];

/** The anchored pattern a whole value must match to be skipped. */
export function inertShapePattern(shape: InertShape): string {
  return `^[${shape.chars}]{1,${shape.maxLength}}$`;
}
