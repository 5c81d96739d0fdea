// Personal data the sanitize chain masks besides secrets: e-mail addresses, IP addresses and
// the user name inside home-directory paths. Values are synthetic (example domains, random
// addresses) but shaped like the real thing, including the less common forms (plus-addressing,
// compressed and embedded-IPv4 IPv6, Windows profiles).

import type { Random } from './corpus-random.js';

const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar', 'peggy', 'trent', 'victor', 'wendy'];
const LAST = ['jones', 'smith', 'nguyen', 'garcia', 'muller', 'rossi', 'kowalski', 'tanaka', 'okafor', 'silva'];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'corp.example.com', 'mail.example.co.uk', 'example.io'];

export function email(rng: Random): string {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  const local = rng.pick([`${first}.${last}`, `${first}${rng.int(1, 99)}`, `${first[0]}${last}`, `${first}+${rng.pick(['ci', 'alerts', 'test'])}`, `${first}_${last}`]);
  return `${local}@${rng.pick(DOMAINS)}`;
}

export function ipv4(rng: Random): string {
  return [rng.int(1, 223), rng.int(0, 255), rng.int(0, 255), rng.int(1, 254)].join('.');
}

function hextet(rng: Random): string {
  return rng.int(0, 0xffff).toString(16);
}

export function ipv6(rng: Random): string {
  const groups = Array.from({ length: 8 }, () => hextet(rng));
  groups[0] = rng.pick(['2001', '2a00', '2600', 'fe80', 'fd12']);
  switch (rng.int(0, 3)) {
    case 0:
      return groups.join(':');
    case 1: {
      // One run of groups compressed to ::, as most tools print addresses.
      const start = rng.int(1, 5);
      const length = rng.int(2, 7 - start);
      return `${groups.slice(0, start).join(':')}::${groups.slice(start + length).join(':')}`;
    }
    case 2:
      return `${groups[0]}:db8::${hextet(rng)}`;
    default:
      return `::ffff:${ipv4(rng)}`;
  }
}

export interface HomePath {
  /** The home directory, which carries the user name: what must not reach storage. */
  readonly home: string;
  /** Path separator of that system, for building paths under home. */
  readonly sep: '/' | '\\';
}

export function homePath(rng: Random): HomePath {
  const user = rng.pick([...FIRST, `${rng.pick(FIRST)}.${rng.pick(LAST)}`]);
  switch (rng.int(0, 2)) {
    case 0:
      return { home: `/home/${user}`, sep: '/' };
    case 1:
      return { home: `/Users/${user}`, sep: '/' };
    default:
      return { home: `C:\\Users\\${user}`, sep: '\\' };
  }
}
