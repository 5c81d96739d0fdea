/**
 * HTTP query parameters (`param_name=value`) arrive in ClickHouse's escaped text form, the same
 * form TabSeparated uses: `\t`, `\n`, `\\`, `\'` and friends, and `\N` for NULL. chdb's binding
 * escapes the strings it is given, so the value is unescaped here once to avoid escaping twice.
 */

const SIMPLE: Readonly<Record<string, string>> = {
  b: '\b',
  f: '\f',
  r: '\r',
  n: '\n',
  t: '\t',
  '0': '\0',
  a: '\x07',
  v: '\v',
  e: '\x1b',
};

export function unescapeParamValue(value: string): string | null {
  if (value === '\\N') return null;
  if (!value.includes('\\')) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c !== '\\' || i + 1 >= value.length) {
      out += c;
      continue;
    }
    const next = value[i + 1] as string;
    if (next === 'x' && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 2, i + 4))) {
      out += String.fromCharCode(parseInt(value.slice(i + 2, i + 4), 16));
      i += 3;
      continue;
    }
    // Any other escaped character stands for itself (\\, \', \", \`, \/ ...), as in ClickHouse.
    out += SIMPLE[next] ?? next;
    i += 1;
  }
  return out;
}
