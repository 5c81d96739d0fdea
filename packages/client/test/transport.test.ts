import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDeadline } from '../src/deadline.js';
import { finalStatus, postOtlp } from '../src/transport.js';
import { buildClient, type BuiltClient } from './helpers/build.js';
import { isolatedHome } from './helpers/env.js';
import { runNode } from './helpers/run-node.js';
import { refusedUrl, startSink, type Sink } from './helpers/servers.js';
import { TEST_TLS_CERT, TEST_TLS_KEY } from './helpers/tls-fixture.js';

// transport.ts writes the HTTP/1.1 request itself instead of using node:http (see there for why), so
// what node:http did for it is checked here: the message a real HTTP server parses, headers, credentials
// in the URL, interim answers, answers that are not HTTP, and https with certificate checks.

const BODY = Uint8Array.from([1, 2, 3, 4]);

function post(url: string, headers?: Record<string, string>, timeoutMs = 2000) {
  return postOtlp({
    url: new URL(url),
    body: BODY,
    contentType: 'application/x-protobuf',
    headers,
    deadline: startDeadline(timeoutMs),
    timeoutMs,
  });
}

/** A TCP server that answers every connection with `reply` (in pieces, if given several). */
async function rawServer(reply: string[], options: { close?: boolean } = {}) {
  const received: Buffer[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.on('error', () => {});
    socket.once('data', async (data: Buffer) => {
      received.push(data);
      for (const piece of reply) {
        socket.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      if (options.close) socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/logs`,
    received,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the request a real HTTP server receives', () => {
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(async () => {
    await sink.close();
  });
  afterEach(() => {
    sink.requests.length = 0;
  });

  it('is a POST of the body with its content type, to the path and query of the URL', async () => {
    expect(await post(`${sink.url}/v1/logs?tenant=a`)).toBe('sent');
    expect(sink.requests).toHaveLength(1);
    const request = sink.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/logs?tenant=a');
    expect(request.contentType).toBe('application/x-protobuf');
    expect([...request.body]).toEqual([...BODY]);
  });

  it('carries the host\'s headers, but not ones that would contradict the message', async () => {
    const raw = await rawServer(['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']);
    try {
      const result = await post(raw.url, {
        'x-token': 'abc',
        'Content-Type': 'text/plain',
        'content-length': '999',
        Connection: 'keep-alive',
        'Transfer-Encoding': 'chunked',
        Expect: '100-continue',
      });
      expect(result).toBe('sent');
      const text = Buffer.concat(raw.received).toString('latin1');
      const [head, body] = text.split('\r\n\r\n') as [string, string];
      const lines = head.split('\r\n');
      expect(lines[0]).toBe('POST /v1/logs HTTP/1.1');
      const headers = lines.slice(1).map((line) => line.toLowerCase());
      expect(headers).toContain(`host: ${new URL(raw.url).host}`);
      expect(headers).toContain('x-token: abc');
      expect(headers.filter((h) => h.startsWith('content-type:'))).toEqual(['content-type: application/x-protobuf']);
      expect(headers.filter((h) => h.startsWith('content-length:'))).toEqual([`content-length: ${BODY.byteLength}`]);
      expect(headers.filter((h) => h.startsWith('connection:'))).toEqual(['connection: close']);
      expect(headers.some((h) => h.startsWith('transfer-encoding:') || h.startsWith('expect:'))).toBe(false);
      expect(body).toBe(Buffer.from(BODY).toString('latin1'));
    } finally {
      await raw.close();
    }
  });

  it.each([
    [{ 'x-token': 'a\r\nx-injected: 1' }],
    [{ 'x-token': 'a\nb' }],
    [{ 'bad name': 'x' }],
    [{ 'x-token': 'caf\u20ac' }],
  ])('a header that cannot be sent as given (%j) fails the send before any connection', async (headers) => {
    const before = sink.connections();
    expect(await post(`${sink.url}/v1/logs`, headers)).toBe('failed');
    expect(sink.connections()).toBe(before);
  });

  it('credentials in the URL become Basic authorization, unless the host sets its own', async () => {
    const raw = await rawServer(['HTTP/1.1 200 OK\r\n\r\n']);
    try {
      const url = new URL(raw.url);
      url.username = 'user';
      url.password = 'p@ss';
      expect(await post(url.href)).toBe('sent');
      expect(await post(url.href, { Authorization: 'Bearer t' })).toBe('sent');
      const heads = raw.received.map((b) => b.toString('latin1').split('\r\n\r\n')[0]!.split('\r\n'));
      expect(heads[0]).toContain(`Authorization: Basic ${Buffer.from('user:p@ss').toString('base64')}`);
      expect(heads[1]).toContain('Authorization: Bearer t');
      expect(heads[1]!.filter((line) => line.toLowerCase().startsWith('authorization:'))).toHaveLength(1);
    } finally {
      await raw.close();
    }
  });

  it('an IPv6 literal is connected to without its brackets, and keeps them in Host', async () => {
    const server = net.createServer();
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(0, '::1', () => resolve(true));
    });
    server.close();
    // A machine without IPv6 on loopback has nothing to test here.
    if (!listening) return;
    const raw = net.createServer((socket) => {
      socket.once('data', (data: Buffer) => {
        socket.end(`HTTP/1.1 ${data.toString('latin1').includes('\r\nHost: [::1]:') ? 200 : 400} X\r\n\r\n`);
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '::1', resolve));
    try {
      expect(await post(`http://[::1]:${(raw.address() as net.AddressInfo).port}/v1/logs`)).toBe('sent');
    } finally {
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  });
});

describe('reading the answer', () => {
  it.each([
    ['200 in one piece', ['HTTP/1.1 200 OK\r\n\r\n'], 'sent'],
    ['204 split inside the status line', ['HTTP/1.1 2', '04 No Content\r\n\r\n'], 'sent'],
    ['an HTTP/1.0 answer', ['HTTP/1.0 202 Accepted\r\n\r\n'], 'sent'],
    ['100 Continue, then 200', ['HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 200 OK\r\n\r\n'], 'sent'],
    ['103 Early Hints, then 503', ['HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 503 No\r\n\r\n'], 'failed'],
    ['503', ['HTTP/1.1 503 Service Unavailable\r\n\r\n'], 'failed'],
    ['300', ['HTTP/1.1 300 Multiple Choices\r\n\r\n'], 'failed'],
    ['not HTTP', ['SSH-2.0-OpenSSH_9.6\r\n'], 'failed'],
  ] as const)('%s', async (_name, reply, expected) => {
    const raw = await rawServer([...reply]);
    try {
      expect(await post(raw.url)).toBe(expected);
    } finally {
      await raw.close();
    }
  });

  it('a connection closed before any answer fails', async () => {
    const raw = await rawServer([], { close: true });
    try {
      expect(await post(raw.url)).toBe('failed');
      expect(raw.connections()).toBe(1);
    } finally {
      await raw.close();
    }
  });

  it('a peer that talks without ever ending a line fails instead of buffering forever', async () => {
    const raw = await rawServer(['x'.repeat(20_000)]);
    try {
      expect(await post(raw.url)).toBe('failed');
    } finally {
      await raw.close();
    }
  });

  it('a refused connection fails, a silent peer times out', async () => {
    expect(await post(`${await refusedUrl()}/v1/logs`)).toBe('failed');
    const raw = await rawServer([]);
    try {
      const started = performance.now();
      expect(await post(raw.url, undefined, 200)).toBe('timeout');
      expect(performance.now() - started).toBeLessThan(1500);
    } finally {
      await raw.close();
    }
  });

  it('finalStatus parses only what a status line can be', () => {
    expect(finalStatus('HTTP/1.1 200 OK\r\n')).toBe(200);
    expect(finalStatus('HTTP/1.1 200\r\n')).toBe(200);
    expect(finalStatus('HTTP/1.1 200 OK')).toBe('incomplete');
    expect(finalStatus('HTTP/1.1 100 Continue\r\n')).toBe('incomplete');
    expect(finalStatus('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n')).toBe(201);
    expect(finalStatus('HTTP/2 200\r\n')).toBe('bad');
    expect(finalStatus('HTTP/1.1 20 OK\r\n')).toBe('bad');
    expect(finalStatus('200 OK\r\n')).toBe('bad');
  });
});

describe('https', () => {
  let built: BuiltClient;
  let home: ReturnType<typeof isolatedHome>;
  let server: https.Server;
  let port: number;
  let dir: string;
  let caFile: string;
  let requests = 0;

  beforeAll(async () => {
    built = await buildClient();
    home = isolatedHome();
    dir = mkdtempSync(join(tmpdir(), 'ts-client-tls-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, TEST_TLS_CERT);
    server = https.createServer({ key: TEST_TLS_KEY, cert: TEST_TLS_CERT }, (req, res) => {
      req.resume();
      req.on('end', () => {
        requests += 1;
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    built?.cleanup();
    home?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  // Node reads NODE_EXTRA_CA_CERTS at start-up only, so each case is a fresh process using the bundle.
  async function track(host: string, trust: boolean): Promise<string> {
    const script = `
      const { createUsageTelemetry } = await import(${JSON.stringify(built.bundle)});
      const telemetry = createUsageTelemetry({ service: 'tiny-cli', version: '1', endpoint: 'https://${host}:${port}', timeoutMs: 3000 });
      process.stdout.write(await telemetry.track('greet'));
    `;
    const env = trust ? { ...home.env, NODE_EXTRA_CA_CERTS: caFile } : home.env;
    const run = await runNode(['--input-type=module', '-e', script], { env, killAfterMs: 15_000 });
    expect(run.stderr).toBe('');
    return run.stdout;
  }

  it('a certificate the process trusts, for the name in the URL: sent', async () => {
    const before = requests;
    expect(await track('localhost', true)).toBe('sent');
    expect(await track('127.0.0.1', true)).toBe('sent');
    expect(requests).toBe(before + 2);
  });

  it('an untrusted certificate, or one for another name: failed, nothing delivered', async () => {
    const before = requests;
    expect(await track('localhost', false)).toBe('failed');
    // *.localhost is loopback (lookup.ts), so this reaches the same server under a name its certificate lacks.
    expect(await track('other.localhost', true)).toBe('failed');
    expect(requests).toBe(before);
  });
});
