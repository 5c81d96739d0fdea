import { describe, expect, it } from 'vitest';

import { secretPatterns, loadSecretRules } from '../../cli/privacy/secret-rules.js';
import { toJsRegExp } from '../../cli/privacy/secret-regex.js';
import { INERT_SHAPES, inertShapePattern } from '../../cli/render/sanitize/inert-values.js';
import { REDACTION_PII_PATTERNS } from '../../cli/render/sanitize/pii-patterns.js';
import { goAvailable, runGoRegexp } from './go-regexp.js';

/** Every built-in pattern redaction/values can be given. */
const PATTERNS = [...secretPatterns(loadSecretRules()), ...REDACTION_PII_PATTERNS];

/** The characters of a class body such as `a-z0-9_-` (ranges, then literal characters). */
function alphabet(chars: string): string {
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    const end = chars[i + 2];
    if (chars[i + 1] === '-' && end !== undefined) {
      for (let code = c.charCodeAt(0); code <= end.charCodeAt(0); code++) out += String.fromCharCode(code);
      i += 2;
    } else out += c;
  }
  return out;
}

describe('inert value shapes', () => {
  it('reads class bodies as the characters they stand for', () => {
    expect(alphabet('a-c0-2_-')).toBe('abc012_-');
    expect(alphabet('0-9a-f-')).toBe('0123456789abcdef-');
  });

  it('are whole-value, anchored patterns', () => {
    expect(INERT_SHAPES.map(inertShapePattern)).toEqual(['^[a-z0-9_-]{1,24}$', '^[a-z_.-]{1,24}$', '^[A-Za-z_.-]{1,15}$', '^[0-9a-f-]{1,40}$']);
  });

  it('match no built-in pattern in random values of their shape (JavaScript)', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const compiled = PATTERNS.map((p) => toJsRegExp(p));
    const hits: string[] = [];
    for (const shape of INERT_SHAPES) {
      const chars = alphabet(shape.chars);
      for (let n = 0; n < 2000; n++) {
        const length = 1 + (next() % shape.maxLength);
        const value = Array.from({ length }, () => chars[next() % chars.length]).join('');
        const i = compiled.findIndex((re) => re.test(value));
        if (i >= 0) hits.push(`${value} matched ${PATTERNS[i]}`);
      }
    }
    expect(hits).toEqual([]);
  });

  describe.skipIf(!goAvailable())('under Go regexp', () => {
    it('bounds the shortest match over an alphabet correctly on known patterns', () => {
      const cases: [string, string, number][] = [
        ['sk-ant-[a-z]{20}', 'abcdefghijklmnopqrstuvwxyz-', 27],
        ['(?i)abc', 'ABC', 3],
        ['x|yy', 'y', 2],
        ['\\bfoo\\b', 'fo', 3],
        ['[0-9]{3}', 'abc', -1],
        ['a(?:b|c{2,})d', 'acd', 4],
        ['a[^b]*b', 'ab', 2],
      ];
      const response = runGoRegexp({ patterns: cases.map(([regex], i) => ({ id: String(i), regex })), alphabets: [...new Set(cases.map(([, a]) => a))] });
      const alphabets = [...new Set(cases.map(([, a]) => a))];
      cases.forEach(([regex, a, expected], i) => {
        expect(response.minLengths[i]?.[alphabets.indexOf(a)], regex).toBe(expected);
      });
    });

    it('cannot contain a match of any built-in pattern: each needs more characters of the shape than it allows, or others', () => {
      const alphabets = INERT_SHAPES.map((s) => alphabet(s.chars));
      const response = runGoRegexp({ patterns: PATTERNS.map((regex, i) => ({ id: String(i), regex })), alphabets });
      expect(response.compileErrors).toEqual([]);
      const failures: string[] = [];
      PATTERNS.forEach((pattern, i) => {
        INERT_SHAPES.forEach((shape, k) => {
          const min = response.minLengths[i]?.[k];
          if (min === undefined || (min >= 0 && min <= shape.maxLength)) {
            failures.push(`${inertShapePattern(shape)}: ${pattern} can match ${min} characters of it`);
          }
        });
      });
      expect(failures).toEqual([]);
    });
  });
});
