import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homeOf } from '../home/layout.js';
import type { Stack } from '../stack/resolve.js';

/**
 * OTLP/HTTP requests to the stack's own receiver, as a client on this machine would send them:
 * to the bind address (loopback when it binds every interface), over TLS when the receivers serve
 * it, trusting the stack's generated CA. node:https rather than fetch, because fetch cannot be
 * given a CA to trust without a dispatcher package.
 */

export interface ReceiverAnswer {
  status: number;
  body: string;
}

export function receiverHost(stack: Stack): string {
  const bind = stack.receivers.bind;
  if (bind === '0.0.0.0') return '127.0.0.1';
  if (bind === '::') return '::1';
  return bind;
}

export function receiverBaseUrl(stack: Stack): string {
  const host = receiverHost(stack);
  return `${stack.receivers.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${stack.receivers.http.port}`;
}

/** The generated CA, when the stack generates its certificate; otherwise the system's trust applies. */
export function receiverCa(stack: Stack): Buffer | undefined {
  if (!stack.receivers.tls?.generate) return undefined;
  const file = homeOf(stack.dataDir).tls.caFile;
  return existsSync(file) ? readFileSync(file) : undefined;
}

export function postToReceiver(
  stack: Stack,
  path: string,
  body: string | Buffer,
  options: { headers?: Record<string, string>; timeoutMs?: number; plainHttp?: boolean } = {},
): Promise<ReceiverAnswer> {
  const tls = stack.receivers.tls !== undefined && !options.plainHttp;
  const ca = tls ? receiverCa(stack) : undefined;
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(
      {
        host: receiverHost(stack),
        port: stack.receivers.http.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.headers ?? {}), 'content-length': String(payload.length) },
        timeout: options.timeoutMs ?? 5000,
        ...(ca ? { ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
