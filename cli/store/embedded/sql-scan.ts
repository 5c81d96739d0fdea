/**
 * A lexical scan of one ClickHouse statement, just deep enough for the HTTP interface: which
 * statement it is, whether a second statement follows, which FORMAT it names, and for
 * `INSERT ... FORMAT x` / `INSERT ... VALUES` where the inline data begins. It never parses
 * expressions; the engine does that. It must work on a prefix of a request body (the data after
 * an INSERT header can be gigabytes of binary), so it reports `incomplete` instead of guessing.
 *
 * The input is expected as a latin1-decoded string when it comes from bytes, so that string
 * offsets equal byte offsets and binary data after the header cannot confuse UTF-8 decoding.
 */

export interface InsertData {
  /** Offset of the first data byte in the scanned text. */
  dataOffset: number;
  /** Input format: the FORMAT name, or `Values` for `INSERT ... VALUES`. */
  format: string;
  /** Where `FROM INFILE` has to be spliced in: before a top-level SETTINGS, else before FORMAT/VALUES. */
  infileSpliceOffset: number;
  /** Start of the FORMAT or VALUES keyword that ends the header. */
  clauseStart: number;
}

export type ScanResult =
  | { state: 'incomplete' }
  | {
      state: 'statement';
      /** First keyword, upper-case; '' when the text holds no statement at all. */
      keyword: string;
      /** Top-level FORMAT clause, when present and naming a known format. */
      format?: string;
      /** Another statement follows a top-level `;`. */
      multiStatement: boolean;
    }
  | ({ state: 'insert-data'; keyword: 'INSERT' } & InsertData);

type Token =
  | { t: 'word'; v: string; start: number; end: number }
  | { t: 'qident'; v: string; start: number; end: number }
  | { t: 'string'; start: number; end: number }
  | { t: 'punct'; v: string; start: number; end: number }
  | { t: 'number'; start: number; end: number };

const HORIZONTAL_WS = new Set([' ', '\t', '\r', '\f', '\v']);

function isWs(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

function isWordStart(c: string): boolean {
  return /[A-Za-z_]/.test(c);
}

function isWordChar(c: string): boolean {
  return /[A-Za-z0-9_$]/.test(c);
}

/** Reads one token at `i` (after whitespace/comments are skipped); undefined = ran out mid-token. */
function readToken(s: string, i: number, complete: boolean): Token | 'eof' | undefined {
  const n = s.length;
  const c = s[i];
  if (c === undefined) return 'eof';
  if (isWordStart(c)) {
    let j = i + 1;
    while (j < n && isWordChar(s[j] as string)) j++;
    // A word that touches the end of a partial buffer may continue in the next chunk.
    if (j === n && !complete) return undefined;
    return { t: 'word', v: s.slice(i, j), start: i, end: j };
  }
  if (/[0-9]/.test(c)) {
    let j = i + 1;
    while (j < n && /[0-9A-Za-z_.]/.test(s[j] as string)) j++;
    if (j === n && !complete) return undefined;
    return { t: 'number', start: i, end: j };
  }
  if (c === "'" || c === '"' || c === '`') {
    let j = i + 1;
    let value = '';
    while (j < n) {
      const d = s[j] as string;
      if (d === '\\') {
        if (j + 1 >= n) break;
        value += s[j + 1];
        j += 2;
        continue;
      }
      if (d === c) {
        // A doubled quote is an escaped quote inside the literal.
        if (s[j + 1] === c) {
          value += c;
          j += 2;
          continue;
        }
        if (j + 1 === n && !complete) return undefined;
        const end = j + 1;
        return c === "'" ? { t: 'string', start: i, end } : { t: 'qident', v: value, start: i, end };
      }
      value += d;
      j++;
    }
    return complete ? { t: 'punct', v: c, start: i, end: n } : undefined;
  }
  return { t: 'punct', v: c, start: i, end: i + 1 };
}

/** Skips whitespace and comments; returns the next significant offset, or undefined mid-comment. */
function skipTrivia(s: string, i: number, complete: boolean): number | undefined {
  const n = s.length;
  for (;;) {
    while (i < n && isWs(s[i] as string)) i++;
    if (s.startsWith('--', i)) {
      const nl = s.indexOf('\n', i);
      if (nl < 0) return complete ? n : undefined;
      i = nl + 1;
      continue;
    }
    if (s.startsWith('/*', i)) {
      // ClickHouse nests multi-line comments.
      let depth = 0;
      let j = i;
      while (j < n) {
        if (s.startsWith('/*', j)) {
          depth++;
          j += 2;
        } else if (s.startsWith('*/', j)) {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      if (depth !== 0) return complete ? n : undefined;
      i = j;
      continue;
    }
    // A lone '-' or '/' at the very end of a partial buffer may start a comment.
    if (!complete && i === n - 1 && (s[i] === '-' || s[i] === '/')) return undefined;
    return i;
  }
}

/**
 * Scans `text` (the statement, or a prefix of it when `complete` is false).
 * `isFormatName` decides whether an identifier after a top-level FORMAT is a format name, so
 * a column that happens to be called `format` is not mistaken for a FORMAT clause.
 */
export function scanStatement(
  text: string,
  complete: boolean,
  isFormatName: (name: string) => boolean,
): ScanResult {
  let i = 0;
  let depth = 0;
  let keyword = '';
  let format: string | undefined;
  let multiStatement = false;
  let sawTerminator = false;
  let prev: Token | undefined;
  let insertSettingsOffset: number | undefined;
  let insertHasInfile = false;
  let insertIsSelect = false;
  let tokenIndex = 0;

  for (;;) {
    const at = skipTrivia(text, i, complete);
    if (at === undefined) return { state: 'incomplete' };
    const tok = readToken(text, at, complete);
    if (tok === undefined) return { state: 'incomplete' };
    if (tok === 'eof') break;
    i = tok.end;

    if (sawTerminator) {
      multiStatement = true;
      // Nothing after the second statement matters to the caller.
      break;
    }

    const upper = tok.t === 'word' ? tok.v.toUpperCase() : '';
    if (tokenIndex === 0) keyword = tok.t === 'word' ? upper : tok.t === 'punct' ? tok.v : '';
    tokenIndex++;

    if (tok.t === 'punct') {
      if (tok.v === '(') depth++;
      else if (tok.v === ')') depth = Math.max(0, depth - 1);
      else if (tok.v === ';' && depth === 0) sawTerminator = true;
    }

    // `INSERT INTO format ...` names a table called format, not a FORMAT clause.
    const afterTarget = !(prev?.t === 'word' && /^(INTO|TABLE)$/i.test(prev.v)) && !(prev?.t === 'punct' && prev.v === '.');
    if (keyword === 'INSERT' && depth === 0 && tok.t === 'word' && afterTarget) {
      if (upper === 'INFILE') insertHasInfile = true;
      if ((upper === 'SELECT' || upper === 'WITH') && !insertHasInfile) insertIsSelect = true;
      if (upper === 'SETTINGS' && insertSettingsOffset === undefined) insertSettingsOffset = tok.start;
      if (!insertHasInfile && !insertIsSelect && upper === 'VALUES') {
        return {
          state: 'insert-data',
          keyword: 'INSERT',
          dataOffset: tok.end,
          format: 'Values',
          infileSpliceOffset: insertSettingsOffset ?? tok.start,
          clauseStart: tok.start,
        };
      }
      if (!insertHasInfile && !insertIsSelect && upper === 'FORMAT') {
        const nameAt = skipTrivia(text, i, complete);
        if (nameAt === undefined) return { state: 'incomplete' };
        const nameTok = readToken(text, nameAt, complete);
        if (nameTok === undefined) return { state: 'incomplete' };
        if (nameTok === 'eof' || nameTok.t !== 'word') {
          // Malformed: let the engine produce the syntax error for the whole text.
          break;
        }
        // ClickHouse: the data starts after the newline that follows the format name, or after
        // the whitespace when there is no newline. Binary data may begin with whitespace bytes,
        // so exactly one newline is consumed and nothing after it.
        let d = nameTok.end;
        while (d < text.length && HORIZONTAL_WS.has(text[d] as string)) d++;
        if (d === text.length && !complete) return { state: 'incomplete' };
        if (text[d] === '\n') d++;
        return {
          state: 'insert-data',
          keyword: 'INSERT',
          dataOffset: d,
          format: nameTok.v,
          infileSpliceOffset: insertSettingsOffset ?? tok.start,
          clauseStart: tok.start,
        };
      }
    }

    if (depth === 0 && tok.t === 'word' && prev?.t === 'word' && prev.v.toUpperCase() === 'FORMAT') {
      if (isFormatName(tok.v)) format = tok.v;
    }

    prev = tok;
  }

  if (!complete) return { state: 'incomplete' };
  const result: ScanResult = { state: 'statement', keyword, multiStatement };
  if (format !== undefined) result.format = format;
  return result;
}

/** Statements that only read: allowed for GET requests and for `readonly` settings. */
export const READ_ONLY_KEYWORDS: ReadonlySet<string> = new Set([
  'SELECT',
  'WITH',
  'SHOW',
  'DESC',
  'DESCRIBE',
  'EXISTS',
  'EXPLAIN',
  '(',
]);
