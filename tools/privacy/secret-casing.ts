// Case-insensitive rules, rewritten for Go's regexp.
//
// Go's regexp finds a pattern that begins with a case-sensitive literal by searching for that
// literal first (strings.Index); any other pattern is tried at every position of every value.
// Measured over 200-character values that is about 0.1 against 3.5 microseconds per pattern, and
// the redaction processor runs every pattern on every value. `(?i)` makes the leading literal
// case-insensitive, so a (?i) rule never gets the fast path.
//
// A rule entry written `(?i)LEAD…` is therefore emitted as one pattern per spelling of its leading
// keyword (as written, lower case, upper case, capitalised, and capitalised per word as HTTP
// headers are: X-Honeycomb-Team), each starting with that literal. The rest of the pattern stays
// case-insensitive: its letters are spelled as two-case classes, so neither engine needs an inline
// flag. What this gives up: a keyword in some other mixed case (`pAssword=`) is not recognised.

/** A one-letter keyword would multiply the patterns for a search that stops almost everywhere. */
const MIN_LEAD = 2;

const isLetter = (c: string) => /^[A-Za-z]$/.test(c);
const otherCase = (c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());

/** The spellings of a keyword a configuration, environment or header realistically uses. */
export function spellings(lead: string): string[] {
  const lower = lead.toLowerCase();
  const title = lower.replace(/[a-z]/, (c) => c.toUpperCase());
  const perWord = lower.replace(/(^|[-_])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
  return [...new Set([lead, lower, lead.toUpperCase(), title, perWord])];
}

/** Reads one escape (`\x` or `\xHH`) starting at i; returns its text. */
function escapeAt(pattern: string, i: number): string {
  return pattern[i + 1] === 'x' ? pattern.slice(i, i + 4) : pattern.slice(i, i + 2);
}

/** A character class with the other case of every letter and letter range added. */
function foldClass(body: string): string {
  const additions: string[] = [];
  let i = body.startsWith('^') ? 1 : 0;
  while (i < body.length) {
    if (body[i] === '\\') {
      i += escapeAt(body, i).length;
      continue;
    }
    const c = body[i] as string;
    const isRange = body[i + 1] === '-' && i + 2 < body.length && body[i + 2] !== '\\';
    if (isRange) {
      const end = body[i + 2] as string;
      if (isLetter(c) && isLetter(end) && (c === c.toLowerCase()) === (end === end.toLowerCase())) {
        additions.push(`${otherCase(c)}-${otherCase(end)}`);
      }
      i += 3;
      continue;
    }
    if (isLetter(c)) additions.push(otherCase(c));
    i += 1;
  }
  // Added first, after any ^: appended last, `A-Z` after a trailing `-` would read as a range.
  const missing = additions.filter((a) => !body.includes(a)).join('');
  return body.startsWith('^') ? `[^${missing}${body.slice(1)}]` : `[${missing}${body}]`;
}

/**
 * The pattern with every letter matching both cases, spelled out: letters become `[aA]` and
 * classes gain the other case. Escapes (`\s`, `\b`, `\t`, `\xHH`) are left as they are.
 */
export function foldCase(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const esc = escapeAt(pattern, i);
      out += esc;
      i += esc.length;
    } else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j += 1;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? escapeAt(pattern, j).length : 1;
      out += foldClass(pattern.slice(i + 1, j));
      i = j + 1;
    } else if (c === '(' && pattern.startsWith('(?:', i)) {
      out += '(?:';
      i += 3;
    } else if (c === '{') {
      const end = pattern.indexOf('}', i);
      out += pattern.slice(i, end + 1);
      i = end + 1;
    } else {
      out += isLetter(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
      i += 1;
    }
  }
  return out;
}

/**
 * The leading literal of a (?i) entry's body: the run of letters, digits, `_`, `-`, `;` and `:`
 * before the first other character, less its last character when a quantifier follows it.
 */
function leadingLiteral(body: string): string {
  const run = /^[A-Za-z0-9_;:-]*/.exec(body)?.[0] ?? '';
  const next = body[run.length];
  return next === '?' || next === '*' || next === '+' || next === '{' ? run.slice(0, -1) : run;
}

/**
 * The patterns the Collector runs for one rule entry: the entry itself unless it is a (?i)
 * entry with a leading keyword, which becomes one pattern per spelling of that keyword.
 */
export function goPatterns(entry: string): string[] {
  if (!entry.startsWith('(?i)')) return [entry];
  const body = entry.slice('(?i)'.length);
  const lead = leadingLiteral(body);
  const rest = foldCase(body.slice(lead.length));
  if (!/[A-Za-z]/.test(lead)) return [lead + rest];
  if (lead.length < MIN_LEAD) return [entry];
  return spellings(lead).map((spelling) => spelling + rest);
}
