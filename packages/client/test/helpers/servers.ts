// Local stand-ins for an OTLP/HTTP endpoint. Every one listens on 127.0.0.1 with port 0, so tests never
// send anything off the machine and never fight over a port.
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: Buffer;
}

export interface Sink {
  /** Base endpoint, e.g. http://127.0.0.1:41234 */
  url: string;
  requests: ReceivedRequest[];
  /** TCP connections accepted, including any that never sent a full request. */
  connections(): number;
  /** Status codes to answer with, in order; the last one repeats. */
  setStatuses(statuses: number[]): void;
  close(): Promise<void>;
}

/** Bodies above this are refused, so a runaway client cannot fill the test's memory. */
const MAX_BODY = 4 * 1024 * 1024;

export async function startSink(statuses: number[] = [200]): Promise<Sink> {
  const requests: ReceivedRequest[] = [];
  let queue = [...statuses];
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks),
      });
      const status = queue.length > 1 ? queue.shift()! : (queue[0] ?? 200);
      res.writeHead(size > MAX_BODY ? 413 : status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    setStatuses(next) {
      queue = [...next];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface BlackHole {
  url: string;
  connections(): number;
  close(): Promise<void>;
}

/** Accepts TCP connections, reads everything, never answers: a Collector that hangs. */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port that was just free: connecting to it is refused. */
export async function refusedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface DnsBlackHole {
  /** `host:port` for dns.setServers */
  server: string;
  queries(): number;
  close(): Promise<void>;
}

/** A DNS server on 127.0.0.1 that receives queries and never answers. */
export async function startDnsBlackHole(): Promise<DnsBlackHole> {
  const socket = dgram.createSocket('udp4');
  let queries = 0;
  socket.on('message', () => {
    queries += 1;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    queries: () => queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
