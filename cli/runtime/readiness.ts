/**
 * Readiness as small wait strategies, each with its own name and deadline, so a failure says
 * exactly what was awaited and for how long ("collector health on 127.0.0.1:13133: not ready
 * after 30 s: connection refused").
 */
export interface WaitStrategy {
  name: string;
  timeoutMs: number;
  /** Resolves true when ready; false or a throw means "not yet" (the last reason is reported). */
  probe(): Promise<boolean>;
}

export class NotReadyError extends Error {
  constructor(
    readonly strategy: string,
    readonly waitedMs: number,
    readonly reason: string,
  ) {
    super(`${strategy}: not ready after ${(waitedMs / 1000).toFixed(0)} s${reason ? `: ${reason}` : ''}`);
  }
}

/** `abort` is asked between probes: a reason (e.g. the process exited) ends the wait at once. */
export async function waitFor(strategy: WaitStrategy, options: { intervalMs?: number; abort?: () => Promise<string | undefined> | string | undefined } = {}): Promise<number> {
  const started = Date.now();
  let reason = '';
  for (;;) {
    const aborted = await options.abort?.();
    if (aborted) throw new NotReadyError(strategy.name, Date.now() - started, aborted);
    try {
      if (await strategy.probe()) return Date.now() - started;
      reason = 'not ready yet';
    } catch (e) {
      reason = describe(e);
    }
    if (Date.now() - started > strategy.timeoutMs) throw new NotReadyError(strategy.name, Date.now() - started, reason);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
}

export function httpOk(name: string, url: string, timeoutMs: number, init: RequestInit = {}): WaitStrategy {
  return {
    name,
    timeoutMs,
    async probe() {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return true;
    },
  };
}

function describe(e: unknown): string {
  const cause = (e as { cause?: { code?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  return e instanceof Error ? e.message : String(e);
}
