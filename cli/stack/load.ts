import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { formatProblem, UserError, type Problem } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { substituteEnv } from './env-substitution.js';
import { checkStackRules } from './rules.js';
import { stackFileSchema, type StackFile } from './schema.js';
import { checkVersion } from './version.js';

export interface LoadResult {
  stack?: StackFile;
  problems: Problem[];
}

/**
 * Parses a stack file as a YAML Document (so every problem carries a line), substitutes env
 * references, validates against the schema and the cross-field rules, and returns every problem
 * at once. `stack` is set only when there is no error (warnings may remain).
 */
export function parseStackFile(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadResult {
  const result = parse(text, file, env);
  return { ...result, problems: result.problems.map(oneLineProblem) };
}

/** A stack file is a few dozen lines; these bound the work a wrong or hostile file can cause. */
export const MAX_STACK_FILE_BYTES = 1024 * 1024;
export const MAX_STACK_FILE_KEYS = 10_000;

function parse(text: string, file: string, env: NodeJS.ProcessEnv): LoadResult {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_STACK_FILE_BYTES) {
    return { problems: [{ file, line: 1, path: '', message: `the file is ${bytes} bytes; a stack file holds at most ${MAX_STACK_FILE_BYTES} (1 MiB)`, severity: 'error' }] };
  }
  const lineCounter = new LineCounter();
  // logLevel error: the library would otherwise print its own warnings (e.g. for a collection used as a
  // key) on the host's stderr; the schema reports such a key as unknown, with its line.
  // uniqueKeys false: the library compares every key with every other (quadratic: 80,000 keys took
  // minutes); duplicateKeys() below does the same check in one pass.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);

  const problems: Problem[] = [];
  for (const e of doc.errors) {
    problems.push({ file, line: lineOf(e.pos[0]), path: '', message: firstLine(e.message), severity: 'error' });
  }
  if (problems.length > 0) return { problems };
  const keys = keyProblems(doc);
  for (const k of keys) problems.push({ file, line: lineOf(k.offset), path: '', message: k.message, severity: 'error' });
  if (problems.length > 0) return { problems };

  substituteDocumentEnv(doc, env, (node, path, message) => problems.push({ file, line: lineOf(node.range?.[0]), path, message, severity: 'error' }));

  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (e) {
    // Aliases are resolved only here: an undefined anchor, or aliases that expand exponentially
    // (the yaml library's guard against "billion laughs"), throw instead of landing in doc.errors.
    return { problems: [...problems, { file, line: 1, path: '', message: aliasMessage(e), severity: 'error' }] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { problems: [...problems, { file, line: 1, path: '', message: 'expected a mapping of keys (start with `version: 1`)', severity: 'error' }] };
  }

  const version = checkVersion((raw as Record<string, unknown>)['version']);
  if (version) problems.push({ file, line: locate(doc, ['version'], lineOf), path: 'version', ...version });

  const parsed = stackFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(issueToProblem(issue, doc, file, lineOf));
  } else {
    for (const rule of checkStackRules(parsed.data)) {
      problems.push({ file, line: locate(doc, rule.path, lineOf), path: rule.path.join('.'), message: rule.message, severity: rule.severity });
    }
  }

  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const failed = problems.some((p) => p.severity === 'error');
  return failed || !parsed.success ? { problems } : { stack: parsed.data, problems };
}

/**
 * Problems quote what the file holds (a key, a value), and a file can hold newlines, control
 * characters or megabytes in either; each problem must still print as one readable line.
 */
function oneLineProblem(p: Problem): Problem {
  return { ...p, path: oneLine(p.path, 120), message: oneLine(p.message, 400) };
}

function oneLine(text: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern matches control characters on purpose
  const flat = text.replace(/\r\n|[\r\n]/g, '\\n').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function aliasMessage(e: unknown): string {
  const message = firstLine((e as Error).message ?? String(e));
  if (/excessive alias count/i.test(message)) return 'YAML aliases expand to too many values (a guard against resource exhaustion); write the values out instead of nesting aliases';
  return message;
}

/** Reads and parses a stack file; throws one UserError listing every problem when it has errors. */
export function loadStackFile(file: string, env: NodeJS.ProcessEnv = process.env): { stack: StackFile; problems: Problem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? 'not found; run `telemetry-stack init` to write one, or pass -f <file>' : `cannot be read (${code ?? String(e)})`;
    throw new UserError(`${file}: ${hint}`);
  }
  const { stack, problems } = parseStackFile(text, file, env);
  if (!stack) {
    const errors = problems.filter((p) => p.severity === 'error');
    // One problem is one line; several get a count, then a line each.
    if (problems.length === 1) throw new UserError(formatProblem(problems[0]!));
    const lines = problems.map(formatProblem);
    throw new UserError(`${file}: ${errors.length} error${errors.length === 1 ? '' : 's'}`, lines);
  }
  return { stack, problems };
}

function substituteDocumentEnv(doc: Document, env: NodeJS.ProcessEnv, report: (node: Node, path: string, message: string) => void): void {
  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      // Keys are never substituted: a key with ${ is reported by the schema as unknown.
      const parent = ancestors[ancestors.length - 1];
      if (isPair(parent) && parent.key === node) return;
      const result = substituteEnv(node.value, env);
      if (result.ok) node.value = result.value;
      else report(node, pathOf(ancestors, node), result.message);
    },
  });
}

function pathOf(ancestors: readonly unknown[], node: unknown): string {
  const parts: string[] = [];
  let child: unknown = node;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i];
    if (isPair(a) && isScalar(a.key)) parts.unshift(String(a.key.value));
    else if (isSeq(a)) parts.unshift(String(a.items.indexOf(child as never)));
    child = a;
  }
  return parts.join('.');
}

function issueToProblem(issue: z.core.$ZodIssue, doc: Document, file: string, lineOf: (offset: number | undefined) => number | undefined): Problem {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = knownKeysAt(path);
    const suggestion = didYouMean(key, known);
    const fix = suggestion ? `did you mean '${suggestion}'?` : `known keys: ${known.join(', ')}`;
    const extra =
      issue.keys.length > 1
        ? ` (and ${issue.keys
            .slice(1)
            .map((k) => `'${k}'`)
            .join(', ')})`
        : '';
    return {
      file,
      line: locateKey(doc, path, key, lineOf),
      path: [...path, key].join('.'),
      message: `unknown key${extra}; ${fix}`,
      severity: 'error',
    };
  }
  return { file, line: locate(doc, path, lineOf), path: path.join('.'), message: describeIssue(issue), severity: 'error' };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      return issue.message.includes('received undefined') ? `required (${issue.expected})` : `expected ${issue.expected}`;
    default:
      return issue.message;
  }
}

/** Line of the value at `path`, or of the closest ancestor that exists. */
function locate(doc: Document, path: readonly (string | number)[], lineOf: (o: number | undefined) => number | undefined): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n).map(asIndex), true) as Node | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) return lineOf(node.range[0]);
  }
  return 1;
}

function locateKey(doc: Document, parent: readonly string[], key: string, lineOf: (o: number | undefined) => number | undefined): number | undefined {
  const map = parent.length === 0 ? doc.contents : doc.getIn(parent.map(asIndex), true);
  if (isMap(map)) {
    const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (pair && isScalar(pair.key) && pair.key.range) return lineOf(pair.key.range[0]);
  }
  return locate(doc, parent, lineOf);
}

const asIndex = (p: string | number) => (typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : p);

/** Keys the schema allows at a path, for did-you-mean. */
function knownKeysAt(path: readonly string[]): string[] {
  let schema = unwrap(stackFileSchema);
  for (const part of path) {
    const def = defOf(schema);
    if (def?.type === 'object') schema = unwrap((def['shape'] as Record<string, unknown>)[part]);
    else if (def?.type === 'array') schema = unwrap(def['element']);
    else return [];
  }
  const def = defOf(schema);
  return def?.type === 'object' ? Object.keys(def['shape'] as object) : [];
}

function defOf(schema: unknown): ({ type: string } & Record<string, unknown>) | undefined {
  return (schema as { _zod?: { def?: { type: string } & Record<string, unknown> } } | undefined)?._zod?.def;
}

function unwrap(schema: unknown): unknown {
  let s = schema;
  for (let def = defOf(s); def && 'innerType' in def; def = defOf(s)) s = def['innerType'];
  return s;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Duplicate keys (each map checked in one pass over its keys) and the key count, in one walk.
 * Stops at the first key past the limit: a file of a million keys costs no more than the limit.
 */
function keyProblems(doc: Document): { offset: number | undefined; message: string }[] {
  const problems: { offset: number | undefined; message: string }[] = [];
  let count = 0;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        count += 1;
        if (count > MAX_STACK_FILE_KEYS) {
          problems.push({ offset: (pair.key as Node | null)?.range?.[0], message: `more than ${MAX_STACK_FILE_KEYS} keys; a stack file needs a few dozen` });
          return visit.BREAK;
        }
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        if (seen.has(key)) problems.push({ offset: (pair.key as Node).range?.[0], message: `${key}: duplicate key; keep one` });
        seen.add(key);
      }
      return undefined;
    },
  });
  return problems;
}
