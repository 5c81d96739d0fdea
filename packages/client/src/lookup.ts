import type { LookupAddress } from 'node:dns';
import { nodeDns } from './builtins.js';
import type { Deadline } from './deadline.js';

type Callback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

// dns.lookup (getaddrinfo) runs on the libuv thread pool and cannot be cancelled: with a resolver that
// never answers it keeps the host process alive for the system's DNS timeout, often 5-10 s, whatever our
// own timeout says. So names are first resolved through a c-ares Resolver, which can be cancelled when the
// deadline passes. Only a definitive "no such name" falls back to dns.lookup, for names that live in
// /etc/hosts or search domains; by then the resolver has shown it answers quickly.
// Node calls a lookup only for names, never for an IP address literal, so node:dns is fetched inside it:
// an endpoint such as http://127.0.0.1:4318 never loads it.

const LOOPBACK: LookupAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

export function boundedLookup(deadline: Deadline, timeoutMs: number) {
  return (hostname: string, options: { all?: boolean }, callback: Callback): void => {
    const reply = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[] = []): void => {
      const first = addresses[0];
      if (error || !first) {
        callback(error ?? Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      } else if (options.all) {
        callback(null, addresses);
      } else {
        callback(null, first.address, first.family);
      }
    };
    // RFC 6761: localhost is loopback; no resolver need be asked.
    if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
      reply(null, options.all ? LOOPBACK : LOOPBACK.slice(0, 1));
      return;
    }
    const dns = nodeDns();
    const resolver = new dns.Resolver({ timeout: Math.max(1, Math.ceil(timeoutMs)), tries: 1 });
    // The process-wide servers, so a host that called dns.setServers gets what it asked for.
    resolver.setServers(dns.getServers());
    const stopWaiting = deadline.onExpire(() => resolver.cancel());
    resolver.resolve4(hostname, (error, addresses) => {
      stopWaiting();
      if (!error && addresses.length > 0) {
        reply(null, addresses.map((address) => ({ address, family: 4 })));
      } else if (!deadline.expired && (error?.code === 'ENOTFOUND' || error?.code === 'ENODATA')) {
        dns.lookup(hostname, { all: true }, (fallbackError, list) => reply(fallbackError, list));
      } else {
        reply(error);
      }
    });
  };
}
