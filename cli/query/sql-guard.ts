import { UserError } from '../errors.js';

const ALLOWED = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN']);

// Functions that read files, other servers or programs. readonly=2 stops writes but not these on
// a ClickHouse server whose user holds the source grants; the embedded engine's read-only user
// holds none, so there the engine refuses them too and this list is the second layer. None is
// needed to read telemetry.
const OUTSIDE_READERS = new Set(
  [
    'file',
    'fileCluster',
    'url',
    'urlCluster',
    's3',
    's3Cluster',
    'gcs',
    'azureBlobStorage',
    'azureBlobStorageCluster',
    'hdfs',
    'hdfsCluster',
    'remote',
    'remoteSecure',
    'cluster',
    'clusterAllReplicas',
    'mysql',
    'postgresql',
    'mongodb',
    'redis',
    'sqlite',
    'odbc',
    'jdbc',
    'executable',
    'executablePool',
    'input',
    'iceberg',
    'icebergS3',
    'deltaLake',
    'hudi',
    'loop',
    'ytsaurus',
    'arrowFlight',
    'prometheusQuery',
    'timeSeriesData',
  ].map((n) => n.toLowerCase()),
);

type Token = { kind: 'word'; text: string } | { kind: 'punct'; text: string } | { kind: 'literal' };

/** Words, punctuation and literals of one statement; comments and string contents are skipped. */
export function tokens(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith('--', i) || c === '#') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw new UserError('query --sql: a /* comment is never closed; close it with */');
      i = end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      for (;;) {
        if (j >= n) throw new UserError(`query --sql: a ${c} quote is never closed; close it`);
        const d = sql[j]!;
        if (d === '\\') j += 2;
        else if (d === c && sql[j + 1] === c) j += 2;
        else if (d === c) break;
        else j++;
      }
      // A quoted identifier can name a function too (`file`(...)); keep its name as a word.
      out.push(c === "'" ? { kind: 'literal' } : { kind: 'word', text: sql.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '$' && /^\$[A-Za-z0-9_]*\$/.test(sql.slice(i))) {
      const tag = /^\$[A-Za-z0-9_]*\$/.exec(sql.slice(i))![0];
      const end = sql.indexOf(tag, i + tag.length);
      if (end === -1) throw new UserError(`query --sql: a ${tag} heredoc string is never closed; close it with ${tag}`);
      out.push({ kind: 'literal' });
      i = end + tag.length;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      out.push({ kind: 'word', text: sql.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(sql[j]!)) j++;
      out.push({ kind: 'literal' });
      i = j;
    } else {
      out.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return out;
}

/**
 * Refuses, with one line, any statement `query --sql` must not run: anything but a read, more
 * than one statement, INTO OUTFILE, or a function that reads outside the stack's storage. The
 * server's readonly=2 is the enforcement; this is the early, readable answer.
 */
export function checkReadOnlySql(sql: string): void {
  const toks = tokens(sql);
  const first = toks.find((t) => !(t.kind === 'punct' && t.text === '('));
  if (first === undefined) throw new UserError(`query --sql: the statement is empty; e.g. --sql 'SELECT count() FROM otel_logs'`);
  const keyword = first.kind === 'word' ? first.text.toUpperCase() : first.kind === 'punct' ? first.text : 'a literal';
  if (first.kind !== 'word' || !ALLOWED.has(keyword)) {
    throw new UserError(`query --sql: only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN statements run here, not ${keyword}; make changes with telemetry-stack cleanup / purge or a ClickHouse client`);
  }
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.kind === 'punct' && t.text === ';' && toks.slice(k + 1).length > 0) {
      throw new UserError('query --sql: one statement at a time; remove everything after the first ;');
    }
    if (t.kind === 'word' && t.text.toUpperCase() === 'INTO') {
      const next = toks[k + 1];
      if (next?.kind === 'word' && next.text.toUpperCase() === 'OUTFILE') {
        throw new UserError('query --sql: INTO OUTFILE writes a file; remove it and redirect --csv or --json output instead');
      }
    }
    const next = toks[k + 1];
    if (t.kind === 'word' && next?.kind === 'punct' && next.text === '(' && OUTSIDE_READERS.has(t.text.toLowerCase())) {
      throw new UserError(`query --sql: ${t.text}() reads outside the stack's storage; query the telemetry tables (e.g. otel_logs) instead`);
    }
  }
}
