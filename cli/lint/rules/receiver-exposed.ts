import { isLoopback } from '../../net/loopback.js';
import { isRecord } from '../collector-doc.js';
import type { LintRule, RuleFinding } from '../rule.js';

/** Host part of `host:port`, `[v6]:port` or `:port` (all interfaces). */
export function endpointHost(endpoint: string): string {
  const v6 = /^\[([^\]]+)\]:\d+$/.exec(endpoint);
  if (v6) return v6[1]!;
  const i = endpoint.lastIndexOf(':');
  return i < 0 ? endpoint : endpoint.slice(0, i);
}

export const receiverExposed: LintRule = {
  id: 'receiver-exposed',
  severity: 'error',
  why: 'a receiver reachable beyond this machine without auth accepts telemetry (and load) from anyone on the network',
  check(doc) {
    const out: RuleFinding[] = [];
    for (const [id, cfg] of Object.entries(doc.components('receivers'))) {
      const protocols = isRecord(cfg['protocols']) ? cfg['protocols'] : { '': cfg };
      for (const [proto, p] of Object.entries(protocols)) {
        if (!isRecord(p) || typeof p['endpoint'] !== 'string') continue;
        const host = endpointHost(p['endpoint']);
        if (host.includes('${')) continue; // decided at run time; nothing to judge here
        if ((host === '' || !isLoopback(host)) && !isRecord(p['auth'])) {
          const path = proto === '' ? ['receivers', id, 'endpoint'] : ['receivers', id, 'protocols', proto, 'endpoint'];
          out.push({
            line: doc.lineOf(path),
            path: path.join('.'),
            message: `${id}${proto ? ` ${proto}` : ''} listens on ${p['endpoint']} without auth; bind 127.0.0.1 or add auth: {authenticator: bearertokenauth}`,
          });
        }
      }
    }
    return out;
  },
};
