import { FORMATS } from './credentials.js';
import { innocents } from './innocents.js';
import { seeded, type Random } from './random.js';

export interface Credential {
  readonly id: string;
  readonly provider: string;
  /** The line as a person or tool would write it: the secret in its carrier. */
  readonly line: string;
  readonly secret: string;
}

const CLASSES: Record<string, string> = {
  a: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  l: 'abcdefghijklmnopqrstuvwxyz0123456789',
  u: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  U: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  h: '0123456789abcdef',
  H: '0123456789ABCDEF',
  d: '0123456789',
  b: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  B: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  z: 'abcdefghijklmnopqrstuvwxyz234567',
  Q: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
};

function render(template: string, rng: Random): string {
  return template.replace(/\{(uuid|[A-Za-z]:\d+)\}/g, (_, token: string) => {
    if (token === 'uuid') {
      const h = (n: number) => rng.chars(CLASSES['h']!, n);
      return `${h(8)}-${h(4)}-4${h(3)}-${rng.pick(['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
    }
    const [cls, n] = token.split(':') as [string, string];
    return rng.chars(CLASSES[cls]!, Number(n));
  });
}

export function credentials(): Credential[] {
  const rng = seeded(0x5eed_c0de);
  const out: Credential[] = [];
  for (const round of [1, 2]) {
    FORMATS.forEach(([provider, template], i) => {
      const filled = render(template, rng);
      const start = filled.indexOf('[[');
      const end = filled.indexOf(']]');
      const line = filled.replace('[[', '').replace(']]', '');
      const secret = start < 0 ? line : filled.slice(start + 2, end);
      out.push({ id: `${provider}#${round}.${i}`, provider, line, secret });
    });
  }
  return out;
}

export function innocentValues(count = 520): string[] {
  return innocents(seeded(0x1a_0ce7), count);
}
