import { describe, expect, it } from 'vitest';

import { HOME_PATH_PATTERNS, REDACTION_PII_PATTERNS } from '../../cli/render/sanitize/pii-patterns.js';
import { goAvailable, runGoRegexp } from './go-regexp.js';

const PATTERNS = REDACTION_PII_PATTERNS;

const MASKED: [string, string][] = [
  ['ping fe80::1ff:fe23:4567:890a now', 'ping **** now'],
  ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '****'],
  ['route 2001:db8::/32 via', 'route ****/32 via'],
  ['bound to ::1 on 8080', 'bound to **** on 8080'],
  ['from 10.1.2.3 as bob.smith@example.com', 'from **** as ****'],
  ['cd /home/alice/project', 'cd ****/project'],
  // The drive letter is outside the match: the pattern starts at a literal Go can search for.
  ['C:\\Users\\bob\\src', 'C****\\src'],
];

const KEPT = [
  'Bad::method() failed',
  'Vec::new() and std::fs::read',
  'at 12:30:45 on 2026-11-22T00:15:31.117Z',
  'mac 00:1a:2b:3c:4d:5e',
  'claude-sonnet-4-5@20250929',
  'version 1.2.3',
  '/home/****/project',
];

function redactJs(text: string): string {
  return PATTERNS.reduce((out, p) => out.replace(new RegExp(p, 'g'), '****'), text);
}

describe('personal-data patterns', () => {
  it.each(MASKED)('masks %j (JavaScript)', (text, masked) => {
    expect(redactJs(text)).toBe(masked);
  });

  it.each(KEPT)('keeps %j (JavaScript)', (text) => {
    expect(redactJs(text)).toBe(text);
  });

  it('keeps the home prefix in the transform patterns', () => {
    const masked = HOME_PATH_PATTERNS.reduce((out, p) => out.replace(new RegExp(p, 'g'), '$1****'), 'a /Users/carol/x and C:\\\\Users\\\\dan\\\\y');
    expect(masked).toBe('a /Users/****/x and C:\\\\Users\\\\****\\\\y');
  });

  it.skipIf(!goAvailable())('mask and keep the same under Go regexp, as in the Collector', () => {
    const texts = [...MASKED.map(([t]) => t), ...KEPT];
    const response = runGoRegexp({ patterns: PATTERNS.map((regex, i) => ({ id: String(i), regex })), redact: texts });
    expect(response.compileErrors).toEqual([]);
    expect(response.redacted).toEqual([...MASKED.map(([, m]) => m), ...KEPT]);
  });
});
