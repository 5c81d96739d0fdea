import { nodeNet, nodeTls } from './builtins.js';
import type { Deadline } from './deadline.js';
import { boundedLookup } from './lookup.js';
import type { SendResult } from './result.js';

export interface PostOptions {
  url: URL;
  body: Uint8Array;
  contentType: string;
  headers?: Readonly<Record<string, string>>;
  /** One deadline for the whole send (encode + connect + answer), started when the send started. */
  deadline: Deadline;
  timeoutMs: number;
}

/**
 * POSTs one OTLP/HTTP request and settles to a result code, never rejecting.
 *
 * The request is one HTTP/1.1 message written on a socket of its own (node:net, or node:tls for https),
 * and the answer is read only up to its status line, after which the socket is destroyed, so nothing of
 * ours outlives the answer. Neither fetch nor node:http is used, for what they cost a process that sends
 * once and exits:
 * - fetch loads undici on first use and holds its pooled keep-alive connection after the answer (measured
 *   on Node 20 against a local sink: first answer ~70 ms vs ~25 ms, exit ~150 ms after the answer vs ~3 ms);
 * - node:http loads some 34 internal modules where node:net needs 24, and its first request initialises
 *   the client machinery (HTTP parser, agent, outgoing message): together about 7 ms more per enabled run
 *   here than this (best of 8: 15 ms vs 8 ms for a first POST to a local sink), for the one thing this
 *   needs from a response, its status code.
 * What node:http did for this request is done here the same way: Host from the URL, credentials in the URL
 * as Basic authorization unless the host sets its own, `Connection: close` (what agent: false sent),
 * header names and values checked (an invalid one fails the send before a socket is opened), and for
 * https the server name sent and the certificate checked against it by node:tls' defaults.
 *
 * The socket stays ref'd on purpose: a CLI that returns from main without awaiting `track` should still
 * get its event out. What bounds the process is the deadline (deadline.ts, an unref'd timer): it destroys
 * the socket, and the promise settles on it even if Node never reports back. So the host lives at most
 * `timeoutMs` past the call, and less when the answer comes sooner.
 */
export async function postOtlp(options: PostOptions): Promise<SendResult> {
  const { url, body, deadline } = options;
  if (deadline.expired) return 'timeout';
  let request: Uint8Array;
  try {
    const head = requestHead(url, options.headers, options.contentType, body.byteLength);
    if (head === undefined) return 'failed';
    request = requestBytes(head, body);
  } catch {
    // decodeURIComponent on malformed credentials in the URL, as in node:http.
    return 'failed';
  }

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    let socket: import('node:net').Socket | undefined;
    let stopWaiting = (): void => {};
    const settle = (result: SendResult): void => {
      if (settled) return;
      settled = true;
      stopWaiting();
      socket?.destroy();
      resolve(result);
    };
    stopWaiting = deadline.onExpire(() => settle('timeout'));
    try {
      const https = url.protocol === 'https:';
      // URL keeps the brackets of an IPv6 literal in `hostname`; sockets want the bare address.
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      const port = url.port === '' ? (https ? 443 : 80) : Number(url.port);
      const lookup = boundedLookup(deadline, options.timeoutMs) as never;
      const net = nodeNet();
      socket = https
        ? nodeTls().connect({
            host,
            port,
            lookup,
            // SNI, and the name the certificate is checked against; an IP address is checked as itself.
            servername: net.isIP(host) === 0 ? host : undefined,
          })
        : net.connect({ host, port, lookup });
      const open = socket;
      open.once(https ? 'secureConnect' : 'connect', () => open.write(request));
      let received = '';
      open.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        const status = finalStatus(received);
        if (status === 'incomplete') return;
        // The body (an OTLP partial-success message at most) changes nothing we would do.
        settle(typeof status === 'number' && status >= 200 && status < 300 ? 'sent' : 'failed');
      });
      open.on('error', () => settle(deadline.expired ? 'timeout' : 'failed'));
      open.on('close', () => settle(deadline.expired ? 'timeout' : 'failed'));
    } catch {
      settle('failed');
    }
  });
}

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: |$)/;
/** Status line and headers of an answer are a few hundred bytes; more without their end is not HTTP. */
const MAX_HEAD = 16 * 1024;

/**
 * The status code of the final answer in what has been received so far. Interim 1xx answers (100
 * Continue, 103 Early Hints) are skipped, as node:http does; a status line that does not parse is 'bad'.
 */
export function finalStatus(received: string): number | 'incomplete' | 'bad' {
  let rest = received;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd === -1) return rest.length > MAX_HEAD ? 'bad' : 'incomplete';
    const match = STATUS_LINE.exec(rest.slice(0, lineEnd));
    if (!match) return 'bad';
    const code = Number(match[1]);
    if (code >= 200 || code < 100) return code;
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd === -1) return rest.length > MAX_HEAD ? 'bad' : 'incomplete';
    rest = rest.slice(headEnd + 4);
  }
}

/** RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What node:http accepts in a header value: no control characters but tab. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Set from the request itself; a host's header of the same name would contradict the message. */
const OWN_HEADERS = new Set(['content-type', 'content-length', 'connection', 'transfer-encoding', 'expect']);

/**
 * The head in latin1 (requestHead lets no character above 0xff through) followed by the body, in one array
 * written by hand: on a CLI's one send, Buffer.from and Buffer.concat are first calls that Node compiles
 * then, about 0.2 ms together, for what is a copy of a few hundred bytes.
 */
function requestBytes(head: string, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(head.length + body.byteLength);
  for (let i = 0; i < head.length; i += 1) bytes[i] = head.charCodeAt(i) & 0xff;
  bytes.set(body, head.length);
  return bytes;
}

/** The request line and headers, or undefined when a header cannot be sent as given. */
function requestHead(
  url: URL,
  extra: Readonly<Record<string, string>> | undefined,
  contentType: string,
  length: number,
): string | undefined {
  const lines = [`POST ${url.pathname}${url.search} HTTP/1.1`];
  const given = new Map<string, string>();
  for (const [name, raw] of Object.entries(extra ?? {})) {
    const value = String(raw);
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) return undefined;
    if (!OWN_HEADERS.has(name.toLowerCase())) given.set(name, value);
  }
  const has = (name: string): boolean => [...given.keys()].some((key) => key.toLowerCase() === name);
  if (!has('host')) lines.push(`Host: ${url.host}`);
  if ((url.username !== '' || url.password !== '') && !has('authorization')) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    lines.push(`Authorization: Basic ${Buffer.from(credentials).toString('base64')}`);
  }
  for (const [name, value] of given) lines.push(`${name}: ${value}`);
  lines.push(`content-type: ${contentType}`, `content-length: ${length}`, 'Connection: close', '', '');
  return lines.join('\r\n');
}
