import { startDeadline } from './deadline.js';
import { encodeLogs, type LogEvent, type OtlpProtocol } from './encode.js';
import type { SendResult } from './result.js';
import { postOtlp } from './transport.js';

// The send path, built into a file of its own (send.js) that the entry modules import with import() once
// consent and an endpoint say a send will happen: a disabled run never loads it.

/** The fingerprint and instance id are needed only by a send, so they load with it. */
export { readOrCreateId } from './persistent-id.js';

export interface SendRequest {
  url: URL;
  protocol: OtlpProtocol;
  timeoutMs: number;
  headers?: Readonly<Record<string, string>>;
  resource: Readonly<Record<string, string>>;
  events: readonly LogEvent[];
}

/**
 * Encode and POST under one deadline that starts now, so encoding counts against the host's budget too.
 * Settles on the deadline even if a step never returns; never rejects.
 */
export function sendEvents(request: SendRequest): Promise<SendResult> {
  const deadline = startDeadline(request.timeoutMs);
  const timedOut = new Promise<SendResult>((resolve) => {
    deadline.onExpire(() => resolve('timeout'));
  });
  const work = (async (): Promise<SendResult> => {
    let encoded;
    try {
      encoded = encodeLogs(request.protocol, request.resource, request.events);
    } catch {
      return 'failed';
    }
    return postOtlp({
      url: request.url,
      body: encoded.body,
      contentType: encoded.contentType,
      headers: request.headers,
      deadline,
      timeoutMs: request.timeoutMs,
    });
  })();
  return Promise.race([work, timedOut]).finally(() => deadline.clear());
}
