import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { listeningSockets, socketInodes } from './listening-sockets.js';

export interface PortHolder {
  pid?: number;
  command?: string;
}

/** True when something already listens on host:port (tries to bind it, then lets go). */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/**
 * Who listens on a TCP port, from /proc (Linux): the socket inode from /proc/net/tcp{,6}, then
 * the process holding that inode. Best effort: other users' processes may be unreadable.
 */
export function portHolder(port: number): PortHolder | undefined {
  const inodes = new Set(
    listeningSockets()
      .filter((s) => s.port === port)
      .map((s) => s.inode),
  );
  if (inodes.size === 0) return undefined;
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const held = socketInodes(Number(entry));
    if ([...inodes].some((inode) => held.has(inode))) return { pid: Number(entry), command: commandOf(Number(entry)) };
  }
  return {};
}

export function describeHolder(port: number): string {
  const holder = portHolder(port);
  if (!holder?.pid) return `port ${port} is in use`;
  return `port ${port} is in use by pid ${holder.pid}${holder.command ? ` (${holder.command})` : ''}`;
}

function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(0, 3).join(' ').slice(0, 120);
  } catch {
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
