// Only the verb path may leave the process, never what follows it. The host should pass the verb its
// dispatcher matched, but hosts make mistakes (passing argv, or a verb built from user input), so the
// shape is enforced here as well: segments are cut at the first one that could be a value.
//
// A segment must start with a lowercase letter and contain only [a-z0-9_-], with `.` or `:` allowed only
// between such runs ("users.list", "db:migrate"). That rejects flags (-x, --x=y), paths (/, \, ~), URLs,
// e-mail addresses, numbers, IP addresses, quoted or upper-case values, and control characters. A plain
// lowercase word (a name, a host label) still fits the shape; `knownVerbs` closes that gap exactly.

export const MAX_VERB_SEGMENTS = 4;
export const MAX_SEGMENT_LENGTH = 32;
export const MAX_VERB_LENGTH = 64;

const SEGMENT = /^[a-z][a-z0-9_-]*(?:[.:][a-z0-9_-]+)*$/;

function segmentsOf(input: string | readonly string[]): string[] {
  const parts = typeof input === 'string' ? [input] : input;
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') break;
    // Any whitespace separates segments, including the Unicode kinds, so none can hide inside one.
    for (const piece of part.split(/\s+/u)) if (piece !== '') out.push(piece);
  }
  return out;
}

/** Leading segments that have the shape of a verb, within the count and length limits. */
function verbPrefix(segments: readonly string[]): string[] {
  const kept: string[] = [];
  let length = 0;
  for (const segment of segments) {
    if (kept.length === MAX_VERB_SEGMENTS) break;
    if (segment.length > MAX_SEGMENT_LENGTH || !SEGMENT.test(segment)) break;
    const next = length + (kept.length > 0 ? 1 : 0) + segment.length;
    if (next > MAX_VERB_LENGTH) break;
    kept.push(segment);
    length = next;
  }
  return kept;
}

/**
 * The verb path that may be sent, or undefined when nothing safe remains. With `knownVerbs`, the result
 * is the longest known verb path the input starts with, so arbitrary lowercase words never pass.
 */
export function sanitizeVerb(
  input: string | readonly string[],
  knownVerbs?: ReadonlySet<string> | readonly string[],
): string | undefined {
  const kept = verbPrefix(segmentsOf(input));
  if (knownVerbs) {
    const known = knownVerbs instanceof Set ? knownVerbs : knownVerbSet(knownVerbs as readonly string[]);
    for (let n = kept.length; n > 0; n -= 1) {
      const candidate = kept.slice(0, n).join(' ');
      if (known.has(candidate)) return candidate;
    }
    return undefined;
  }
  return kept.length > 0 ? kept.join(' ') : undefined;
}

/** Normalises a host's list of verb paths the same way inputs are, dropping entries that could not pass. */
export function knownVerbSet(verbs: readonly string[]): Set<string> {
  const set = new Set<string>();
  for (const verb of verbs) {
    const clean = sanitizeVerb(verb);
    if (clean !== undefined && clean === segmentsOf(verb).join(' ')) set.add(clean);
  }
  return set;
}
