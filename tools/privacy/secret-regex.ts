// The Collector runs blocked_values with Go's regexp (RE2); the tests, the corpus and any
// JavaScript tooling run the same text with RegExp. Both engines accept far more syntax than
// they agree on, so secret patterns keep to a common subset where a pattern means the same
// thing in both. Go remains the authority: the tests also compile and run every pattern there.

/** Go's regexp rejects counted repetitions above this. */
const MAX_REPEAT = 1000;

const LEADING_FLAGS = '(?i)';

// Escapes with one meaning in both engines. Others either fail in one engine (\A, \z, \Q in
// JavaScript; \u, \k, \c in Go) or silently mean a literal letter in JavaScript.
const SHARED_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'n', 'r', 't', 'f', 'v']);

function isPunctuation(c: string): boolean {
  return /^[!-/:-@[-`{-~]$/.test(c);
}

function describeEscape(c: string): string | undefined {
  if (/[1-9]/.test(c)) return `\\${c} is a backreference, which RE2 does not support`;
  if (c === 'k') return '\\k<name> is a named backreference, which RE2 does not support';
  if (c === 'p' || c === 'P') return `\\${c}{...} Unicode classes need the u flag in JavaScript; spell the class out`;
  if ('AzZQEC'.includes(c)) return `\\${c} exists only in Go's syntax`;
  if (c === 'u' || c === 'c') return `\\${c} exists only in JavaScript's syntax`;
  if (c === '0') return '\\0 reads differently in the two engines; use \\x00';
  return undefined;
}

interface Cursor {
  readonly pattern: string;
  index: number;
  readonly problems: string[];
}

function readEscape(cur: Cursor, inClass: boolean): void {
  const next = cur.pattern[cur.index + 1];
  if (next === undefined) {
    cur.problems.push('pattern ends with a lone backslash');
    cur.index += 1;
    return;
  }
  if (next === 'x') {
    const hex = cur.pattern.slice(cur.index + 2, cur.index + 4);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) cur.problems.push('\\x must be followed by exactly two hex digits');
    cur.index += 4;
    return;
  }
  const special = describeEscape(next);
  if (special !== undefined) cur.problems.push(special);
  else if (inClass && next === 'b') cur.problems.push('\\b inside a class is a backspace in JavaScript and an error in Go');
  else if (!SHARED_ESCAPES.has(next) && !isPunctuation(next)) cur.problems.push(`\\${next} is not an escape both engines read the same way`);
  cur.index += 2;
}

function readClass(cur: Cursor): void {
  const start = cur.index;
  cur.index += 1;
  if (cur.pattern[cur.index] === '^') cur.index += 1;
  if (cur.pattern[cur.index] === ']') {
    cur.problems.push(`class at offset ${start} starts with ]: Go reads a literal, JavaScript an empty class; escape it`);
    cur.index += 1;
  }
  while (cur.index < cur.pattern.length) {
    const c = cur.pattern[cur.index];
    if (c === ']') {
      cur.index += 1;
      return;
    }
    if (c === '\\') {
      readEscape(cur, true);
      continue;
    }
    if (c === '[' && cur.pattern[cur.index + 1] === ':') {
      cur.problems.push('[:name:] POSIX classes exist only in Go; spell the class out');
    }
    cur.index += 1;
  }
  cur.problems.push(`class at offset ${start} is not closed`);
}

function readGroupOpening(cur: Cursor): void {
  const rest = cur.pattern.slice(cur.index);
  if (!rest.startsWith('(?')) {
    cur.index += 1;
    return;
  }
  if (rest.startsWith('(?:')) cur.index += 3;
  else if (cur.index === 0 && rest.startsWith(LEADING_FLAGS)) cur.index += LEADING_FLAGS.length;
  else {
    if (rest.startsWith('(?=') || rest.startsWith('(?!')) cur.problems.push('lookahead is not supported by RE2');
    else if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) cur.problems.push('lookbehind is not supported by RE2');
    else if (rest.startsWith('(?<') || rest.startsWith('(?P<')) cur.problems.push('named groups are not used here; use (?:...)');
    else if (rest.startsWith('(?>')) cur.problems.push('atomic groups are not supported by RE2');
    else cur.problems.push('inline flags are allowed only as a leading (?i)');
    cur.index += 2;
  }
}

function readRepeat(cur: Cursor): boolean {
  const m = /^\{(\d+)(?:,(\d*))?\}/.exec(cur.pattern.slice(cur.index));
  if (m === null) {
    cur.problems.push(`literal { at offset ${cur.index} must be escaped`);
    cur.index += 1;
    return false;
  }
  const low = Number(m[1]);
  const high = m[2] === undefined || m[2] === '' ? low : Number(m[2]);
  if (low > MAX_REPEAT || high > MAX_REPEAT) cur.problems.push(`repeat count above ${MAX_REPEAT}: ${m[0]}`);
  if (high < low) cur.problems.push(`repeat range is reversed: ${m[0]}`);
  cur.index += m[0].length;
  return true;
}

function readQuantifierSuffix(cur: Cursor): void {
  const next = cur.pattern[cur.index];
  if (next === '?') cur.index += 1;
  else if (next === '+') {
    cur.problems.push('possessive quantifiers are not supported by RE2');
    cur.index += 1;
  }
}

/**
 * Reasons the pattern is not in the subset both Go RE2 and JavaScript read the same way;
 * empty when it is.
 */
export function portabilityProblems(pattern: string): string[] {
  const cur: Cursor = { pattern, index: 0, problems: [] };
  if (pattern.length === 0) return ['pattern is empty'];
  while (cur.index < pattern.length) {
    const c = pattern[cur.index];
    if (c === '\\') readEscape(cur, false);
    else if (c === '[') readClass(cur);
    else if (c === '(') readGroupOpening(cur);
    else if (c === '.') {
      cur.problems.push(`bare . at offset ${cur.index}: Go lets it match \\r, JavaScript does not; use a class`);
      cur.index += 1;
    } else if (c === '*' || c === '+' || c === '?') {
      cur.index += 1;
      readQuantifierSuffix(cur);
    } else if (c === '{') {
      if (readRepeat(cur)) readQuantifierSuffix(cur);
    } else cur.index += 1;
  }
  return [...new Set(cur.problems)];
}

/**
 * The JavaScript RegExp for a portable pattern: a leading (?i), which JavaScript cannot
 * write inline, becomes the i flag.
 */
export function toJsRegExp(pattern: string, flags = ''): RegExp {
  if (pattern.startsWith(LEADING_FLAGS)) {
    return new RegExp(pattern.slice(LEADING_FLAGS.length), flags.includes('i') ? flags : `${flags}i`);
  }
  return new RegExp(pattern, flags);
}
