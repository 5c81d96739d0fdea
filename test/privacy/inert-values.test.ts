import { describe, expect, it } from 'vitest';

import { loadSecretRules, secretPatterns } from '../../tools/privacy/secret-rules.js';
import { INERT_SHAPES } from '../../cli/render/sanitize/inert-values.js';
import { REDACTION_PII_PATTERNS } from '../../cli/render/sanitize/pii-patterns.js';
import { goAvailable, runGoRegexp } from './go-regexp.js';

/** Every built-in pattern redaction/values can be given. */
const PATTERNS = [...secretPatterns(loadSecretRules()), ...REDACTION_PII_PATTERNS];

const matchesAShape = (value: string) => INERT_SHAPES.some((shape) => new RegExp(shape).test(value));

describe('inert value shapes', () => {
  it('cover the values telemetry carries most', () => {
    const common = [
      'api_request',
      'non-interactive',
      'claude-opus-4-1-20250805',
      'accept',
      '1200',
      'claude_code.api_request',
      'firstParty',
      'Bash',
      '62868a0a-a8a3-4e9d-a01d-0b8896600083',
      'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
      '2026-11-22T00:15:31.117Z',
      '2026-11-22T00:15:31+01:00',
      '2.1.330',
      'v1.2.3-rc.4',
      '0.00721',
    ];
    expect(common.filter((v) => !matchesAShape(v))).toEqual([]);
  });

  it('take in nothing that carries a secret or personal data', () => {
    const sensitive = [
      'AKIAIOSFODNN7EXAMPLE',
      'ghp_0123456789abcdefghijABCDEFGHIJ012345',
      'glrt-abcdefghij0123456789',
      'alice@example.com',
      '10.0.0.1',
      '1.2.3.4',
      'fe80::1',
      '::1',
      '/home/alice',
      'password=hunter22',
      '0123456789abcdef0123456789abcdef-0123abcd-0123abcd',
    ];
    expect(sensitive.filter(matchesAShape)).toEqual([]);
  });

  describe.skipIf(!goAvailable())('under Go regexp', () => {
    it('finds a pattern inside a shape when it can be there, and only then', () => {
      const cases: [string, string, boolean][] = [
        ['sk-ant-[a-z]{20}', '^[a-z-]{1,27}$', true],
        ['sk-ant-[a-z]{20}', '^[a-z-]{1,26}$', false],
        ['[0-9]{2}:[0-9]{2}', '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z$', true],
        ['::1\\b', '^[0-9]{2}:[0-9]{2}:[0-9]{2}$', false],
        ['(?i)abc', '^[A-C]{3}$', true],
        ['x\\.y', '^xy$', false],
        ['\\bfoo\\b', '^[a-z]+$', true],
      ];
      const shapes = [...new Set(cases.map(([, shape]) => shape))];
      const response = runGoRegexp({ patterns: cases.map(([regex], i) => ({ id: String(i), regex })), shapes });
      expect(response.shapeErrors).toEqual([]);
      cases.forEach(([regex, shape, expected], i) => {
        expect(response.inside[i]?.[shapes.indexOf(shape)], `${regex} in ${shape}`).toBe(expected);
      });
    });

    it('refuse a shape that reads beyond ASCII (the search tries ASCII runes only)', () => {
      const response = runGoRegexp({ patterns: [{ id: 'p', regex: 'x' }], shapes: ['^[^a]+$', '^.{3}$'] });
      expect(response.shapeErrors).toHaveLength(2);
      expect(response.inside[0]).toEqual([true, true]);
    });

    it('cannot hold a match of any built-in pattern', () => {
      const response = runGoRegexp({ patterns: PATTERNS.map((regex, i) => ({ id: String(i), regex })), shapes: [...INERT_SHAPES] });
      expect(response.compileErrors).toEqual([]);
      expect(response.shapeErrors).toEqual([]);
      const failures = PATTERNS.flatMap((pattern, i) => INERT_SHAPES.filter((_, k) => response.inside[i]?.[k] !== false).map((shape) => `${shape} may contain a match of ${pattern}`));
      expect(failures).toEqual([]);
    });
  });
});
