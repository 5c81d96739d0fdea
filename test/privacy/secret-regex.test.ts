import { describe, expect, it } from 'vitest';

import { portabilityProblems, toJsRegExp } from '../../tools/privacy/secret-regex.js';
import { goAvailable, runGoRegexp } from './go-regexp.js';

describe('RE2 / JavaScript portability check', () => {
  it.each([
    ['(?=x)a', 'lookahead'],
    ['a(?!x)', 'lookahead'],
    ['(?<=key=)v', 'lookbehind'],
    ['(?<!x)a', 'lookbehind'],
    ['(a)\\1', 'backreference'],
    ['(?<name>a)\\k<name>', 'named groups'],
    ['(?P<name>a)', 'named groups'],
    ['(?>a+)b', 'atomic'],
    ['a++', 'possessive'],
    ['[a-z]{2}+', 'possessive'],
    ['a(?i)b', 'leading (?i)'],
    ['(?s)a', 'leading (?i)'],
    ['\\pL+', 'Unicode classes'],
    ['\\Aabc\\z', "only in Go's syntax"],
    ['\\u0041', "only in JavaScript's syntax"],
    ['[[:alpha:]]+', 'POSIX'],
    ['[\\b]', 'backspace'],
    ['[]a]', 'starts with ]'],
    ['a.b', 'bare .'],
    ['a{1001}', 'above 1000'],
    ['a{3,2}', 'reversed'],
    ['a{', 'literal {'],
    ['[abc', 'not closed'],
    ['\\h', 'not an escape'],
    ['\\x4', 'two hex digits'],
    ['', 'empty'],
  ])('rejects %s (%s)', (pattern, reason) => {
    const problems = portabilityProblems(pattern);
    expect(problems.join('; ')).toContain(reason);
  });

  it.each([
    '(?i)secret[_-]?key\\s*[:=]\\s*["\']?[A-Za-z0-9/+]{40}',
    '\\bAKIA[A-Z0-9]{16}\\b',
    '-----BEGIN RSA PRIVATE KEY-----[\\s\\S]*?-----END RSA PRIVATE KEY-----',
    'sk-[A-Za-z0-9_-]{20,}',
    'x\\.y\\/z\\-\\x41[^\\s"\'<>]+?',
    'a{2,}b{3}c{1,5}?',
  ])('accepts %s', (pattern) => {
    expect(portabilityProblems(pattern)).toEqual([]);
  });

  it('turns a leading (?i) into the i flag, the one flag JavaScript cannot write inline', () => {
    const re = toJsRegExp('(?i)token=[a-z]+', 'g');
    expect(re.source).toBe('token=[a-z]+');
    expect(re.flags).toBe('gi');
    expect('TOKEN=AbC'.replace(re, '*')).toBe('*');
    expect(toJsRegExp('a+').flags).toBe('');
  });
});

describe.skipIf(!goAvailable())('Go regexp runner', () => {
  it('reports what Go rejects, finds leftmost matches and redacts in pattern order', () => {
    const response = runGoRegexp({
      patterns: [
        { id: 'range-with-class', regex: '[a-\\d]' },
        { id: 'word', regex: 'a+' },
        { id: 'digits', regex: '[0-9]{3}' },
      ],
      probes: [
        { pattern: 1, text: 'caab' },
        { pattern: 2, text: 'no digits' },
        { pattern: 0, text: 'a1' },
      ],
      redact: ['xaay 1234'],
    });
    expect(response.compileErrors.map((e) => e.id)).toEqual(['range-with-class']);
    expect(response.matches).toEqual(['aa', null, null]);
    expect(response.redacted).toEqual(['x****y ****4']);
  });
});
