import { loadSecretRules, secretPatterns } from '../privacy/secret-rules.js';
import type { SanitizeInputs } from './sanitize/chain.js';

/** What the renderers need beyond the stack file: the secret ruleset from configs/secrets/. */
export function loadSanitizeInputs(): SanitizeInputs {
  return { secretPatterns: secretPatterns(loadSecretRules()) };
}
