import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { isLoopback } from './loopback.js';

/**
 * Listening TCP sockets as the kernel reports them (/proc/net/tcp and tcp6), and the processes
 * holding them: an exposure check does not trust the config it is checking (whatever a process
 * actually bound is what counts), and a busy port is named with the pid that holds it.
 */
export interface ListeningSocket {
  address: string;
  port: number;
  family: 4 | 6;
  inode: string;
  /** Set when the socket was matched to one of the pids asked about. */
  pid?: number;
}

/** Every LISTEN socket in this network namespace; empty where /proc/net is missing (not Linux). */
export function listeningSockets(): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const [file, family] of [
    ['/proc/net/tcp', 4],
    ['/proc/net/tcp6', 6],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // Column 4 is the state; 0A is TCP_LISTEN. Column 10 is the socket inode.
      if (cols.length < 10 || cols[3] !== '0A') continue;
      const [hexAddr, hexPort] = cols[1]!.split(':') as [string, string];
      out.push({ address: decodeProcAddress(hexAddr), port: parseInt(hexPort, 16), family, inode: cols[9]! });
    }
  }
  return out;
}

/** Socket inodes held open by a process, read from its fd table (needs the same user or root). */
export function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // the fd closed between the listing and the read
    }
  }
  return inodes;
}

/** LISTEN sockets owned by any of `pids`. */
export function listeningSocketsOf(pids: readonly number[]): ListeningSocket[] {
  const owner = new Map<string, number>();
  for (const pid of pids) for (const inode of socketInodes(pid)) owner.set(inode, pid);
  return listeningSockets()
    .filter((s) => owner.has(s.inode))
    .map((s) => ({ ...s, pid: owner.get(s.inode)! }));
}

/**
 * /proc/net prints the raw in_addr / in6_addr bytes as 32-bit words in host byte order
 * (little-endian on every platform Node ships for Linux but s390x), hence the per-word reversal.
 */
export function decodeProcAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => [w.slice(6, 8), w.slice(4, 6), w.slice(2, 4), w.slice(0, 2)].map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return compressV6(groups);
}

function compressV6(groups: string[]): string {
  // Longest run of zero groups becomes "::", as in the canonical text form (RFC 5952).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Loopback for traffic: 127.0.0.0/8, ::1 and IPv4-mapped 127.x. */
export function isLoopbackListener(address: string): boolean {
  if (address.startsWith('::ffff:')) return isLoopback(address.slice(7));
  return isLoopback(address);
}
