import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const LINT_FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'lint');

/** The variables the passing fixtures reference; set so unset-env stays quiet on them. */
export const LINT_FIXTURE_ENV = {
  LINT_FIXTURE_TOKEN: 'fixture-token-0123456789abcdef0123456789abcdef',
  LINT_FIXTURE_PASSWORD: 'fixture-password',
  LINT_FIXTURE_TENANT: 'fixture-tenant',
};

export function lintFixtureRules(): string[] {
  return readdirSync(LINT_FIXTURE_DIR).sort();
}

export const triggersFixture = (rule: string) => join(LINT_FIXTURE_DIR, rule, 'triggers.yaml');
export const passesFixture = (rule: string) => join(LINT_FIXTURE_DIR, rule, 'passes.yaml');
