// Node built-ins are fetched at the moment a code path needs them, not imported at the top of a module.
// Every run of the host loads this library, and most runs need none of them: a run whose consent env
// decides reads no file, and a run that sends reads its fingerprint and never needs node:crypto. An ESM
// `import` of a built-in is not free even when Node has it loaded already: `import 'node:fs'` builds a
// namespace of every export, which evaluates the `fs.promises` getter and loads its internals (about
// 4-5 ms here), and node:crypto, node:net and node:os are not loaded at all until somebody asks.
//
// process.getBuiltinModule (Node >= 20.16) hands out the CommonJS exports object synchronously, which the
// synchronous consent and config code needs. Before 20.16 a require() made with node:module's
// createRequire does the same. node:module is the one built-in imported statically: the alternative, a
// top-level `await import('node:module')` only where getBuiltinModule is missing, makes the module
// asynchronous for every Node version, and require() of an asynchronous ES module fails
// (ERR_REQUIRE_ASYNC_MODULE), which would lock out CommonJS hosts on Node 22 and later. Its price is
// two internal modules and about 0.2 ms of CPU (median of 60 fresh processes), against 4-5 ms for node:fs.
import { createRequire } from 'node:module';

type Builtin = 'node:fs' | 'node:os' | 'node:path' | 'node:crypto' | 'node:net' | 'node:tls' | 'node:dns';

const load: (id: Builtin) => unknown =
  typeof process.getBuiltinModule === 'function'
    ? (id) => process.getBuiltinModule(id)
    : createRequire(import.meta.url);

export const nodeFs = (): typeof import('node:fs') => load('node:fs') as typeof import('node:fs');
export const nodeOs = (): typeof import('node:os') => load('node:os') as typeof import('node:os');
export const nodePath = (): typeof import('node:path') => load('node:path') as typeof import('node:path');
export const nodeCrypto = (): typeof import('node:crypto') => load('node:crypto') as typeof import('node:crypto');
export const nodeNet = (): typeof import('node:net') => load('node:net') as typeof import('node:net');
export const nodeTls = (): typeof import('node:tls') => load('node:tls') as typeof import('node:tls');
/** The CommonJS exports object, which is what dns.setServers() rebinds; a namespace import would not see it. */
export const nodeDns = (): typeof import('node:dns') => load('node:dns') as typeof import('node:dns');
