import { UserError } from '../errors.js';
import type { Stack } from '../stack/resolve.js';
import { storageEndpoint } from '../stack/storage-endpoint.js';

/**
 * Whether storage answers its health endpoint within a deadline. A stopped, deadlocked or
 * swapping storage process keeps its socket open and never answers: without this, a query waits
 * out its own long timeout and a person sees nothing for a minute. Asked first, it names the part
 * in seconds.
 */
export const STORAGE_HEALTH_MS = 3000;

export async function storageHealth(stack: Stack, timeoutMs = STORAGE_HEALTH_MS): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { url } = storageEndpoint(stack);
  const path = stack.backend === 'loki' ? '/ready' : '/ping';
  try {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok ? { ok: true } : { ok: false, reason: `${path} answered HTTP ${res.status}` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === 'TimeoutError') return { ok: false, reason: `${path} did not answer within ${timeoutMs / 1000} s (hung or overloaded)` };
    if (err.cause?.code === 'ECONNREFUSED') return { ok: false, reason: 'connection refused (not running)' };
    return { ok: false, reason: err.cause?.code ?? err.message };
  }
}

/** The part to name in messages: the stack's own storage process, or the user's server. */
export function storagePartName(stack: Stack): string {
  const { label, external } = storageEndpoint(stack);
  return external ? label : `${label} (the stack's ${stack.backend === 'loki' ? 'loki' : 'clickhouse'} part)`;
}

/** Throws one line naming the part when storage does not answer; see storageHealth. */
export async function requireStorageAnswers(stack: Stack, timeoutMs = STORAGE_HEALTH_MS): Promise<void> {
  const health = await storageHealth(stack, timeoutMs);
  if (health.ok) return;
  const fix = storageEndpoint(stack).external ? 'check that server' : 'see telemetry-stack status, and restart it with telemetry-stack down && telemetry-stack up';
  throw new UserError(`${storagePartName(stack)}: ${health.reason}; ${fix}`);
}
