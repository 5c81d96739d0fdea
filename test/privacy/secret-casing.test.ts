import { describe, expect, it } from 'vitest';

import { foldCase, goPatterns, spellings } from '../../tools/privacy/secret-casing.js';
import { loadSecretRules } from '../../tools/privacy/secret-rules.js';
import { toJsRegExp } from '../../tools/privacy/secret-regex.js';
import { goAvailable, runGoRegexp } from './go-regexp.js';

describe('case-insensitive rules spelled out for Go', () => {
  it('spells a keyword as written, lower, upper, capitalised and capitalised per word', () => {
    expect(spellings('secret')).toEqual(['secret', 'SECRET', 'Secret']);
    expect(spellings('AccountKey')).toEqual(['AccountKey', 'accountkey', 'ACCOUNTKEY', 'Accountkey']);
    expect(spellings('x-honeycomb-team')).toEqual(['x-honeycomb-team', 'X-HONEYCOMB-TEAM', 'X-honeycomb-team', 'X-Honeycomb-Team']);
  });

  it('folds letters and classes, and leaves escapes, counts and class edges alone', () => {
    expect(foldCase('key')).toBe('[kK][eE][yY]');
    expect(foldCase('[a-z0-9_.-]{0,20}')).toBe('[A-Za-z0-9_.-]{0,20}');
    expect(foldCase('[A-Za-z]')).toBe('[A-Za-z]');
    expect(foldCase('[sbr]\\.')).toBe('[SBRsbr]\\.');
    expect(foldCase('[^a-f\\s]')).toBe('[^A-Fa-f\\s]');
    expect(foldCase('\\b\\s\\t\\x41(?:ab|c)?')).toBe('\\b\\s\\t\\x41(?:[aA][bB]|[cC])?');
  });

  it('leaves a pattern without (?i) as it is and spells out the leading keyword of one with it', () => {
    expect(goPatterns('ghp_[A-Za-z0-9]{36}')).toEqual(['ghp_[A-Za-z0-9]{36}']);
    expect(goPatterns('(?i)token=[a-z]+')).toEqual(['token=[A-Za-z]+', 'TOKEN=[A-Za-z]+', 'Token=[A-Za-z]+']);
    // A quantified last letter is not part of the literal: `passw?` is `pass` then `w?`.
    expect(goPatterns('(?i)passw?d')).toEqual(['pass[wW]?[dD]', 'PASS[wW]?[dD]', 'Pass[wW]?[dD]']);
    expect(goPatterns('(?i);pwd=')).toEqual([';pwd=', ';PWD=', ';Pwd=']);
    // No letters in the lead: one pattern, the rest folded.
    expect(goPatterns('(?i);[ \\t]*pwd=')).toEqual([';[ \\t]*[pP][wW][dD]=']);
    // Nothing to search for: the same pattern, folded, or a one-letter lead kept as written.
    expect(goPatterns('(?i)\\bdd_key')).toEqual(['\\b[dD][dD]_[kK][eE][yY]']);
    expect(goPatterns('(?i)x[0-9]')).toEqual(['(?i)x[0-9]']);
  });

  it('means what the (?i) pattern means for every spelling it keeps (JavaScript)', () => {
    const entry = '(?i)secret[_-]?key[ \\t]*=[ \\t]*[a-z0-9]{8}';
    const original = toJsRegExp(entry);
    const spelled = goPatterns(entry).map((p) => toJsRegExp(p));
    const texts = ['secret_key = abcd1234', 'SECRET_KEY=ABCD1234', 'Secret-Key = AbCd1234', 'SecretKEY=abcdEFGH', 'my_secret_key=x', 'secret_key=abc'];
    for (const text of texts) {
      expect(
        spelled.some((re) => re.test(text)),
        text,
      ).toBe(original.test(text));
    }
    // The one thing given up: a keyword in an unusual mixed case.
    expect(original.test('sEcReT_key=abcd1234')).toBe(true);
    expect(spelled.some((re) => re.test('sEcReT_key=abcd1234'))).toBe(false);
  });
});

// Go tries a pattern without a leading literal at every position of every value: about forty
// times the cost of one it can search for. These rules have no literal to lead with, or need a
// word boundary in front of it (their negative samples show what matches without one).
const NO_LITERAL_PREFIX = new Set([
  'azure-ad-client-secret',
  'terraform-cloud-token',
  'discord-bot-token',
  'telegram-bot-token',
  'mailgun-api-key',
  'mailgun-private-api-key',
  'mailchimp-api-key',
  'square-access-token',
  'openai-compatible-key',
  'cohere-api-key',
  'datadog-api-key',
  'datadog-app-key',
  'newrelic-license-key',
  'asana-pat',
  'airtable-pat',
  'azure-devops-pat-new',
  'clickhouse-cloud-api-secret',
  'crates-io-api-token',
  'elevenlabs-api-key',
  'fireworks-api-key',
  'nuget-api-key',
  'octopus-deploy-api-key',
  'resend-api-key',
  'scaleway-access-key',
  'voyage-api-key',
  'woocommerce-api-key',
]);

describe.skipIf(!goAvailable())('secret patterns under Go regexp', () => {
  it('start with a literal Go can search for, except in the rules listed', () => {
    const rules = loadSecretRules();
    const patterns = rules.flatMap((r) => r.patterns.map((regex) => ({ id: r.id, regex })));
    const { prefixes, compileErrors } = runGoRegexp({ patterns });
    expect(compileErrors).toEqual([]);
    const slow = [...new Set(patterns.filter((_, i) => prefixes[i] === '').map((p) => p.id))];
    expect(slow.sort()).toEqual([...NO_LITERAL_PREFIX].sort());
  });
});
