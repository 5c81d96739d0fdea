import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { hmacKeyFile } from '../runtime/secrets.js';
import type { Stack } from '../stack/resolve.js';

/** The key the Collector hashes user ids with: the environment variable, else the stored file. */
export function readHmacKey(stack: Stack, env: NodeJS.ProcessEnv): string {
  const name = stack.privacy.userId.keyEnv;
  if (env[name]) return env[name]!;
  const file = hmacKeyFile(stack);
  const stored = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!stored) throw new UserError(`$${name} is not set and ${file} does not exist; set ${name} to the key the stack hashes user ids with`);
  return stored;
}

/**
 * The value the pipeline stores for a user id or email: redaction's hmac-sha256 is HMAC-SHA256 of
 * the whole value under the key, in lower-case hex; with privacy.userId.mode keep it is the value
 * itself. (mode drop stores none, so nothing can match.)
 */
export function storedUserId(stack: Stack, env: NodeJS.ProcessEnv, id: string): string {
  if (stack.privacy.userId.mode !== 'hmac') return id;
  return createHmac('sha256', readHmacKey(stack, env)).update(id, 'utf8').digest('hex');
}
