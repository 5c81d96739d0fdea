// Node built-ins are fetched at the moment a code path needs them, never imported: this library imports
// nothing at all, so a host's `import` of it reads one file and a run whose consent says no loads no
// built-in. An ESM `import` of a built-in is not free even when Node has it loaded already: `import
// 'node:fs'` builds a namespace of every export, which evaluates the `fs.promises` getter and loads its
// internals (about 4-5 ms here), and node:crypto, node:net and node:os are not loaded at all until
// somebody asks. Even `import { createRequire } from 'node:module'`, the older way to fetch them
// synchronously, loads two internal modules.
//
// process.getBuiltinModule (Node >= 20.16, hence the package's engines) hands out the CommonJS exports
// object synchronously, which the synchronous consent and config code needs. On an older Node it is
// missing and the accessors throw: every caller already turns a throw into its safe answer (a config
// file that cannot be read is treated as a "no", a send fails), so the library sends nothing there
// rather than breaking the host.

type Builtin = 'node:fs' | 'node:os' | 'node:path' | 'node:crypto' | 'node:net' | 'node:tls' | 'node:dns';

function load(id: Builtin): unknown {
  if (typeof process.getBuiltinModule !== 'function') throw new Error(`${id}: needs Node >= 20.16 (process.getBuiltinModule)`);
  return process.getBuiltinModule(id);
}

export const nodeFs = (): typeof import('node:fs') => load('node:fs') as typeof import('node:fs');
export const nodeOs = (): typeof import('node:os') => load('node:os') as typeof import('node:os');
export const nodePath = (): typeof import('node:path') => load('node:path') as typeof import('node:path');
export const nodeCrypto = (): typeof import('node:crypto') => load('node:crypto') as typeof import('node:crypto');
export const nodeNet = (): typeof import('node:net') => load('node:net') as typeof import('node:net');
export const nodeTls = (): typeof import('node:tls') => load('node:tls') as typeof import('node:tls');
/** The CommonJS exports object, which is what dns.setServers() rebinds; a namespace import would not see it. */
export const nodeDns = (): typeof import('node:dns') => load('node:dns') as typeof import('node:dns');
