import { createHmac } from 'node:crypto';
import { readHmacKey } from '../home/secrets.js';
import type { Stack } from '../stack/resolve.js';

/**
 * The value the pipeline stores for a user id or email: redaction's hmac-sha256 is HMAC-SHA256 of
 * the whole value under the key, in lower-case hex; with privacy.userId.mode keep it is the value
 * itself. (mode drop stores none, so nothing can match.)
 */
export function storedUserId(stack: Stack, env: NodeJS.ProcessEnv, id: string): string {
  if (stack.privacy.userId.mode !== 'hmac') return id;
  return createHmac('sha256', readHmacKey(stack, env)).update(id, 'utf8').digest('hex');
}
